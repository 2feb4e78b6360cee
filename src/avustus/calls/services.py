"""Use cases of the call stage: setting up, copying and publishing a call, and editing its texts."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.accounts.permissions import can_prepare_calls
from avustus.audit.chain import record
from avustus.calls.models import Call, CostCategory, Criterion, Exclusion, GrantGroup, _CallPart
from avustus.calls.texts import default_texts
from avustus.errors import NotAllowed
from avustus.rules.money import MAX_AMOUNT, ROUNDING_MODES, MoneyError, parse_euros
from avustus.texts import limit_message

TEXT_LANGUAGES = ("fi", "sv")
# The numbered rule rows of a call, by the name of their relation on the call.
CALL_PARTS: dict[str, type[_CallPart]] = {
    "cost_categories": CostCategory, "exclusions": Exclusion, "criteria": Criterion, "groups": GrantGroup,
}
MAX_TEXT_LENGTH = 20_000


def update_call_texts(call: Call, changes: dict[str, dict[str, str]], *, actor) -> Call:
    """Replace some texts of a call; only the keys it already has, in Finnish and Swedish.

    Documents already signed keep the texts they were signed with (they are frozen snapshots); the
    change shows in documents made from now on.
    """
    if not can_prepare_calls(actor, call.programme):
        raise NotAllowed(_("only the programme's officials edit the texts of its calls"))
    errors = {}
    for key, values in changes.items():
        if key not in call.texts:
            errors[key] = _("The call has no text %(key)s.") % {"key": key}
            continue
        for lang, text in values.items():
            if lang not in TEXT_LANGUAGES:
                errors[f"{key}.{lang}"] = _("Texts are in Finnish and Swedish, not %(lang)s.") % {"lang": lang}
            elif len(text) > MAX_TEXT_LENGTH:
                errors[f"{key}.{lang}"] = limit_message(MAX_TEXT_LENGTH)
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
    if not can_prepare_calls(actor, source.programme):
        raise NotAllowed(_("only the programme's officials create its calls"))
    _check_new_call(slug, title_fi)
    with transaction.atomic():
        call = Call.objects.create(
            programme=source.programme, slug=slug, title_fi=title_fi, title_sv=title_sv, title_en=title_en,
            status=Call.Status.DRAFT, appropriation=source.appropriation, budget_item=source.budget_item,
            opens_at=opens_at, closes_at=closes_at, aid_rate=source.aid_rate,
            min_municipalities=source.min_municipalities, lead_kinds=source.lead_kinds,
            partner_kinds=source.partner_kinds, rounding_unit=source.rounding_unit,
            rounding_mode=source.rounding_mode, texts=source.texts, plan_fields=source.plan_fields,
            reporting_interval_months=source.reporting_interval_months, instalments=source.instalments,
        )
        for model in CALL_PARTS.values():
            # The default manager, as Django advises for code that handles more than one model.
            rows = list(model._default_manager.filter(call=source))
            for row in rows:
                row.pk = None
                row.call = call
            model._default_manager.bulk_create(rows)
        record("call.copied", call, actor=actor, data={"from": source.slug})
    return call


def publish_call(call: Call, *, actor) -> Call:
    """Open a draft call: from now on applicants rely on its rules, which therefore no longer change."""
    if not can_prepare_calls(actor, call.programme):
        raise NotAllowed(_("only the programme's officials publish its calls"))
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


# --- Call set-up ---------------------------------------------------------------------------------

# The rules a draft call's set-up screen edits, with how each is read from the form.
SCALAR_RULES = (
    "title_fi", "title_sv", "title_en", "appropriation", "opens_at", "closes_at", "aid_rate", "min_municipalities",
    "lead_kinds", "partner_kinds", "implementation_end", "final_report_due", "reporting_interval_months",
    "rounding_unit", "rounding_mode", "instalments",
)
APPLICANT_KIND_CHOICES = ("municipality", "joint_authority")
HELSINKI = ZoneInfo("Europe/Helsinki")
slug_re = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
# Codes of a call's rows are slugs, underscores included: imported rounds use them ("social_health") and a
# copy keeps them, so the set-up screen must take back what it shows. A call's own identifier (in URLs) stays
# a-z, 0-9 and -.
code_re = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

# How an error names each list part: the same words as the set-up screen's headings.
PART_NAMES = {
    "cost_categories": gettext_lazy("Eligible cost categories"),
    "exclusions": gettext_lazy("Exclusions"),
    "criteria": gettext_lazy("Evaluation criteria"),
    "groups": gettext_lazy("Groups of grants"),
}

# How an error names each rule: the set-up screen's own labels, so that the user finds the field.
RULE_NAMES = {
    "title_fi": gettext_lazy("Title in Finnish"), "title_sv": gettext_lazy("Title in Swedish"),
    "title_en": gettext_lazy("Title in English"), "appropriation": gettext_lazy("Appropriation (euros)"),
    "opens_at": gettext_lazy("Opens (Finnish time)"), "closes_at": gettext_lazy("Deadline (Finnish time)"),
    "aid_rate": gettext_lazy("maximum aid rate"),
    "min_municipalities": gettext_lazy("Minimum number of municipalities"),
    "lead_kinds": gettext_lazy("Lead applicant"), "partner_kinds": gettext_lazy("Partners"),
    "implementation_end": gettext_lazy("End of implementation"), "final_report_due": gettext_lazy("Final report due"),
    "reporting_interval_months": gettext_lazy("Interim report every (months)"),
    "rounding_unit": gettext_lazy("Granted amounts rounded to a multiple of (euros)"),
    "rounding_mode": gettext_lazy("Rounding"),
    "instalments": gettext_lazy("Number of instalments"),
}


def _named(errors: dict) -> dict:
    """The refusal with each rule's message led by the rule's name ("Rounding: choose how ...")."""
    return {key: [f"{capfirst(str(RULE_NAMES[key]))}: {m}" for m in messages] if key in RULE_NAMES else messages
            for key, messages in errors.items()}


# Each list part of a call, edited as lines of fields separated by "|": the field names in order.
PART_FIELDS = {
    "cost_categories": ("code", "name_fi", "name_sv", "eligible"),
    "exclusions": ("code", "name_fi", "name_sv", "keywords_fi", "keywords_sv"),
    "criteria": ("code", "name_fi", "name_sv", "weight", "scale_max"),
    "groups": ("code", "name_fi", "name_sv", "condition_fi", "condition_sv"),
}


def part_lines(call: Call, part: str) -> str:
    """A list part of the call as the set-up screen shows it: one line per row, fields separated by '|'."""
    lines = []
    for row in getattr(call, part).order_by("position"):
        values = []
        for name in PART_FIELDS[part]:
            value = getattr(row, name)
            if isinstance(value, list):
                value = ", ".join(value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            values.append(str(value).replace("|", "/").replace("\n", " "))
        lines.append(" | ".join(values))
    return "\n".join(lines)


def _parse_part(part: str, text: str, errors: dict) -> list[dict]:
    rows, codes = [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split("|")]
        names = PART_FIELDS[part]
        where = f"{part}.{number}"
        if len(fields) > len(names) or not fields[0] or not (len(fields) > 1 and fields[1]):
            errors[where] = [_("%(part)s, line %(n)s: give an identifier and a Finnish name, at most %(k)s fields "
                               "separated by |.") % {"part": PART_NAMES[part], "n": number, "k": len(names)}]
            continue
        # Missing trailing fields are empty: the padded list is exactly as long as the names.
        raw = dict(zip(names, fields + [""] * (len(names) - len(fields)), strict=True))
        if not code_re.fullmatch(raw["code"]) or raw["code"] in codes:
            errors[where] = [_("%(part)s, line %(n)s: the identifier must be unique and use only a-z, 0-9, _ and -.")
                             % {"part": PART_NAMES[part], "n": number}]
            continue
        codes.add(raw["code"])
        row: dict[str, object] = dict(raw)
        if part == "cost_categories":
            row["eligible"] = raw["eligible"].lower() not in ("no", "ei", "nej", "false", "0")
        elif part == "exclusions":
            for key in ("keywords_fi", "keywords_sv"):
                row[key] = [k.strip().casefold() for k in raw[key].split(",") if k.strip()]
        elif part == "criteria":
            try:
                weight = Decimal(raw["weight"].replace(",", ".") or "1")
                scale_max = int(raw["scale_max"] or "5")
                # Weights are stored to the hundredth: a smaller one would be stored as nothing.
                if not (weight.is_finite() and Decimal("0.01") <= weight <= 100
                        and weight == weight.quantize(Decimal("0.01"))
                        and 1 <= scale_max <= 100):
                    raise ValueError
            except (InvalidOperation, ValueError):
                errors[where] = [_("%(part)s, line %(n)s: the weight is a positive number and the scale a whole "
                                   "number from 1 to 100.") % {"part": PART_NAMES[part], "n": number}]
                continue
            row["weight"], row["scale_max"] = weight, scale_max
        rows.append(row)
    return rows


def update_call_rules(call: Call, values: dict, parts: dict[str, str], *, actor) -> Call:
    """Change the rules of a draft call. A published call's rules are what applicants relied on: frozen."""
    if not can_prepare_calls(actor, call.programme):
        raise NotAllowed(_("only the programme's officials set up its calls"))
    errors: dict = {}
    clean: dict = {}

    def money(name, value, maximum=MAX_AMOUNT):
        try:
            amount = parse_euros(value, maximum=maximum)
            if amount <= 0:
                raise MoneyError(value)
            return amount
        except MoneyError:
            errors[name] = [_("Write the amount in euros, for example 12 500,00.")]

    for name, value in values.items():
        if name not in SCALAR_RULES:
            errors[name] = [_("The call has no rule %(key)s.") % {"key": name}]
            continue
        value = value.strip() if isinstance(value, str) else value
        if name.startswith("title_"):
            if name == "title_fi" and not value:
                errors[name] = [_("The call needs a Finnish title.")]
            clean[name] = (value or "")[:300]
        elif name in ("appropriation", "rounding_unit"):
            # The rounding unit's column holds eight whole digits.
            clean[name] = None if (name == "appropriation" and not value) else money(
                name, value, MAX_AMOUNT if name == "appropriation" else Decimal("99999999.99"))
        elif name in ("opens_at", "closes_at"):
            try:
                clean[name] = datetime.fromisoformat(value).replace(tzinfo=HELSINKI) if value else None
            except ValueError:
                errors[name] = [_("Give the date and time as YYYY-MM-DDTHH:MM (Finnish time).")]
        elif name in ("implementation_end", "final_report_due"):
            try:
                clean[name] = date.fromisoformat(value) if value else None
            except ValueError:
                errors[name] = [_("Give the date as YYYY-MM-DD.")]
        elif name == "aid_rate":
            try:
                percent = Decimal(str(value).replace(",", ".").rstrip("% "))
                # Stored to a hundredth of a per cent: anything finer would be silently changed.
                if not percent.is_finite() or not Decimal("0.01") <= percent <= 100 or percent != percent.quantize(
                        Decimal("0.01")):
                    raise InvalidOperation
                clean[name] = (percent / 100).quantize(Decimal("0.0001"))
            except InvalidOperation:
                errors[name] = [_("The aid rate is a percentage from 0 to 100.")]
        elif name in ("min_municipalities", "reporting_interval_months"):
            try:
                number = int(value) if value not in ("", None) else None
                if number is not None and not 0 <= number <= 1000:
                    raise ValueError
                if number is None and name == "min_municipalities":
                    raise ValueError
                clean[name] = number
            except (TypeError, ValueError):
                errors[name] = [_("Give a whole number.")]
        elif name == "instalments":
            # "As a rule three" (2020): at least one, the last paid after the final report.
            try:
                number = int(value)
                if not 1 <= number <= 12:
                    raise ValueError
                clean[name] = number
            except (TypeError, ValueError):
                errors[name] = [_("The grant is paid in 1 to 12 instalments.")]
        elif name in ("lead_kinds", "partner_kinds"):
            kinds = list(value or [])
            if not kinds or any(k not in APPLICANT_KIND_CHOICES for k in kinds):
                errors[name] = [_("Choose at least one kind of applicant.")]
            clean[name] = kinds
        elif name == "rounding_mode":
            if value not in ROUNDING_MODES:
                errors[name] = [_("Choose how granted amounts are rounded.")]
            clean[name] = value
    opens, closes = clean.get("opens_at", call.opens_at), clean.get("closes_at", call.closes_at)
    if opens and closes and closes <= opens:
        errors["closes_at"] = [_("The deadline must come after the call opens.")]
    parsed = {part: _parse_part(part, text, errors) for part, text in parts.items() if part in PART_FIELDS}
    if errors:
        raise ValidationError(_named(errors))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.status != Call.Status.DRAFT:
            raise ValidationError({"__all__": [_("The call is published; its rules no longer change.")]})
        before = {name: str(getattr(call, name)) for name in clean}
        before.update({part: part_lines(call, part) for part in parsed})
        for name, value in clean.items():
            setattr(call, name, value)
        call.save()
        for part, rows in parsed.items():
            getattr(call, part).all().delete()
            model = CALL_PARTS[part]
            model._default_manager.bulk_create(
                model(call=call, position=i, **row) for i, row in enumerate(rows, start=1))
        after = {name: str(getattr(call, name)) for name in clean}
        after.update({part: part_lines(call, part) for part in parsed})
        record("call.rules_changed", call, actor=actor, data={"before": before, "after": after})
    return call


def create_call(programme, *, slug: str, title_fi: str, actor) -> Call:
    """A new, empty draft call of the programme, with the programme's default texts."""
    if not can_prepare_calls(actor, programme):
        raise NotAllowed(_("only the programme's officials create its calls"))
    _check_new_call(slug, title_fi)
    with transaction.atomic():
        call = Call.objects.create(programme=programme, slug=slug, title_fi=title_fi.strip()[:300],
                                   texts=default_texts(programme.slug), lead_kinds=list(APPLICANT_KIND_CHOICES),
                                   partner_kinds=list(APPLICANT_KIND_CHOICES))
        record("call.created", call, actor=actor, data={"slug": slug})
    return call


def rules_form_values(call: Call) -> dict[str, object]:
    """The call's rules as the set-up form shows them: local times, the aid rate in per cent."""
    def local(moment):
        return moment.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M") if moment else ""

    return {
        "title_fi": call.title_fi, "title_sv": call.title_sv, "title_en": call.title_en,
        "appropriation": call.appropriation if call.appropriation is not None else "",
        "opens_at": local(call.opens_at), "closes_at": local(call.closes_at),
        "aid_rate": (call.aid_rate * 100).normalize(), "min_municipalities": call.min_municipalities,
        "lead_kinds": call.lead_kinds, "partner_kinds": call.partner_kinds,
        "implementation_end": call.implementation_end.isoformat() if call.implementation_end else "",
        "final_report_due": call.final_report_due.isoformat() if call.final_report_due else "",
        "reporting_interval_months": call.reporting_interval_months or "",
        "rounding_unit": call.rounding_unit, "rounding_mode": call.rounding_mode,
        "instalments": call.instalments,
    }


def _check_new_call(slug: str, title_fi: str) -> None:
    """A new call needs a free identifier of a-z, 0-9 and - (it is in every URL) and a Finnish title."""
    errors = {}
    if not slug_re.fullmatch(slug or ""):
        errors["slug"] = [_("The identifier uses only a-z, 0-9 and -.")]
    elif Call.objects.filter(slug=slug).exists():
        errors["slug"] = [_("A call %(slug)s exists already; choose another identifier.") % {"slug": slug}]
    if not (title_fi or "").strip():
        errors["title_fi"] = [_("The call needs a Finnish title.")]
    if errors:
        raise ValidationError(errors)


# --- entry ---


def save_and_publish(call: Call, values: dict, parts: dict[str, str], *, actor) -> Call:
    """Save the rules on the set-up screen and publish the call with them, as one step.

    What is on the screen is what gets published: if saving or publishing is refused, neither happens.
    """
    with transaction.atomic():
        call = update_call_rules(call, values, parts, actor=actor)
        return publish_call(call, actor=actor)
