"""The comments app's knobs: `setting(name)` reads `settings.COMMENTS_<name>`."""

from django.conf import settings

# The knobs not read from the environment. Those that are (COMMENTS_* in newsroom/settings.py,
# listed in README) have their one default there, beside the variable that sets them.
DEFAULTS = {
    "MAX_AGE_SECONDS": 2 * 60 * 60,
    "RATE_WINDOW_SECONDS": 60,
    "DUPLICATE_CHECK": True,
    "BOT_USER_AGENTS": ["curl", "wget", "python-requests", "python-urllib", "scrapy", "libwww"],
    "REMEMBER_DAYS": 365,
}


def setting(name):
    """`settings.COMMENTS_<name>` (or its default here). Read at call time so tests can override."""
    if name in DEFAULTS:
        return getattr(settings, f"COMMENTS_{name}", DEFAULTS[name])
    return getattr(settings, f"COMMENTS_{name}")
