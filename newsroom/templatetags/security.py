from django import template
from js_asset import Media

register = template.Library()


@register.filter
def with_csp_nonce(media, request):
    """Form media whose inline import map (django-prose-editor's) carries this response's nonce.

    The nonce is read, and so sent in the Content-Security-Policy header, only for django-js-asset
    media (the kind that holds import maps): every other page keeps a policy without one.
    """
    if not isinstance(media, Media) or not hasattr(request, "csp_nonce"):
        return media
    return Media.from_media(media, nonce=str(request.csp_nonce))
