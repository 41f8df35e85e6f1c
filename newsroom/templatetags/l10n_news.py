"""Dates and numbers on the reader pages as each edition writes them (newsroom.l10n).

`{{ story.publish_at|news_date }}`, `{{ value|news_date:"date" }}`, `{{ count|news_number }}`,
`{{ text|news_digits }}`.
"""

from django import template

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
