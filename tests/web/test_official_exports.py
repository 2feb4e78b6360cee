"""The officials' screens of an export made in the background: offered on a large round's page, started by a form,
followed on a status page that refreshes itself until the file is ready, in fi, sv and en."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.opendata.models import ExportJob
from tests.opendata.test_background import run_export_tasks

pytestmark = pytest.mark.django_db
SLUG = "kuntadigi-2020-02-26"


@pytest.fixture
def large(settings):
    """The 2020 round's 27 grants count as a large round."""
    settings.AVUSTUS_BACKGROUND_EXPORT_FROM = 20


def _start(client, user, fmt="csv", lang="fi", follow="yes"):
    client.force_login(user)
    return client.post(reverse("officials-round-export", args=[SLUG]), {"format": fmt, "follow": follow},
                       HTTP_ACCEPT_LANGUAGE=lang)


def test_a_large_rounds_page_offers_officials_the_export_in_the_background(client, round_2020, official, large):
    client.force_login(official)
    page = client.get(reverse("round", args=[SLUG]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("officials-round-export", args=[SLUG]) in page and "Prepare the export" in page
    assert reverse("open-round-export", args=[SLUG, "csv"]) not in page
    client.logout()
    public = client.get(reverse("round", args=[SLUG]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("officials-round-export", args=[SLUG]) not in public
    assert reverse("open-round-export", args=[SLUG, "csv"]) in public  # the public download stays as it was


def test_a_small_rounds_page_keeps_the_download_links(client, round_2020, official):
    client.force_login(official)
    page = client.get(reverse("round", args=[SLUG]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("open-round-export", args=[SLUG, "csv"]) in page
    assert reverse("officials-round-export", args=[SLUG]) not in page


@pytest.mark.parametrize(("lang", "queued", "ready", "download"), [
    ("fi", "Jonossa: vienti alkaa", "Valmis: 27 avustusta viety.", "Lataa kuntadigi-2020-02-26-grants.csv"),
    ("sv", "I kö: exporten börjar", "Klar: 27 understöd exporterade.", "Ladda ner kuntadigi-2020-02-26-grants.csv"),
    ("en", "Queued: the export starts", "Ready: 27 grants exported.", "Download kuntadigi-2020-02-26-grants.csv"),
])
def test_started_followed_and_downloaded(client, round_2020, official, large, lang, queued, ready, download):
    response = _start(client, official, lang=lang)
    job = ExportJob.objects.get()
    status = reverse("officials-export", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == f"{status}?auto=1"  # the box ticked
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert queued in page and '<meta http-equiv="refresh" content="5">' in page
    assert reverse("officials-export-download", args=[job.pk]) not in page
    # Asked for before it is ready, the file is its status page.
    early = client.get(reverse("officials-export-download", args=[job.pk]))
    assert early.status_code == 302 and early["Location"] == status

    run_export_tasks()
    page = client.get(f"{status}?auto=1", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert ready in page and download in page and 'http-equiv="refresh"' not in page
    file = client.get(reverse("officials-export-download", args=[job.pk]))
    assert file.status_code == 200
    assert file["Content-Disposition"] == f'attachment; filename="{SLUG}-grants.csv"'
    assert file.content.decode("utf-8-sig").count("\n") == 28  # a header and 27 grants


def test_a_running_export_shows_rows_done_of_total(client, round_2020, official, large):
    _start(client, official, lang="en")
    ExportJob.objects.update(status="running", rows_done=10, rows_total=27)
    status = reverse("officials-export", args=[ExportJob.objects.get().pk])
    page = client.get(f"{status}?auto=1", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Pågår: 10 av 27 understöd skrivna." in page
    assert '<progress id="progress" max="27" value="10">' in page and 'http-equiv="refresh"' in page
    assert f'<a href="{status}">Sluta uppdatera</a>' in page


def test_the_page_refreshes_itself_only_when_asked(client, round_2020, official, large):
    """A page reloading unasked moves a screen reader back to its top (WCAG 2.2.1): without the box, a link."""
    response = _start(client, official, lang="en", follow="")
    status = reverse("officials-export", args=[ExportJob.objects.get().pk])
    assert response["Location"] == status
    page = client.get(status, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f'<a href="{status}">Päivitä nyt</a>' in page
    assert f'<a href="{status}?auto=1">Päivitä itsestään 5 sekunnin välein</a>' in page


def test_a_failed_export_says_why_and_stops_refreshing(client, round_2020, official, large):
    _start(client, official)
    ExportJob.objects.update(status="failed", error="Levy täynnä.")
    status = reverse("officials-export", args=[ExportJob.objects.get().pk])
    page = client.get(f"{status}?auto=1", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Vienti epäonnistui: Levy täynnä." in page and 'http-equiv="refresh"' not in page


def test_a_wrong_format_is_said_on_the_round_page_and_nothing_is_started(client, round_2020, official, large):
    response = _start(client, official, fmt="pdf", lang="fi")
    assert response.status_code == 302 and response["Location"] == reverse("round", args=[SLUG])
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "pdf" in page and "360giving, csv" in page
    assert not ExportJob.objects.exists()


def test_only_who_started_it_and_the_programmes_officials_see_it(client, round_2020, official, large,
                                                                 django_user_model, applicant_of):
    _start(client, official)
    job = ExportJob.objects.get()
    run_export_tasks()
    decider = django_user_model.objects.create(username="paattaja")
    grant_role(decider, Role.DECISION_MAKER, actor=SYSTEM, programme=round_2020.programme)
    reviewer = django_user_model.objects.create(username="arvioija")
    grant_role(reviewer, Role.REVIEWER, actor=SYSTEM, programme=round_2020.programme)
    for user, answer in ((official, 200), (decider, 200), (reviewer, 404), (applicant_of("109"), 404)):
        client.force_login(user)
        for name in ("officials-export", "officials-export-download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == answer, (user.username, name)
    client.logout()
    assert client.get(reverse("officials-export", args=[job.pk]))["Location"].startswith("/login/")


@pytest.mark.parametrize(("status", "lang", "words"), [
    ("queued", "fi", "ei ole aloittanut sitä 12 minuuttiin"),
    ("queued", "en", "No worker has started it in 12 minutes"),
    ("running", "sv", "Den har inte gått framåt på 12 minuter"),
    ("running", "en", "It has not moved in 12 minutes"),
])
def test_a_job_that_stopped_moving_says_so_instead_of_waiting_for_ever(client, round_2020, official, large, status,
                                                                       lang, words):
    _start(client, official)
    job = ExportJob.objects.get()
    status_url = reverse("officials-export", args=[job.pk])
    assert "minut" not in client.get(status_url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()  # just started
    ExportJob.objects.update(status=status, moved_at=timezone.now() - timedelta(minutes=12, seconds=5))
    assert words in client.get(status_url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def _stall(job, minutes=12):
    ExportJob.objects.filter(pk=job.pk).update(status="running", moved_at=timezone.now() - timedelta(minutes=minutes))


def test_a_stalled_job_is_offered_a_restart_and_a_moving_one_is_not(client, round_2020, official, large):
    _start(client, official)
    job = ExportJob.objects.get()
    status_url = reverse("officials-export", args=[job.pk])
    restart_url = reverse("officials-export-restart", args=[job.pk])
    _stall(job, minutes=2)  # running, slowly: no offer
    page = client.get(status_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert restart_url not in page and "Start again" not in page
    _stall(job)
    page = client.get(status_url, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert f'action="{restart_url}"' in page and 'name="confirm"' in page and "Aloita vienti uudelleen" in page


def test_the_restart_makes_one_new_job_and_a_replay_none(client, round_2020, official, large):
    from avustus.audit.models import AuditEntry

    _start(client, official)
    old = ExportJob.objects.get()
    _stall(old)
    restart_url = reverse("officials-export-restart", args=[old.pk])
    entries = AuditEntry.objects.count()
    response = client.post(restart_url, {}, HTTP_ACCEPT_LANGUAGE="en")  # no tick: back, with why
    assert response["Location"] == reverse("officials-export", args=[old.pk])
    assert ExportJob.objects.count() == 1
    assert "Confirm that the export is to be started again." in client.get(response["Location"],
                                                                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post(restart_url, {"confirm": "yes"})
    new = ExportJob.objects.exclude(pk=old.pk).get()
    assert response["Location"] == reverse("officials-export", args=[new.pk]) + "?auto=1"
    assert AuditEntry.objects.filter(action="opendata.export_restarted").count() == 1
    assert AuditEntry.objects.count() == entries + 1
    again = client.post(restart_url, {"confirm": "yes"})  # the form sent twice
    assert again["Location"] == response["Location"] and ExportJob.objects.count() == 2
    assert AuditEntry.objects.count() == entries + 1
    page = client.get(reverse("officials-export", args=[old.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This export stalled and was started again." in page
    assert reverse("officials-export", args=[new.pk]) in page and 'name="confirm"' not in page
    run_export_tasks()
    new.refresh_from_db()
    assert new.status == "ready"
