from django import template

from comments.blank_form import is_blank, render_blank_form

register = template.Library()


@register.simple_tag
def blank_comment_form(form):
    """A blank comment form, from the copy crispy-forms drew once; "" for any other form."""
    return render_blank_form(form) if is_blank(form) else ""
