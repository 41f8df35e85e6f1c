"""The browser policies every response carries, built from settings (imported by settings.py).

Content-Security-Policy: everything from our own origin, images also from wherever media is
served (an S3 bucket or a CDN), no plugins, no framing, forms post only to us. Scripts carry a
nonce only where a page asks for one (the story editor's import map, see security.py).
Permissions-Policy: the browser features a news site never uses, denied to every frame.
"""

from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF

# Browser features a news site has no use for. Only names current Chromium recognises: an
# unknown name is logged to the console as an error on every page.
PERMISSIONS_POLICY_DENY = (
    "accelerometer",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
)

# The one inline stylesheet the admin needs: Tiptap's base CSS, which django-prose-editor 0.28
# injects as a <style> element without a nonce. A new editor version may change it; the
# browser test (tests/test_browser_csp.py) then fails and Chromium's console names the hash.
ADMIN_STYLE_HASHES = ("'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",)


def origin(url):
    """`https://cdn.example.com` for an absolute URL, None for a path such as `/media/`."""
    parts = urlsplit(url or "")
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def media_origins(media_url, storage):
    """Where uploaded images are served from, when that is not our own origin."""
    found = [origin(media_url)]
    if storage.get("BACKEND", "").startswith("storages.backends.s3"):
        options = storage.get("OPTIONS", {})
        bucket, region = options.get("bucket_name"), options.get("region_name")
        if options.get("custom_domain"):
            found.append(f"https://{options['custom_domain']}")
        elif options.get("endpoint_url"):
            found.append(origin(options["endpoint_url"]))
        elif bucket:
            found.append(f"https://{bucket}.s3.amazonaws.com")
            if region:
                found.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return [item for item in dict.fromkeys(found) if item]


def csp_directives(media_url, storage, extra_img_origins=(), report_uri=None):
    directives = {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # data: for the SVG icons Bootstrap's and the admin's stylesheets embed.
        "img-src": [SELF, "data:", *media_origins(media_url, storage), *extra_img_origins],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
    if report_uri:
        directives["report-uri"] = [report_uri]
    return directives


def permissions_policy(denied=PERMISSIONS_POLICY_DENY):
    return ", ".join(f"{feature}=()" for feature in denied)
