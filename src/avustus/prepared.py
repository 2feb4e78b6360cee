"""Reads (and an update) the hot path repeats, compiled to SQL once per database connection, not on every request.

Django builds a queryset's query and compiles it to SQL every time one is evaluated. For the small reads of the
deadline burst (a token by its digest, an application by its reference, its members, its budget lines, the
user's organisations) that is most of their cost: a unique ``get`` took 0.55 ms of processor time, of which
sending the SQL and reading the row back took 0.2 (docs/performance.md, session 24).

A ``PreparedRead`` is written as an ordinary queryset, with a stand-in value for each parameter. The first
call on a connection builds and compiles it and notes where the stand-ins went among the SQL's parameters;
every call then sends the same SQL with its own values in those places and makes the rows into what the
queryset would have given: model instances (``select_related`` objects set on them) or, for
``values_list(..., flat=True)``, the values. The SQL and its conversions are Django's own, so a prepared read
answers exactly as its queryset does (tests/test_prepared.py compares them on both databases).

Deliberately narrow, so that what is compiled once cannot silently be wrong for a later call:
- parameters are ``str`` (a text choice is sent as its text) or ``int`` (not ``bool``) and used as they are, as
  Django sends such a value for text and integer columns; a value of another type is refused;
- each stand-in must reach the SQL unchanged (``exact`` lookups): one that a lookup transforms (``icontains``)
  is not found among the parameters and the read refuses to compile;
- a read that locks rows (``select_for_update``) is refused outside a transaction on every call, as Django
  refuses it when compiling; no ``prefetch_related`` (a second query: prepare that one too).

``PreparedUpdate`` is the same for an ``update`` of fixed values on the rows a queryset selects (a submission
marks its round's ranking stale). ``PreparedInsert`` writes one new row of a model as ``Model.objects.create``
does (its fields' ``pre_save`` and conversions, the primary key read back), with the INSERT compiled once: every
request's audit entry, a submission's receipt, a new draft and its lead (session 25).
"""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model, QuerySet, signals
from django.db.models.query import FlatValuesListIterable, ModelIterable, get_related_populators
from django.db.models.sql import InsertQuery, UpdateQuery
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

# Stand-ins no real parameter equals: within an integer column's range (Django answers a lookup outside it
# without asking the database and leaves the parameter out: on PostgreSQL a small integer column's is, and such a
# read is refused), and text no identifier holds. The text is found among the parameters only if it arrives as
# written, so it holds what a change on the way would change: both cases (``lower()``, ``upper()``), spaces at
# either end (``strip()``) and LIKE's special characters (``iexact`` on SQLite escapes them). A change that left
# the stand-in as it was would leave every later value as it was too, and the read would answer otherwise than
# its queryset (an ``_`` matching any character).
_INT_PROBE_BASE = 2_147_000_000
_STR_PROBE = " \x00Prepared%_\\:"


class _Compiled:
    """One read compiled for one connection: the SQL, its parameters with stand-ins, and how to make rows."""

    def __init__(self, queryset: QuerySet, probes: dict[str, object], alias: str):
        query = queryset.query
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise TypeError("a prepared read does not prefetch")
        self.locks = query.select_for_update
        if queryset._iterable_class not in (ModelIterable, FlatValuesListIterable):
            raise TypeError("a prepared read gives model instances or flat values")
        compiler = query.get_compiler(using=alias)
        self.sql, params = _as_sql(compiler)
        self.params = list(params)
        self.slots = _slots(self.params, probes)
        self.flat = queryset._iterable_class is FlatValuesListIterable
        fields = [column[0] for column in compiler.select[0:compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.apply_converters = compiler.apply_converters
        self.has_extra_select = compiler.has_extra_select
        self.col_count = compiler.col_count
        if not self.flat:
            klass_info = compiler.klass_info
            self.model = klass_info["model"]
            select_fields = klass_info["select_fields"]
            self.start, self.end = select_fields[0], select_fields[-1] + 1
            self.init_list = [column[0].target.attname for column in compiler.select[self.start:self.end]]
            # Django 5.2's signature; the type stubs already describe a later one.
            self.populators = get_related_populators(klass_info, compiler.select, alias)  # type: ignore[call-arg]
            self.annotations = dict(compiler.annotation_col_map or {})


class _Prepared:
    """What a prepared read and a prepared update share: the named values, their stand-ins, and the statement
    compiled once per connection with each call's values put in the stand-ins' places."""

    def __init__(self, build: Callable[..., QuerySet], parameters: dict[str, type]):
        for name, kind in parameters.items():
            if kind not in (str, int):
                raise TypeError(f"{name}: a prepared statement's parameters are str or int")
        self._build = build
        self._kinds = parameters
        self._probes: dict[str, object] = {
            name: f"{_STR_PROBE}{name} " if kind is str else _INT_PROBE_BASE + n
            for n, (name, kind) in enumerate(parameters.items())
        }

    def _compile(self, queryset: QuerySet, alias: str) -> Any:
        raise NotImplementedError

    def _statement(self, using: str, values: dict) -> tuple[Any, Any, list]:
        """The connection, what was compiled for it, and the parameters with these values in place."""
        if values.keys() != self._kinds.keys():
            raise TypeError(f"expected the values {', '.join(self._kinds)}")
        for name, value in values.items():
            kind = self._kinds[name]
            if kind is str and isinstance(value, str):
                values[name] = str.__str__(value)  # a text choice (``Role.APPLICANT``) as the text it stands for
            elif type(value) is not kind:  # not ``isinstance``: True is an int, and an int choice is not sent as one
                raise TypeError(f"{name}: expected {kind.__name__}, got {type(value).__name__}")
        connection = connections[using]
        # Kept on the connection object (each thread has its own), as its backend quotes and converts: what is
        # compiled refers to the connection, so a dictionary of ours keyed by it would keep a thread's connection
        # alive after the thread; on the connection itself both go together.
        kept = connection.__dict__.setdefault("avustus_prepared", {})
        compiled = kept.get(self)
        if compiled is None:
            compiled = kept[self] = self._compile(self._build(**self._probes), using)
        params = list(compiled.params)
        for index, name in compiled.slots:
            params[index] = values[name]
        return connection, compiled, params


def _as_sql(compiler) -> tuple[str, Any]:
    """The compiler's SQL, refused (not Django's ``EmptyResultSet``, on every call) when a stand-in made Django
    answer without the database: what it decides for a stand-in it would not decide so for every value."""
    try:
        return compiler.as_sql()
    except EmptyResultSet as error:
        raise TypeError("a stand-in is answered without the database (outside the column's range?): "
                        "not a prepared statement's parameter") from error


def _slots(params: list, probes: dict[str, object]) -> list[tuple[int, str]]:
    """Where each named value goes among compiled parameters: every one equal to its stand-in, each one found."""
    slots = [(i, name) for i, value in enumerate(params) for name, probe in probes.items()
             if type(value) is type(probe) and value == probe]
    missing = set(probes) - {name for _, name in slots}
    if missing:
        raise TypeError(f"not passed to the SQL unchanged: {', '.join(sorted(missing))}")
    return slots


class PreparedRead(_Prepared, Generic[M]):
    """A read written once as a queryset and compiled once per connection; see the module's note.

        token_by_digest = PreparedRead(lambda digest: ApiToken.objects.filter(digest=digest), digest=str)
        token = token_by_digest.first(digest=value)
    """

    def __init__(self, build: Callable[..., QuerySet[M, Any]], /, **parameters: type):
        super().__init__(build, parameters)

    def _compile(self, queryset: QuerySet, alias: str) -> _Compiled:
        return _Compiled(queryset, self._probes, alias)

    def all(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        """The rows for these values, as the queryset built with them would give them."""
        connection, compiled, params = self._statement(using, values)
        if compiled.locks and not connection.in_atomic_block:
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Any = cursor.fetchall()
        if compiled.has_extra_select:
            rows = [row[:compiled.col_count] for row in rows]
        if compiled.converters:
            rows = list(compiled.apply_converters(rows, compiled.converters))
        if compiled.flat:
            return [row[0] for row in rows]
        found = []
        for row in rows:
            obj = compiled.model.from_db(using, compiled.init_list, row[compiled.start:compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> M | None:
        """The first row for these values (the one row of a unique lookup), or None."""
        rows = self.all(using=using, **values)
        return rows[0] if rows else None


class _CompiledUpdate:
    def __init__(self, queryset: QuerySet, assignments: dict[str, object], probes: dict[str, object], alias: str):
        if queryset.query.is_sliced or queryset.query.select_for_update:
            raise TypeError("a prepared update neither slices nor locks")
        query: UpdateQuery = queryset.query.chain(UpdateQuery)  # type: ignore[assignment]
        query.add_update_values(assignments)
        if query.get_related_updates():  # a parent model's table too: more than one statement
            raise TypeError("a prepared update writes one table")
        self.sql, params = _as_sql(query.get_compiler(using=alias))
        self.params = list(params)
        self.slots = _slots(self.params, probes)


class PreparedUpdate(_Prepared):
    """An UPDATE of fixed values on the rows a queryset selects by named values, compiled once per connection:

        mark_stale = PreparedUpdate(lambda call: Ranking.objects.filter(call_id=call, stale=False), {"stale": True},
                                    call=int)
        mark_stale.run(call=application.call_id)   # how many rows it changed
    """

    def __init__(self, build: Callable[..., QuerySet], assignments: dict[str, object], /, **parameters: type):
        super().__init__(build, parameters)
        self._assignments = dict(assignments)

    def _compile(self, queryset: QuerySet, alias: str) -> _CompiledUpdate:
        return _CompiledUpdate(queryset, self._assignments, self._probes, alias)

    def run(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> int:
        """Update the rows for these values; how many there were. As ``QuerySet.update``, an error inside a
        transaction marks it for rollback."""
        connection, compiled, params = self._statement(using, values)
        with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return cursor.rowcount


class _CompiledInsert:
    """One model's INSERT of every field (the primary key included or not) compiled for one connection."""

    def __init__(self, model: type[Model], with_pk: bool, first: Model, alias: str):
        meta = model._meta
        # Django's save writes a parent's table first and numbers ``_order`` by a query of its own; a proxy's
        # signals name the proxy. None of this is done here, so none of it is taken.
        if meta.parents or meta.proxy or meta.order_with_respect_to:
            raise TypeError("a prepared insert writes one table of a concrete model without parents or ordering")
        self.fields = [f for f in meta.local_concrete_fields
                       if not f.generated and (with_pk or f is not meta.auto_field)]
        if any(hasattr(f, "get_placeholder") for f in self.fields):
            raise TypeError("a prepared insert sends each value as one parameter")
        self.returning = list(meta.db_returning_fields)
        query = InsertQuery(model)
        query.insert_values(self.fields, [first])
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = self.returning
        [(self.sql, params)] = compiler.as_sql()
        query.objs = []  # the compiler is kept (``params``): not the first row with it
        self.returning_params = tuple(getattr(compiler, "returning_params", ()))
        self.compiler = compiler
        self.params(first)  # an expression among the first row's values compiled into the SQL: refused, not kept
        if len(params) != len(self.fields) + len(self.returning_params):
            raise TypeError("a prepared insert sends each value as one parameter")
        connection = connections[alias]
        self.returns_columns = bool(self.returning) and connection.features.can_return_columns_from_insert
        self.converters = compiler.get_converters([f.get_col(meta.db_table) for f in self.returning])

    def params(self, obj: Model) -> list:
        """``obj``'s values as Django's compiler sends them: each field's ``pre_save`` (``auto_now_add``; for the
        row first compiled it runs again here, as the values it gives are the row's), then its ``get_db_prep_save``;
        an expression (``Now()``) is refused, as it would change the SQL."""
        compiler, values = self.compiler, []
        for field in self.fields:
            value = compiler.pre_save_val(field, obj)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{field.name}: a prepared insert takes values, not expressions")
            values.append(compiler.prepare_value(field, value))
        return [*values, *self.returning_params]


class PreparedInsert(Generic[M]):
    """``model.objects.create(...)`` with its INSERT compiled once per connection; see the module's note.

        insert_entry = PreparedInsert(AuditEntry)
        entry = insert_entry.create(action="...", ...)      # or insert_entry.insert(AuditEntry(...))

    Refused (``TypeError``) where Django's save would do more than one INSERT of the values given: a proxy, a model
    with parents or ``order_with_respect_to``, a field with a placeholder of its own, a value that is an expression
    (a field with a ``db_default`` left out is one: give its value). ``pre_save`` and ``post_save`` are sent as the
    save sends them (``created=True``). The database is ``using``'s, not a router's (the project has none).
    """

    def __init__(self, model: type[M], /):
        self.model = model

    def create(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> M:
        """A new row made of ``values``, as ``model.objects.create(**values)``."""
        obj = self.model(**values)
        self.insert(obj, using=using)
        return obj

    def insert(self, obj: M, /, *, using: str = DEFAULT_DB_ALIAS) -> None:
        """Write ``obj`` (not yet saved) as a new row, as ``obj.save(force_insert=True)`` would: the same checks,
        ``pre_save`` and ``post_save`` sent as it sends them."""
        model = self.model
        if type(obj) is not model:
            raise TypeError(f"a prepared insert of {model.__name__} got a {type(obj).__name__}")
        instance: Any = obj  # the model's own helpers of its save, which the stubs do not describe
        instance._prepare_related_fields_for_save(operation_name="save")  # an unsaved related object refused
        meta = model._meta
        # Before ``pre_save``: its receivers never hear of a save that is then refused.
        for field in meta.local_concrete_fields:
            if hasattr(getattr(obj, field.attname, None), "resolve_expression"):
                raise TypeError(f"{field.name}: a prepared insert takes values, not expressions")
        if not meta.auto_created:
            signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
        if not instance._is_pk_set(meta):
            setattr(obj, meta.pk.attname, meta.pk.get_pk_value_on_save(obj))  # a default (a UUID), if any
        with_pk = instance._is_pk_set(meta)
        connection = connections[using]
        kept = connection.__dict__.setdefault("avustus_prepared", {})
        # As in Django's save, a value that fails to convert marks the caller's transaction for rollback too.
        with transaction.mark_for_rollback_on_error(using=using):
            compiled = kept.get((self, with_pk))
            if compiled is None:
                compiled = kept[(self, with_pk)] = _CompiledInsert(model, with_pk, obj, using)
            params = compiled.params(obj)
            with connection.cursor() as cursor:
                cursor.execute(compiled.sql, params)
                if compiled.returns_columns:
                    rows: Any = [connection.ops.fetch_returned_insert_columns(  # type: ignore[attr-defined]
                        cursor, compiled.returning_params)]
                elif compiled.returning and compiled.returning[0] is meta.auto_field:
                    rows = [(connection.ops.last_insert_id(cursor, meta.db_table, meta.auto_field.column),)]
                else:
                    rows = []
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        for returned in rows:
            for value, field in zip(returned, compiled.returning, strict=True):
                setattr(obj, field.attname, value)
        obj._state.db = using
        obj._state.adding = False
        if not meta.auto_created:
            signals.post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False,
                                   using=using)
