"""Absolute addresses on the public site, from SITE_URL: feeds, sitemaps, structured data,
canonical and share links, robots.txt."""

from django.conf import settings


def absolute(url):
    """An absolute address on the public site (SITE_URL) for a path; full URLs pass through."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return settings.SITE_URL.split("//", 1)[0] + url
    return settings.SITE_URL + ("" if url.startswith("/") else "/") + url
