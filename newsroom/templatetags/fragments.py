"""`{% fragment kept %}...{% endfragment %}`: the block drawn once and kept in the shared
cache (a newsroom.fragments.Fragment the view made; None, or nothing, draws the block every
time)."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, fragment):
        self.nodelist = nodelist
        self.fragment = fragment

    def render(self, context):
        fragment = self.fragment.resolve(context)
        if not fragment:
            return self.nodelist.render(context)
        html = fragment.get()
        if html is None:
            html = str(self.nodelist.render(context))
            fragment.set(html)
        return mark_safe(html)  # noqa: S308 - drawn by this autoescaping template


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% fragment %} takes one argument: a Fragment")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]))
