"""Script and markup written into free-text fields comes back as text: escaped in every page, literal in PDFs.

Each field gets its own marker in front of the same payload, so a test can say which field it expects on
a page and prove that the field came back (escaped), not merely that nothing came back raw.
"""

import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avustus.applications import attachments
from avustus.applications import services as applications
from avustus.applications.models import Application, ConsortiumMember
from avustus.calls.services import update_call_texts
from avustus.decisions.models import Decision
from avustus.registry.models import Organisation
from tests.applications.test_attachments import make_pdf

pytestmark = pytest.mark.django_db

# Markup for HTML, a javascript: URL, and Typst markup that would run or format if spliced into source.
TAIL = '<script>alert(1)</script>"><img src=x onerror=alert(1)> javascript:alert(1) #eval("1+1") ] *b* $x$'


def payload(marker: str) -> str:
    return f"{marker}{TAIL}"


RAW = ("<script>alert(1)</script>", "<img src=x onerror", "onerror=alert(1)>", 'href="javascript:',
       "href='javascript:", 'src="javascript:')


def assert_escaped(html: str, *markers: str) -> None:
    """No payload raw anywhere in the page, and each marker's payload present in escaped form."""
    for raw in RAW:
        assert raw not in html, f"{raw!r} came back unescaped"
    for marker in markers:
        assert f"{marker}&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html, (
            f"{marker}'s text is not on the page (escaped)"
        )


def pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    # Lines wrap wherever the typesetter chose; compare without whitespace.
    return re.sub(r"\s+", "", text.decode("utf-8"))


def assert_literal_in_pdf(text: str, *markers: str) -> None:
    for marker in markers:
        assert re.sub(r"\s+", "", payload(marker)) in text, f"{marker}'s text is not printed literally in the PDF"


@pytest.fixture
def submitted(open_call, applicant_of):
    """An application whose every applicant-written text is a payload, submitted through the services."""
    user = applicant_of("109")
    lead = Organisation.objects.get(code="109")
    partner = Organisation.objects.get(code="853")
    application = applications.create_draft(open_call, actor=user, organisation=lead, title=payload("TITLE"))
    application = applications.update_draft(application, applications.DraftChanges(
        plan={"objectives": payload("PLAN")}, partners=[partner.key],
        budget=[{"category": "staff", "amount_vat_free": "80000", "vat": "0", "description": payload("BUDGET")}],
        amount_applied="68000",
    ), actor=user, version=application.version)
    attachments.add_attachment(application, SimpleUploadedFile(payload("FILE") + ".pdf", make_pdf()), actor=user)
    # The name as written comes from decision texts an official imports; the importer stores it as written.
    ConsortiumMember.objects.filter(application=application, organisation=partner).update(
        name_as_written=payload("PARTNER"))
    application = applications.submit(Application.objects.get(pk=application.pk), actor=user)
    return application, user


def test_applicants_screens_escape_what_applicants_wrote(client, submitted):
    application, user = submitted
    client.force_login(user)
    ref = application.reference
    assert_escaped(client.get(reverse("my-applications")).content.decode(), "TITLE")
    page = client.get(reverse("my-application", args=[ref])).content.decode()
    assert_escaped(page, "TITLE", "PLAN")
    # The file name was made safe on the way in: what looks like a path is cut off ("</script>" has a
    # slash), and angle brackets and quotes are gone, not just escaped.
    assert "script____img src=x onerror=alert(1)_ javascript_alert(1)" in page
    assert_escaped(client.get(reverse("receipt", args=[ref])).content.decode(), "TITLE")


def test_public_and_officials_screens_escape_what_applicants_wrote(client, submitted, open_call, official_of):
    application, _user = submitted
    ref = application.reference
    assert_escaped(client.get(reverse("application", args=[ref])).content.decode(), "TITLE", "PARTNER")
    assert_escaped(client.get(reverse("round-applications", args=[open_call.slug])).content.decode(), "TITLE")
    assert_escaped(client.get(reverse("organisation", args=[Organisation.objects.get(code="109").key]))
                   .content.decode(), "TITLE")
    client.force_login(official_of(open_call))
    assert_escaped(client.get(reverse("officials-screening", args=[open_call.slug])).content.decode(), "TITLE")
    screening = client.get(reverse("officials-screen", args=[ref]))
    assert screening.status_code == 200
    assert_escaped(screening.content.decode(), "TITLE")


def test_the_application_copy_prints_markup_literally(client, submitted, tmp_path):
    application, user = submitted
    client.force_login(user)
    response = client.get(reverse("application-copy", args=[application.reference]))
    assert response.status_code == 200
    # Members are listed by their registry names in the copy, so the name as written is not in it.
    assert_literal_in_pdf(pdf_text(response.content, tmp_path), "TITLE", "PLAN")


@pytest.fixture
def decided(round_2020, official_of):
    """The 2020 round with a payload in a granted project's name, a name as written, and every call text."""
    officer = official_of(round_2020)
    texts = {key: {"fi": f"{value.get('fi', '')} {payload('TEXT')}", "sv": value.get("sv", "")}
             for key, value in round_2020.texts.items() if not key.startswith("group-")}
    update_call_texts(round_2020, texts, actor=officer)
    application = (Application.objects.filter(call=round_2020, outcomes__kind="granted")
                   .order_by("reference").first())
    Application.objects.filter(pk=application.pk).update(title=payload("TITLE"))
    member = application.members.order_by("position").first()
    ConsortiumMember.objects.filter(pk=member.pk).update(name_as_written=payload("PARTNER"))
    return round_2020, application, officer


def test_call_texts_are_escaped_where_officials_edit_them(client, decided):
    call, _application, officer = decided
    client.force_login(officer)
    assert_escaped(client.get(reverse("call-texts", args=[call.slug])).content.decode(), "TEXT")


def test_decision_and_letter_escape_html_and_print_markup_literally(client, decided, tmp_path):
    call, application, officer = decided
    client.force_login(officer)
    decision = Decision.objects.filter(call=call).first()
    html = client.get(reverse("decision-document", args=[decision.pk, "fi", "html"])).content.decode()
    assert_escaped(html, "TITLE", "TEXT")
    pdf = client.get(reverse("decision-document", args=[decision.pk, "fi", "pdf"])).content
    assert_literal_in_pdf(pdf_text(pdf, tmp_path), "TITLE", "TEXT")

    letter = client.get(reverse("letter", args=[application.reference, "fi", "html"]))
    assert letter.status_code == 200
    assert_escaped(letter.content.decode(), "TITLE")
    letter_pdf = client.get(reverse("letter", args=[application.reference, "fi", "pdf"])).content
    assert_literal_in_pdf(pdf_text(letter_pdf, tmp_path), "TITLE")


def test_public_pages_of_the_decided_round_escape_names(client, decided):
    call, application, _officer = decided
    assert_escaped(client.get(reverse("application", args=[application.reference])).content.decode(),
                   "TITLE", "PARTNER")
    assert_escaped(client.get(reverse("round-applications", args=[call.slug])).content.decode(), "TITLE")
    assert_escaped(client.get(reverse("round", args=[call.slug])).content.decode())


def test_api_token_names_are_escaped(client, django_user_model):
    from avustus.accounts import tokens

    user = django_user_model.objects.create(username="skripti")
    client.force_login(user)
    name = 'NAME<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    token, _value = tokens.create_token(user, actor=user, name=name)
    assert_escaped(client.get(reverse("api-tokens")).content.decode(), "NAME")
    assert_escaped(client.get(reverse("revoke-api-token", args=[token.pk])).content.decode(), "NAME")


def test_open_data_pages_escape_names_and_exports_keep_them_as_data(client, decided):
    import json

    call, application, _officer = decided
    lead = application.lead.organisation
    assert_escaped(client.get(reverse("open-grants"), {"call": call.slug}).content.decode(), "TITLE")
    assert_escaped(client.get(reverse("open-organisation", args=[lead.key])).content.decode(), "TITLE")
    assert_escaped(client.get(reverse("open-round", args=[call.slug])).content.decode())
    assert_escaped(client.get(reverse("open-grants"), {"region": TAIL, "min": TAIL}).content.decode())
    package = json.loads(client.get(reverse("open-round-export", args=[call.slug, "360giving"])).content)
    assert payload("TITLE") in {g["title"] for g in package["grants"]}
