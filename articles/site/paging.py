"""Pages of a story listing whose cost does not grow with the archive.

`?page=N` addresses work as they always did; out of range is still a 404. What changes is
how a page is found:

- The total is counted no further than COUNT_LIMIT stories (a bounded subquery). A longer
  listing says "Page N" without "of M", and its pages are found without counting.
- A page's stories are picked by id first, `id IN (SELECT id ... LIMIT 21 OFFSET k)`: a
  narrow query that an index-only scan of the listing's index answers, so a deep page's
  OFFSET walks index entries, not joined and annotated rows. The cards are then built for
  those stories alone, in the same SQL statement.
- In a listing of known length, a page in the back half is read from the other end (oldest
  first, then put back in order), so the last page costs what the first does.
- The row after the page, fetched with it, says whether there is a next page.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 1000


class ListingPage(Page):
    def __init__(self, object_list, number, paginator, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next


class ListingPaginator(Paginator):
    count_limit = COUNT_LIMIT

    @cached_property
    def count(self):
        """The listing's length, counted no further than one past `count_limit`."""
        # Any count_limit + 1 rows will do: no ORDER BY, so the planner takes the cheapest.
        return self.object_list.values("pk").order_by()[: self.count_limit + 1].count()

    @property
    def total_known(self):
        return self.count <= self.count_limit

    @cached_property
    def num_pages(self):
        if not self.total_known:
            # Only `?page=last` asks this of a long listing: count it all, once.
            self.count = self.object_list.count()
        return super().num_pages

    def validate_number(self, number):
        if self.total_known:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self.object_list.values("pk")
        if self.total_known:
            top = min(bottom + self.per_page, self.count)
            if bottom > self.count - top:  # nearer the end: count from there
                ids = ids.reverse()[self.count - top : self.count - bottom]
            else:
                ids = ids[bottom:top]
            stories = list(self.object_list.filter(pk__in=ids)) if top > bottom else []
            return ListingPage(stories, number, self, has_next=top < self.count)
        stories = list(self.object_list.filter(pk__in=ids[bottom : bottom + self.per_page + 1]))
        if not stories and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        has_next = len(stories) > self.per_page
        return ListingPage(stories[: self.per_page], number, self, has_next=has_next)
