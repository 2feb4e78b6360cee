"""Use cases of the call stage. For now: officials editing the texts of a call."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

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
        raise PermissionDenied("only the programme's officials edit the texts of its calls")
    errors = {}
    for key, values in changes.items():
        if key not in call.texts:
            errors[key] = f"the call has no text «{key}»"
            continue
        for lang, text in values.items():
            if lang not in TEXT_LANGUAGES:
                errors[f"{key}.{lang}"] = f"texts are in Finnish and Swedish, not «{lang}»"
            elif len(text) > MAX_TEXT_LENGTH:
                errors[f"{key}.{lang}"] = f"at most {MAX_TEXT_LENGTH} characters"
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
