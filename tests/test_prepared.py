"""A prepared read answers exactly as the queryset it is written as, for every call's own values, in one query."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.functions import Now
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from avustus.accounts.models import ApiToken, Role, RoleGrant
from avustus.applications.models import Application, BudgetLine, ConsortiumMember
from avustus.applications.services import update_draft
from avustus.applications.validation import DraftChanges
from avustus.prepared import PreparedInsert, PreparedRead, PreparedUpdate
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    """An instance's loaded values and the related objects ``select_related`` set on it, recursively."""
    values = {name: value for name, value in obj.__dict__.items() if name != "_state"}
    related = {name: _fields(value) if value is not None else None
               for name, value in obj._state.fields_cache.items()}
    return {"model": type(obj), "values": values, "related": related}


def _filled(application, actor, partner_code: str = "061") -> Application:
    """The draft with a partner and two budget lines saved, so that it has several rows of each."""
    partner = Organisation.objects.get(code=partner_code)
    staff, travel = application.call.cost_categories.filter(code__in=["staff", "travel"]).order_by("position")
    return update_draft(application, DraftChanges(
        title="Yhteinen asiointi", plan={"objectives": "Sähköinen asiointi"}, partners=[partner.key],
        budget=[{"category": staff.code, "amount_vat_free": "1000.50", "vat": "240.12", "description": "työ"},
                {"category": travel.code, "amount_vat_free": "99.99", "vat": "0.00", "description": ""}],
        amount_applied=Decimal("850.00")), actor=actor, version=application.version)


def test_model_instances_with_their_related_objects_are_those_the_queryset_gives(draft_application,
                                                                                  hameenlinna_applicant):
    _filled(draft_application, hameenlinna_applicant)
    read = PreparedRead(lambda application: ConsortiumMember.objects.select_related("organisation")
                        .filter(application_id=application).order_by("-position"), application=int)
    expected = list(ConsortiumMember.objects.select_related("organisation")
                    .filter(application_id=draft_application.pk).order_by("-position"))

    found = read.all(application=draft_application.pk)

    assert len(expected) == 2
    assert [_fields(m) for m in found] == [_fields(m) for m in expected]
    assert found[0].organisation.code == "061"  # the join's object, set without a query of its own


def test_converted_values_arrive_as_the_queryset_gives_them(draft_application, hameenlinna_applicant):
    """Decimals, JSON and aware datetimes go through Django's conversions (SQLite stores them as text)."""
    _filled(draft_application, hameenlinna_applicant)
    read = PreparedRead(lambda reference: Application.objects.select_related("call").filter(reference=reference)
                        .order_by(), reference=str)
    lines = PreparedRead(lambda application: BudgetLine.objects.filter(application_id=application)
                         .order_by("position"), application=int)

    application = read.first(reference=draft_application.reference)

    assert _fields(application) == _fields(Application.objects.select_related("call")
                                           .get(reference=draft_application.reference))
    assert application.amount_applied == Decimal("850.00") and application.plan == {"objectives": "Sähköinen asiointi"}
    assert application.updated_at.tzinfo is not None
    assert [(line.amount_vat_free, line.vat) for line in lines.all(application=application.pk)] == [
        (Decimal("1000.50"), Decimal("240.12")), (Decimal("99.99"), Decimal("0.00"))]


def test_each_call_reads_with_its_own_values(open_call, applicant_of):
    """Compiled with the first call's stand-ins, later calls must not answer for the earlier values."""
    first, second = applicant_of("109"), applicant_of("061")
    read = PreparedRead(lambda user: RoleGrant.objects.filter(user_id=user, role=Role.APPLICANT)
                        .values_list("organisation__code", flat=True), user=int)

    assert read.all(user=first.pk) == ["109"]
    assert read.all(user=second.pk) == ["061"]
    assert read.all(user=first.pk) == ["109"]
    assert read.first(user=second.pk + first.pk + 1000) is None


def test_several_values_go_each_to_its_own_places(draft_application, hameenlinna_applicant):
    """As the create's retry lookup: four values, one of them inside an EXISTS."""
    read = PreparedRead(
        lambda call, user, key, organisation: Application.objects.filter(
            call_id=call, created_by_id=user, idempotency_key=key)
        .filter(Exists(ConsortiumMember.objects.filter(application=OuterRef("pk"), organisation_id=organisation))),
        call=int, user=int, key=str, organisation=int)
    Application.objects.filter(pk=draft_application.pk).update(idempotency_key="avain-1")
    lead = Organisation.objects.get(code="109")
    other = Organisation.objects.get(code="061")
    asked = {"call": draft_application.call_id, "user": hameenlinna_applicant.pk, "key": "avain-1"}

    assert read.first(**asked, organisation=lead.pk).pk == draft_application.pk
    assert read.first(**asked, organisation=other.pk) is None
    assert read.first(**{**asked, "key": "avain-2"}, organisation=lead.pk) is None
    assert read.first(**{**asked, "user": hameenlinna_applicant.pk + 1}, organisation=lead.pk) is None


def test_it_is_built_and_compiled_once_a_connection_and_then_one_query_a_call(open_call, hameenlinna_applicant):
    built = []

    def build(user):
        built.append(user)
        return RoleGrant.objects.filter(user_id=user).values_list("role", flat=True)

    read = PreparedRead(build, user=int)
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert read.all(user=hameenlinna_applicant.pk) == [Role.APPLICANT]
        assert len(queries) == 1
    assert len(built) == 1
    assert str(hameenlinna_applicant.pk) in queries[0]["sql"]  # the value sent, not the stand-in


def test_the_api_token_is_found_by_its_digest_with_its_user(open_call, hameenlinna_applicant):
    """``tokens.authenticate``'s read: the token, its user and the user's contact details in one query."""
    from avustus.accounts.tokens import authenticate, create_token
    from avustus.actors import SYSTEM

    token, value = create_token(hameenlinna_applicant, actor=SYSTEM)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.created_at)  # no first-use write today

    with CaptureQueriesContext(connection) as queries:
        found = authenticate(value)

    assert found.pk == token.pk and found.user.username == hameenlinna_applicant.username
    assert len(queries) == 1
    assert authenticate(value[:-1] + ("x" if value[-1] != "x" else "y")) is None


@pytest.mark.parametrize("kind", [bool, float, Decimal, list])
def test_only_text_and_integers_are_parameters(kind):
    with pytest.raises(TypeError, match="str or int"):
        PreparedRead(lambda value: RoleGrant.objects.filter(pk=value), value=kind)


def test_a_value_of_another_type_or_a_missing_one_is_refused(open_call, hameenlinna_applicant):
    read = PreparedRead(lambda user: RoleGrant.objects.filter(user_id=user), user=int)

    with pytest.raises(TypeError, match="user: expected int, got str"):
        read.all(user=str(hameenlinna_applicant.pk))
    with pytest.raises(TypeError, match="user: expected int, got bool"):
        read.all(user=True)
    with pytest.raises(TypeError, match="expected the values user"):
        read.all(person=hameenlinna_applicant.pk)


@pytest.mark.parametrize("build", [
    lambda code: Organisation.objects.filter(name_fi__icontains=code),  # the value reaches the SQL changed
    lambda code: Organisation.objects.filter(code=code).prefetch_related("successor"),
    lambda code: Organisation.objects.filter(code=code).values("key"),
], ids=["transformed", "prefetching", "dicts"])
def test_what_cannot_be_compiled_once_is_refused_when_first_used(open_call, build):
    read = PreparedRead(build, code=str)

    with pytest.raises(TypeError):
        read.all(code="109")


def test_an_update_changes_the_rows_its_values_select_and_says_how_many(open_call, applicant_of):
    first, second = applicant_of("109"), applicant_of("061")
    update = PreparedUpdate(lambda user, role: RoleGrant.objects.filter(user_id=user, role=role),
                            {"role": Role.OFFICIAL}, user=int, role=str)

    assert update.run(user=first.pk, role=Role.APPLICANT) == 1
    assert update.run(user=first.pk, role=Role.APPLICANT) == 0  # none left as applicant
    assert list(RoleGrant.objects.filter(user__in=[first, second]).order_by("user_id")
                .values_list("role", flat=True)) == [Role.OFFICIAL, Role.APPLICANT]
    assert update.run(user=second.pk, role=Role.APPLICANT) == 1


def test_an_update_of_a_sliced_or_locking_queryset_is_refused(open_call):
    for build in (lambda code: Organisation.objects.filter(code=code)[:1],
                  lambda code: Organisation.objects.filter(code=code).select_for_update()):
        with pytest.raises(TypeError):
            PreparedUpdate(build, {"name_sv": "x"}, code=str).run(code="109")


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_is_refused_outside_a_transaction_on_every_call(open_call, hameenlinna_applicant):
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    read = PreparedRead(lambda user: RoleGrant.objects.select_for_update().filter(user_id=user)
                        .values_list("role", flat=True), user=int)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert read.all(user=hameenlinna_applicant.pk) == [Role.APPLICANT]
    assert ("FOR UPDATE" in queries[-1]["sql"]) == connection.features.has_select_for_update
    with pytest.raises(TransactionManagementError):
        read.all(user=hameenlinna_applicant.pk)


def test_a_value_changed_on_its_way_is_refused_even_where_the_change_would_leave_a_plain_stand_in_as_it_was(open_call):
    """Python's ``lower()`` in the queryset's building, or ``iexact`` on SQLite (LIKE's ``_`` and ``%`` escaped):
    had the stand-in come through unchanged, every later value would have gone to the SQL unchanged too."""
    lowered = PreparedRead(lambda key: Organisation.objects.filter(key=key.lower()), key=str)
    with pytest.raises(TypeError, match="not passed to the SQL unchanged"):
        lowered.all(key="ABC")

    read = PreparedRead(lambda key: Organisation.objects.filter(key__iexact=key).values_list("key", flat=True),
                        key=str)
    pattern = "_" * len(Organisation.objects.values_list("key", flat=True).first())
    expected = list(Organisation.objects.filter(key__iexact=pattern).values_list("key", flat=True))
    assert expected == []
    try:
        found = read.all(key=pattern)
    except TypeError:  # SQLite: the value is escaped on its way, so refused
        assert connection.vendor == "sqlite"
    else:  # PostgreSQL compares UPPER() of both in the SQL: the value arrives as it is
        assert found == expected


def test_a_stand_in_answered_without_the_database_is_refused(draft_application):
    """A position is a small integer: on PostgreSQL the stand-in is outside its range, so Django would answer
    "none" without asking, and the read would answer "none" for every value."""
    read = PreparedRead(lambda application, position: ConsortiumMember.objects.filter(
        application_id=application, position=position).values_list("role", flat=True), application=int, position=int)
    try:
        found = read.all(application=draft_application.pk, position=0)
    except TypeError as refusal:
        assert connection.vendor == "postgresql" and "without the database" in str(refusal)
    else:
        assert found == [ConsortiumMember.Role.LEAD]


def _stored(model, pk) -> dict:
    """A row as read back from the database, its own fields only."""
    return {f.attname: getattr(model.objects.get(pk=pk), f.attname) for f in model._meta.concrete_fields}


def _message(draft_application, message_id: str) -> dict:
    return {"to": "kirjaamo@hameenlinna.fi", "event": "application_submitted", "language": "sv",
            "subject": "Ansökan har lämnats in", "body": "Åäö\n", "application": draft_application,
            "user": draft_application.created_by, "message_id": message_id,
            "next_attempt_at": timezone.now(), "notifies": True}


def test_an_inserted_row_is_the_row_create_writes_and_the_instance_is_the_row(draft_application):
    """Defaults, choices, foreign keys, ``auto_now_add`` and the primary key read back, as ``create`` does."""
    from avustus.messaging.models import OutboundMessage

    expected = OutboundMessage.objects.create(**_message(draft_application, "<a@avustus.invalid>"))
    insert = PreparedInsert(OutboundMessage)
    with CaptureQueriesContext(connection) as captured:
        made = insert.create(**_message(draft_application, "<b@avustus.invalid>"))
        again = insert.create(**_message(draft_application, "<c@avustus.invalid>"))

    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT", "INSERT"]
    assert made.pk is not None and again.pk == made.pk + 1
    assert not made._state.adding and made._state.db == "default"
    for row in (made, again):
        stored = _stored(OutboundMessage, row.pk)
        assert stored == {f.attname: getattr(row, f.attname) for f in OutboundMessage._meta.concrete_fields}
        differs = {k for k, v in _stored(OutboundMessage, expected.pk).items() if stored[k] != v}
        assert differs == {"id", "message_id", "next_attempt_at", "created_at"}
        assert stored["status"] == OutboundMessage.Status.QUEUED and stored["attempts"] == 0
        assert stored["created_at"] >= expected.created_at  # auto_now_add given by the field's pre_save


def test_a_primary_key_given_by_its_default_json_and_a_pre_save_receiver_are_as_create_has_them():
    # ``run_after`` left empty: django-tasks-db's pre_save receiver sets it, on both ways alike.
    values = {"args_kwargs": {"args": [1, "å"], "kwargs": {"n": None}}, "priority": 3, "task_path": "a.b",
              "queue_name": "default", "backend_name": "default", "run_after": None}
    expected = DBTaskResult.objects.create(**values)
    made = PreparedInsert(DBTaskResult).create(**values)

    assert made.pk is not None and made.pk != expected.pk
    stored = _stored(DBTaskResult, made.pk)
    assert stored == {f.attname: getattr(made, f.attname) for f in DBTaskResult._meta.concrete_fields}
    assert {k for k, v in _stored(DBTaskResult, expected.pk).items() if stored[k] != v} == {"id", "enqueued_at"}
    assert stored["run_after"] is not None


def test_save_receivers_hear_of_the_new_row_as_from_save(open_call):
    from django.db.models.signals import post_save, pre_save

    heard = []

    def listen(sender, *, instance, **kwargs):
        heard.append((sender, instance.pk, kwargs.get("created"), kwargs["raw"], kwargs["update_fields"]))

    pre_save.connect(listen, sender=Application, dispatch_uid="test.pre")
    post_save.connect(listen, sender=Application, dispatch_uid="test.post")
    try:
        made = PreparedInsert(Application).create(call=open_call, reference="x-1", title="", amount_applied=Decimal(0))
    finally:
        pre_save.disconnect(sender=Application, dispatch_uid="test.pre")
        post_save.disconnect(sender=Application, dispatch_uid="test.post")
    assert heard == [(Application, None, None, False, None), (Application, made.pk, True, False, None)]
    assert Application.objects.get(pk=made.pk).reference == "x-1"


def test_what_save_would_do_more_for_is_refused_and_nothing_is_written(draft_application):
    from avustus.messaging.models import OutboundMessage

    insert = PreparedInsert(OutboundMessage)
    with pytest.raises(TypeError, match="expressions"):
        insert.create(**{**_message(draft_application, "<d@avustus.invalid>"), "next_attempt_at": Now()})
    with pytest.raises(TypeError, match="got a"):
        insert.insert(Application())  # type: ignore[arg-type]
    heard = []
    pre_save.connect(lambda **kwargs: heard.append(kwargs), sender=OutboundMessage, weak=False, dispatch_uid="t")
    try:
        with pytest.raises(TypeError, match="expressions"):  # and refused before the receivers hear of a save
            insert.create(**{**_message(draft_application, "<g@avustus.invalid>"), "sent_at": Now()})
    finally:
        pre_save.disconnect(sender=OutboundMessage, dispatch_uid="t")
    assert heard == []
    assert not OutboundMessage.objects.exists()
    # What was refused on the first use was not kept: a row of plain values is then written as usual.
    made = insert.create(**_message(draft_application, "<e@avustus.invalid>"))
    assert _stored(OutboundMessage, made.pk)["next_attempt_at"] == made.next_attempt_at


def test_an_unsaved_related_object_is_refused_as_save_refuses_it(draft_application):
    from avustus.messaging.models import OutboundMessage

    with pytest.raises(ValueError, match="unsaved related object"):
        PreparedInsert(OutboundMessage).create(**{**_message(draft_application, "<f@avustus.invalid>"),
                                                  "application": Application(reference="unsaved")})
    assert not OutboundMessage.objects.exists()


def test_a_value_that_fails_to_convert_marks_the_transaction_for_rollback_as_save_does(open_call):
    from django.core.exceptions import ValidationError
    from django.db import transaction

    for save in (lambda a: a.save(force_insert=True), PreparedInsert(Application).insert):
        with transaction.atomic():
            with pytest.raises(ValidationError):
                save(Application(call=open_call, reference="x-2", title="", amount_applied="many"))
            assert transaction.get_connection().needs_rollback
            transaction.set_rollback(False)  # to go on with the other
    assert not Application.objects.filter(reference="x-2").exists()
