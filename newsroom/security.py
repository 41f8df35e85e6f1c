"""Site-wide security plumbing: the browser policies on every response, the login throttle's glue.

The policies themselves are built from settings in `newsroom.content_policy`.
"""

import math

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from comments.ratelimit import client_ip
from newsroom.content_policy import ADMIN_STYLE_HASHES


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; admin pages also allow the story editor's one inline stylesheet.

    Tiptap (inside django-prose-editor) injects its base CSS as a <style> element and offers
    no way to give it a nonce from the admin widget: that exact stylesheet is allowed by its
    hash, on admin pages only, instead of 'unsafe-inline' for every style.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(reverse("admin:index")):
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), *ADMIN_STYLE_HASHES]
            parts.update = update
        return parts


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` (settings.PERMISSIONS_POLICY) unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def login_client_ip(request):
    """The address django-axes counts failed logins by (AXES_CLIENT_IP_CALLABLE).

    The same address the comments app rate-limits: the one our outermost proxy saw, so a
    forged leftmost X-Forwarded-For entry does not buy a fresh set of attempts. Without a
    usable header the proxy's own address is counted, which only makes the lock stricter.
    """
    return client_ip(request) or request.META.get("REMOTE_ADDR") or None


def lockout_response(request, original_response=None, credentials=None):
    """The admin login's answer while a username and address are locked out (AXES_LOCKOUT_CALLABLE)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = math.ceil(cool_off.total_seconds() / 60)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "minutes": minutes,
    }
    response = TemplateResponse(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response.render()
