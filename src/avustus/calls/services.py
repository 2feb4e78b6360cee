"""Use cases of the call stage. For now: officials editing the texts of a call."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from avustus.accounts.models import Role
from avustus.accounts.permissions import has_programme_role
from avustus.audit.chain import record
from avustus.calls.models import Call

TEXT_LANGUAGES = ("fi", "sv")
MAX_TEXT_LENGTH = 20_000


def update_call_texts(call: Call, changes: dict[str, dict[str, str]], *, actor) -> Call:
    """Replace some texts of a call; only the keys it already has, in Finnish and Swedish.

    Documents already signed keep the texts they were signed with (they are frozen snapshots); the
    change shows in documents made from now on.
    """
    if not has_programme_role(actor, call.programme, (Role.OFFICIAL, Role.ADMINISTRATOR)):
        raise PermissionDenied(_("only the programme's officials edit the texts of its calls"))
    errors = {}
    for key, values in changes.items():
        if key not in call.texts:
            errors[key] = _("The call has no text %(key)s.") % {"key": key}
            continue
        for lang, text in values.items():
            if lang not in TEXT_LANGUAGES:
                errors[f"{key}.{lang}"] = _("Texts are in Finnish and Swedish, not %(lang)s.") % {"lang": lang}
            elif len(text) > MAX_TEXT_LENGTH:
                errors[f"{key}.{lang}"] = _("At most %(n)s characters.") % {"n": MAX_TEXT_LENGTH}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        before = {k: dict(call.texts[k]) for k in changes}
        texts = dict(call.texts)
        for key, values in changes.items():
            texts[key] = {**texts[key], **{lang: text.replace("\r\n", "\n").strip() for lang, text in values.items()}}
        after = {k: texts[k] for k in changes}
        if after == before:
            return call
        call.texts = texts
        call.save(update_fields=["texts"])
        record("call.texts_changed", call, actor=actor, data={"before": before, "after": after})
    return call


def copy_call(source: Call, *, slug: str, title_fi: str, title_sv: str = "", title_en: str = "",
              opens_at=None, closes_at=None, actor) -> Call:
    """A new draft call with every rule of ``source``: later rounds start from the previous one's rules."""
    from avustus.calls.models import CostCategory, Criterion, Exclusion, GrantGroup

    if actor is not None and not has_programme_role(actor, source.programme, (Role.OFFICIAL, Role.ADMINISTRATOR)):
        raise PermissionDenied(_("only the programme's officials create its calls"))
    if Call.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [_("A call %(slug)s exists already; choose another identifier.") % {"slug": slug}]})
    with transaction.atomic():
        call = Call.objects.create(
            programme=source.programme, slug=slug, title_fi=title_fi, title_sv=title_sv, title_en=title_en,
            status=Call.Status.DRAFT, appropriation=source.appropriation, budget_item=source.budget_item,
            opens_at=opens_at, closes_at=closes_at, aid_rate=source.aid_rate,
            min_municipalities=source.min_municipalities, lead_kinds=source.lead_kinds,
            partner_kinds=source.partner_kinds, rounding_unit=source.rounding_unit,
            rounding_mode=source.rounding_mode, texts=source.texts, plan_fields=source.plan_fields,
            reporting_interval_months=source.reporting_interval_months,
        )
        for model in (CostCategory, Exclusion, Criterion, GrantGroup):
            rows = list(model.objects.filter(call=source))
            for row in rows:
                row.pk = None
                row.call = call
            model.objects.bulk_create(rows)
        record("call.copied", call, actor=actor, data={"from": source.slug})
    return call


def publish_call(call: Call, *, actor) -> Call:
    """Open a draft call: from now on applicants rely on its rules, which therefore no longer change."""
    if actor is not None and not has_programme_role(actor, call.programme, (Role.OFFICIAL, Role.ADMINISTRATOR)):
        raise PermissionDenied(_("only the programme's officials publish its calls"))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.status != Call.Status.DRAFT:
            raise ValidationError({"__all__": [_("Only a draft call can be published.")]})
        if call.closes_at is None or not call.cost_categories.filter(eligible=True).exists():
            raise ValidationError({"__all__": [
                _("Give the call a deadline and at least one eligible cost category before publishing it.")]})
        call.status = Call.Status.PUBLISHED
        call.save(update_fields=["status"])
        record("call.published", call, actor=actor, data={"closes_at": call.closes_at.isoformat()})
    return call
