from django import template

from comments.models import Comment
from comments.moderation import can_moderate

register = template.Library()


@register.inclusion_tag("admin/comments/waiting.html", takes_context=True)
def comments_waiting(context):
    """'N comments waiting' on the admin index, for those who may moderate."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not can_moderate(user):
        return {"show": False}
    return {"show": True, "waiting": Comment.objects.waiting().count()}
