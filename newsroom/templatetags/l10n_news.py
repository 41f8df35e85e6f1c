"""Dates and numbers on the reader pages as each edition writes them (newsroom.l10n).

`{{ story.publish_at|news_date }}`, `{{ value|news_date:"date" }}`, `{{ count|news_number }}`,
`{{ text|news_digits }}`.
"""

from django import template
from django.utils import timezone

from newsroom import l10n

register = template.Library()


@register.filter
def news_date(value, style="datetime"):
    return l10n.date(value, style)


@register.filter
def news_number(value):
    if value in (None, ""):
        return ""
    return l10n.number(value)


@register.filter
def news_digits(value):
    return l10n.digits(value)


@register.filter
def machine_date(value):
    """A date or time for machines (`<time datetime>`, meta tags): ISO 8601 in the site's time
    zone, to the second (HTML's datetime values take at most three decimals of a second)."""
    if value in (None, ""):
        return ""
    if hasattr(value, "tzinfo"):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    return value.isoformat()
