"""The comments app's knobs, with their defaults. Settings override them (see README)."""

from django.conf import settings

DEFAULTS = {
    "MAX_DEPTH": 3,
    "MAX_LENGTH": 3000,
    "CLOSE_AFTER_DAYS": 14,
    "MIN_SECONDS": 3,
    "MAX_AGE_SECONDS": 2 * 60 * 60,
    "RATE_LIMIT": 5,
    "RATE_WINDOW_SECONDS": 60,
    "DUPLICATE_CHECK": True,
    "CLIENT_IP_HEADER": "REMOTE_ADDR",
    "PROXY_COUNT": 1,
    "PREMODERATE": True,
    "HOLD_LINKS": 2,
    "MODERATION_WORDS": [],
    "BLOCKED_WORDS": [],
    "BOT_USER_AGENTS": ["curl", "wget", "python-requests", "python-urllib", "scrapy", "libwww"],
    "TRUST_RETURNING": True,
    "PER_PAGE": 50,
    "REPORT_THRESHOLD": 3,
    "NOTIFY": "immediate",
    "NOTIFY_EMAILS": [],
    "PURGE_DAYS": 90,
    "DIGEST_MINUTES": 60,
    "REMEMBER_DAYS": 365,
}


def setting(name):
    """`settings.COMMENTS_<name>`, or its default. Read at call time so tests can override."""
    return getattr(settings, f"COMMENTS_{name}", DEFAULTS[name])
