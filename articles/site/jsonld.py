"""Structured data (schema.org JSON-LD) for story pages.

Built as plain dicts, then serialised with the escaping Django's `json_script` uses, so no
value (a headline containing `</script>`, say) can end the script element early.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import crops
from newsroom.site_url import absolute

# The characters that could close or confuse a <script> element, as JSON escapes.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def canonical_url(article):
    return article.canonical_url or absolute(article.get_absolute_url())


def publisher():
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": absolute(reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(static("img/logo.png")),
            "width": 600,
            "height": 60,
        },
    }


def story_images(article):
    """The lead image's 16:9, 4:3 and 1:1 crops (articles.crops), each at least 1200 px wide
    where the picture allows: the three ratios Google asks of an article's images."""
    image = article.lead_image
    if image is None:
        return []
    return [absolute(url) for url in image.share_urls()]


def share_image(article):
    """The picture social networks show: the lead image's 16:9 crop, else the logo."""
    if article.lead_image is None:
        return absolute(static("img/logo.png"))
    return absolute(article.lead_image.crop_url(crops.WIDE.key, crops.SHARE_WIDTH))


def news_article(article):
    """The NewsArticle object; expects `authors` and `tags` prefetched and the section's and
    authors' labels read with them (Article.objects.for_listing(): no queries)."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url(article)},
        "url": absolute(article.get_absolute_url()),
        "headline": article.headline,
        "description": article.description_for_search_engines,
        "datePublished": article.date_published,
        "dateModified": article.date_modified,
        "author": [
            {
                "@type": "Person",
                "name": author.edition_name,
                "url": absolute(author.get_absolute_url()),
            }
            for author in article.authors.all()
        ],
        "publisher": publisher(),
        "articleSection": article.section.edition_name,
        "keywords": [tag.name for tag in article.tags.all()],
        "inLanguage": article.language,
        "isAccessibleForFree": True,
    }
    if not data["author"] and article.byline:
        data["author"] = [{"@type": "Organization", "name": article.byline}]
    if article.dateline:
        data["dateline"] = article.dateline
    if article.word_count:
        data["wordCount"] = article.word_count
    images = story_images(article)
    if images:
        data["image"] = images
    return data


def breadcrumbs(article):
    trail = [
        (settings.SITE_NAME, absolute(reverse("articles:home"))),
        (article.section.edition_name, absolute(article.section.get_absolute_url())),
        (article.headline, absolute(article.get_absolute_url())),
    ]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def story_graph(article):
    return [news_article(article), breadcrumbs(article)]


def script_tag(data):
    """`<script type="application/ld+json">` holding `data`, safe against breaking out."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )
