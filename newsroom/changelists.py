"""What the desk's change lists need to stay fast on tables of a million rows.

Django's change list counts every row it could show (`COUNT(*)`), twice when unfiltered, and
its date hierarchy reads the distinct years of every row: on a million comments each is a
scan of the table, on every page of the desk. Here instead:

- `estimated_count()` asks PostgreSQL's planner how many rows a query finds (one EXPLAIN, from
  the table's statistics, which autovacuum keeps current) and counts exactly only when that
  estimate is below ESTIMATE_ABOVE: a small set, such as the pending queue, is exact; a big one
  is "about 940,000";
- `EstimatedCountPaginator` is the change list's paginator with that count;
- `YearsFromEnds` answers the date hierarchy's "which years?" from the first and last dates
  (two index lookups), every year between them included.

On other databases (SQLite, for a small paper) counts are exact and years read as usual.
"""

import datetime
import functools
import json

from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 10_000


class Estimate(int):
    """A count that is the planner's estimate: shown as "about N" (see `__str__`)."""

    exact = False

    def __str__(self):
        from django.contrib.humanize.templatetags.humanize import intcomma
        from django.utils.translation import gettext

        return gettext("about %(count)s") % {"count": intcomma(int(self))}


def planner_rows(queryset):
    """The number of rows PostgreSQL's planner expects `queryset` to find."""
    connection = connections[queryset.db]
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match (an author with no stories)
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def estimated_count(queryset):
    """COUNT(*) of `queryset` when small; the planner's estimate (an `Estimate`) when large."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count()
    estimate = planner_rows(queryset)
    if estimate < ESTIMATE_ABOVE:
        return queryset.count()
    return Estimate(estimate)


def column_estimates(model, field_name):
    """{value as text: estimated rows} of one column's most common values, from PostgreSQL's
    statistics (one small query, no scan); {} when the table has none yet."""
    connection = connections[router.db_for_read(model)]
    if connection.vendor != "postgresql":
        return {}
    column = model._meta.get_field(field_name).column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_vals::text::text[], s.most_common_freqs, c.reltuples "
            "FROM pg_stats s JOIN pg_class c ON c.oid = %s::regclass "
            "WHERE s.schemaname = current_schema() AND s.tablename = %s AND s.attname = %s",
            [model._meta.db_table, model._meta.db_table, column],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None or row[2] < 0:
        return {}
    values, shares, rows = row
    return {value: int(share * rows) for value, share in zip(values, shares, strict=True)}


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        return estimated_count(self.object_list)


class YearsFromEnds:
    """A QuerySet mixin: `datetimes(field, "year")` from the first and last values alone."""

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind != "year" or connections[self.db].vendor != "postgresql":
            return super().datetimes(field_name, kind, order, tzinfo)
        ends = self.aggregate(first=Min(field_name), last=Max(field_name))
        if ends["first"] is None:
            return []
        zone = tzinfo or timezone.get_current_timezone()
        first, last = (timezone.localtime(ends[end], zone).year for end in ("first", "last"))
        years = [datetime.datetime(year, 1, 1, tzinfo=zone) for year in range(first, last + 1)]
        return years[::-1] if order == "DESC" else years


@functools.cache
def with_years_from_ends(queryset_class):
    if issubclass(queryset_class, YearsFromEnds):
        return queryset_class
    return type(f"YearsFromEnds{queryset_class.__name__}", (YearsFromEnds, queryset_class), {})


class LargeTableChangeList(ChangeList):
    """A change list for a big table: its queryset reads the date hierarchy's years cheaply."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        queryset.__class__ = with_years_from_ends(type(queryset))
        return queryset


class LargeTableAdmin:
    """A ModelAdmin mixin for a table of millions of rows: estimated counts, no full count."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return LargeTableChangeList
