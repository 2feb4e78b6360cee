"""Keyset (cursor) paging: a page is found by the sort key of the row before it, not by counting rows.

An offset makes the database read and throw away every row before the page, so the last page of twenty
thousand costs hundreds of times the first. Here the links carry the sort key of the last row shown
("next") or the first ("previous"), and a page is the 50 rows after (or before) that key in the list's
order, read through the index that gives the order. The last page is read backwards from the end, sized
so that it holds what a page counted from the start would (its "previous" pages then line up with
those). The page number in the links is for the reader only; nothing is found by it.

A list whose rows join several tables may name ``keys_from``: the same rows as one narrow table holding the order's
columns under the same names and the rows' primary keys as its own. A page's keys are then read from that table
alone, through its index, and the rows by those keys, in one statement: a planner left to choose where to start
the join may start from the wide table and sort all of it (SQLite did, for the last page of 22,000: 480 ms).
"""

import base64
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.http import QueryDict

from avustus.web.feedback import form_number

PAGE_SIZE = 50
CURSOR_PARAMS = ("after", "before", "last", "n", "page")


@dataclass(frozen=True)
class Key:
    """One column of a list's order: a field or annotation of its rows, ascending unless ``descending``.

    Empty values of a ``nullable`` column sort where the database's own index puts them (PostgreSQL: after
    every value; SQLite: before), so that both read a page from the index instead of sorting the list; the
    keyset conditions follow the same rule (``nulls_large``).
    """

    name: str
    descending: bool = False
    nullable: bool = False

    def order(self):
        return F(self.name).desc() if self.descending else F(self.name).asc()

    def reversed_order(self):
        return F(self.name).asc() if self.descending else F(self.name).desc()

    def beyond(self, value, forward: bool, nulls_large: bool) -> Q:
        """Rows strictly after ``value`` in this column (before it when not ``forward``)."""
        descending = self.descending == forward  # the direction rows are walked in
        nulls_last = self.nullable and nulls_large != descending
        if value is None:  # empty values together at one end: after them nothing, or every value
            return Q(pk__in=[]) if nulls_last or not self.nullable else Q(**{f"{self.name}__isnull": False})
        after = Q(**{f"{self.name}__{'lt' if descending else 'gt'}": value})
        if nulls_last:
            after |= Q(**{f"{self.name}__isnull": True})
        return after

    def equal(self, value) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})


def _encode(values) -> str:
    def plain(value):
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value
    text = json.dumps([plain(v) for v in values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list | None:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != size:
        return None
    if any(not isinstance(v, (str, int, float, bool)) and v is not None for v in values):
        return None
    # JSON lets through NaN, Infinity and 1e400 (infinite as a float) and NUL in a string: no key of a list is one,
    # the database lookups cannot convert the numbers to an integer and PostgreSQL refuses the character.
    if any(isinstance(v, float) and not math.isfinite(v) for v in values):
        return None
    if any(isinstance(v, str) and "\x00" in v for v in values):  # PostgreSQL refuses NUL in text
        return None
    return values


def _position(keys: tuple[Key, ...], values: list, forward: bool, nulls_large: bool) -> Q:
    condition = Q(pk__in=[])
    prefix = Q()
    for key, value in zip(keys, values, strict=True):
        condition |= prefix & key.beyond(value, forward, nulls_large)
        prefix &= key.equal(value)
    return condition


@dataclass
class Page:
    """What the templates show of a page: its rows, its number and the links to its neighbours."""

    rows: list
    number: int
    num_pages: int
    count: int
    query: str
    links: dict[str, str] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def paginator(self) -> "Page":  # what templates and tests read of Django's pages: ``paginator.count``
        return self

    @property
    def object_list(self) -> list:
        return self.rows

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def link(self, **params) -> str:
        prefix = f"{self.query}&" if self.query else ""
        return "?" + prefix + "&".join(f"{k}={v}" for k, v in params.items())


def base_query(request) -> str:
    """The query string without the paging parameters, for links to pages and sorts."""
    query: QueryDict = request.GET.copy()
    for name in CURSOR_PARAMS:
        query.pop(name, None)
    return query.urlencode()


def keyset_page(request, queryset: QuerySet, order, *, count: int | None = None, size: int = PAGE_SIZE,
                keys_from: QuerySet | None = None) -> Page:
    """The page of ``queryset`` the request asks, in ``order``: ``Key``s or (name, descending, nullable) tuples,
    the last column unique in the list; ``keys_from``: the same rows in a narrow table to find the page in (above)."""
    keys = tuple(k if isinstance(k, Key) else Key(*k) for k in order)
    if count is None:
        count = queryset.order_by().count()

    def fetch(ordering: list, condition: Q, limit: int) -> list:
        try:
            if keys_from is None:
                return list(queryset.order_by(*ordering).filter(condition)[:limit])
            # No LIMIT outside: the page's keys are the subquery's; the rows are sorted by the same order.
            found = keys_from.filter(condition).order_by(*ordering).values("pk")[:limit]
            return list(queryset.filter(pk__in=found).order_by(*ordering))
        except (ValidationError, ValueError, TypeError, OverflowError):  # a forged key of the wrong type finds nothing
            return []

    num_pages = max(1, -(-count // size))
    forward_order = [k.order() for k in keys]
    backward_order = [k.reversed_order() for k in keys]
    number = _number(request.GET.get("n"), num_pages)
    # Whether there is anything before and after the page is read from the rows, not from the number.
    rows: list | None = None
    before = after = False
    if request.GET.get("last"):
        number = num_pages
        rows = fetch(backward_order, Q(), count - (num_pages - 1) * size or size)[::-1]
        before = count > len(rows)
    elif (cursor := request.GET.get("after") or request.GET.get("before")) is not None:
        values = _decode(cursor, len(keys))
        forward = "after" in request.GET
        if values is not None:
            nulls_large = connections[queryset.db].vendor == "postgresql"
            rows = fetch(forward_order if forward else backward_order, _position(keys, values, forward, nulls_large),
                         size + 1)
            if forward:
                rows, before, after = rows[:size], True, len(rows) > size
                number = max(number, 2)
            elif len(rows) > size:
                rows, before, after = rows[:size][::-1], True, True
                number = min(max(number, 2), max(num_pages - 1, 2))
            else:  # back at the start: the first page, as counted from the start
                rows = None
            if rows is not None and not rows:  # a key beyond either end: show the first page
                rows = None
    if rows is None:
        number = 1
        rows = fetch(forward_order, Q(), size + 1)
        rows, after = rows[:size], len(rows) > size
    page = Page(rows, number, num_pages, count, base_query(request))
    if before:
        page.links["first"] = page.link()
        page.links["previous"] = page.link(before=_encode(_values(rows[0], keys)), n=number - 1)
    if after:
        page.links["next"] = page.link(after=_encode(_values(rows[-1], keys)), n=number + 1)
        page.links["last"] = page.link(last=1)
    return page


def _number(value, num_pages: int) -> int:
    number = form_number(value)
    return number if number is not None and 1 <= number <= num_pages else 1


def _values(row, keys: tuple[Key, ...]) -> list:
    return [getattr(row, key.name) for key in keys]
