"""Template helpers for the reader site."""

import re

from django import template
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import cache as page_tags
from articles import crops
from articles.models import Section
from articles.site import jsonld
from newsroom import editions, site_url, text
from newsroom.fragments import Fragment

register = template.Library()

# The `sizes` hints for each place a picture appears (container widths in site.css).
SIZES = {
    "story": "(min-width: 1200px) 760px, (min-width: 768px) 680px, 100vw",
    "lead": "(min-width: 992px) 620px, 100vw",
    "card": "(min-width: 768px) 200px, 100vw",
}
# The crop each place shows (articles.crops).
PLACE_RATIO = {"story": crops.WIDE, "lead": crops.WIDE, "card": crops.STANDARD}


@register.inclusion_tag("includes/search_form.html")
def search_form(field_id, label, button, form_class="", input_class="", button_class="", **extra):
    """The search form, with the query length the search accepts."""
    from articles.site.search import MAX_QUERY_LENGTH

    return {
        "field_id": field_id,
        "label": label,
        "button": button,
        "form_class": form_class,
        "input_class": input_class,
        "button_class": button_class,
        "max_length": MAX_QUERY_LENGTH,
        **extra,
    }


def nav_sections():
    """The sections menu, each under its name in the active edition."""
    return list(Section.objects.labelled().only("name", "slug"))


def menu_fragment(request, current=None):
    """The header's sections menu as a fragment kept until a section or a section's label
    changes (the `nav` tag): one for each section page (which marks its own link, `current`)
    and one for every other page, in each edition (a fragment's key holds the language). A
    view may read it early, with its own fragments (articles.site.kept)."""
    return Fragment("nav", [page_tags.NAV], current, request=request)


@register.simple_tag(takes_context=True)
def site_nav(context):
    """The header's sections menu (menu_fragment)."""
    section = context.get("section")
    current = section.pk if isinstance(section, Section) else None
    fragment = menu_fragment(context.get("request"), current)
    html = fragment.get()
    if html is None:
        menu = {"sections_menu": nav_sections(), "current": current}
        html = render_to_string("includes/nav.html", menu)
        fragment.set(html)
    return mark_safe(html)  # noqa: S308 - drawn from an autoescaping template


@register.simple_tag
def current_edition():
    """The edition being served (the default one outside any request): for pages drawn
    without a request context, whose active language may be the staff's."""
    return editions.current()


@register.simple_tag
def edition_direction():
    return "rtl" if editions.info(editions.current())["bidi"] else "ltr"


@register.simple_tag
def edition_home():
    """The front page of the edition being served (`/ar/`), without resolving a URL: for the
    error pages, which must draw when little else works."""
    return "/" + editions.prefix(editions.current())


@register.simple_tag(takes_context=True)
def edition_links(context):
    """The language switcher: every edition, leading to this story's version in it when one
    is published (a story page's `versions`), else to that edition's home. None when the
    site has one edition."""
    codes = editions.codes()
    if len(codes) < 2:
        return []
    versions = context.get("versions") or {}
    here = editions.current()
    links = []
    for code in codes:
        story = versions.get(code)
        if story is not None:
            url = story.get_absolute_url()
        else:
            with translation.override(code):
                url = reverse("articles:home")
        links.append({**editions.info(code), "url": url, "current": code == here})
    return links


@register.filter
def absolute(url):
    """An absolute address on SITE_URL for a path."""
    return site_url.absolute(str(url))


@register.filter
def xml_text(value):
    """The value without characters XML 1.0 forbids: for every text in an XML template."""
    return text.xml_text(value)


@register.simple_tag
def default_share_image():
    return site_url.absolute(static("img/logo.png"))


@register.simple_tag
def json_ld(data):
    return jsonld.script_tag(data)


@register.simple_tag(takes_context=True)
def page_url(context, number, param="page", fragment=""):
    """The current address with `param` set to `number` (page 1 drops it), other
    parameters (a search query) kept, then `fragment` ("#comments")."""
    params = context["request"].GET.copy()
    params.pop(param, None)
    if number != 1:
        params[param] = number
    encoded = params.urlencode()
    return (f"?{encoded}" if encoded else context["request"].path) + fragment


@register.simple_tag(takes_context=True)
def canonical_here(context):
    """SITE_URL + this path, keeping only a page number beyond the first."""
    request = context["request"]
    url = site_url.absolute(request.path)
    page = request.GET.get("page")
    if page and page.isdigit() and page != "1":
        url += f"?page={page}"
    return url


@register.inclusion_tag("includes/picture.html")
def picture(image, place="story", loading="lazy", alt=None):
    """A responsive <picture> of the place's crop: WebP and JPEG with `srcset`/`sizes`.

    While the crop is being made (a new upload, a moved focal point), the whole picture's
    renditions, or the original until those exist, fill the same box (site.css crops it).
    """
    ratio = PLACE_RATIO.get(place, crops.WIDE)
    fallback_width = 960 if place != "card" else 320
    if image.crop(ratio.key):
        webp, jpeg = image.crop_srcset(ratio.key, "webp"), image.crop_srcset(ratio.key, "jpeg")
        src, width, height = image.crop_file(ratio.key, fallback_width)
    else:
        webp = image.srcset("webp") if image.renditions else ""
        jpeg = image.srcset("jpeg") if image.renditions else ""
        src, width, height = image.rendition_url(fallback_width, "jpeg"), image.width, image.height
    return {
        "sizes": SIZES.get(place, SIZES["story"]),
        "webp": webp,
        "jpeg": jpeg,
        "src": src,
        "width": width,
        "height": height,
        "ratio": ratio.slug,
        "loading": loading,
        "alt": image.alt_text if alt is None else alt,
        "place": place,
    }


_FIRST_PARAGRAPH = re.compile(r"\s*<p>")


@register.filter
def story_body(article):
    """The body, with the source/agency attribution at the start of the lead: "(AFP) - ".

    The body was sanitised when it was saved; the attribution is escaped here.
    """
    body = article.body
    if not article.source:
        return mark_safe(body)  # noqa: S308 - sanitised on save
    label = format_html('<span class="story-source">({}) - </span>', article.source)
    first = _FIRST_PARAGRAPH.match(body)
    if first:
        return mark_safe(body[: first.end()] + label + body[first.end() :])  # noqa: S308
    return mark_safe(f"<p>{label}</p>{body}")  # noqa: S308
