"""Template helpers for the desk (the admin)."""

from django import template

from articles.desk import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_dashboard(context):
    """The signed-in person's dashboard (articles.desk.dashboard), for the admin home."""
    return dashboard.for_request(context["request"])
