"""Reading the environment: django-environ's typed reads and URL parsers, held to our rules.

`env` is what newsroom/settings.py reads every variable through. Where this differs from plain
`environ.Env`, and why:

- An empty variable is an unset one (Compose writes `FOO: ${FOO:-}`), so its default applies.
- A value is never read as a reference to another variable: django-environ resolves a leading
  `$` that way, and a generated SECRET_KEY or a password may start with one.
- A value that cannot be read (`COMMENTS_MAX_DEPTH=three`, `DEBUG=ture`) stops the start with
  ImproperlyConfigured naming the variable, instead of a bare ValueError or a silent False.
- Lists are comma-separated with the spaces around items dropped: `a, b,` is `["a", "b"]`.
- The cache URLs name a Redis server, always for Django's own client (never django-redis,
  should it be installed); the settings choose the database or local-memory cache without one.
- EMAIL_URL keeps the meaning it had before the library: `smtps://` is implicit TLS (port 465,
  as RFC 8314 names it; django-environ reads it as STARTTLS), `?tls=1` asks for STARTTLS.
  django-environ's own spellings work too: `smtp+tls://` (STARTTLS), `smtp+ssl://` (implicit
  TLS), `?email_use_tls=1` and `?email_use_ssl=1`.
"""

from urllib.parse import parse_qs, unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on", "y", "ok"})
FALSE = frozenset({"0", "false", "no", "off", "n"})

SMTP_SCHEMES = {"smtp": (False, False), "smtp+tls": (True, False)}
SMTP_SCHEMES |= dict.fromkeys(("smtps", "smtp+ssl"), (False, True))
# Query parameters of EMAIL_URL and the setting each one switches on.
EMAIL_QUERY = {"tls": "EMAIL_USE_TLS", "email_use_tls": "EMAIL_USE_TLS"}
EMAIL_QUERY["email_use_ssl"] = "EMAIL_USE_SSL"


def parse_bool(value, name):
    word = value.strip().lower()
    if word in TRUE | FALSE:
        return word in TRUE
    raise ImproperlyConfigured(
        f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}."
    )


class Env(environ.Env):
    CACHE_SCHEMES = dict.fromkeys(
        ("redis", "rediss"), "django.core.cache.backends.redis.RedisCache"
    )

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        value = self.ENVIRON.get(var, "")
        if value == "":
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable.")
            if not parse_default or default is None:
                return default
            value = default
        try:
            if cast is bool:
                return parse_bool(value, var)
            return self.parse_value(value, cast)
        except ValueError as error:
            raise ImproperlyConfigured(f"{var} cannot be read from {value!r}: {error}") from error

    @classmethod
    def parse_value(cls, value, cast):
        if cast is list:
            return [item.strip() for item in value.split(",") if item.strip()]
        return super().parse_value(value, cast)

    @classmethod
    def db_url_config(cls, url, engine=None):
        config = super().db_url_config(url, engine=engine)
        # A socket directory given as the host, percent-encoded (postgres://u@%2Frun%2Fdb/x).
        if config.get("HOST"):
            config["HOST"] = unquote(config["HOST"])
        return config

    @classmethod
    def cache_url_config(cls, url, backend=None):
        try:
            return super().cache_url_config(url, backend=backend)
        except ImproperlyConfigured as error:
            raise ImproperlyConfigured(
                "REDIS_URL (or CACHE_URL) must be a redis:// or rediss:// URL."
            ) from error

    @classmethod
    def email_url_config(cls, url, backend=None):
        """SMTP settings from an EMAIL_URL: Django's EMAIL_* names, our meaning of smtps://."""
        parts = urlsplit(url if isinstance(url, str) else url.geturl())
        if parts.scheme not in SMTP_SCHEMES:
            raise ImproperlyConfigured(
                "EMAIL_URL must start with smtp:// (STARTTLS: smtp+tls:// or ?tls=1) or "
                "smtps:// (implicit TLS)."
            )
        config = super().email_url_config(url, backend=backend)
        use_tls, use_ssl = SMTP_SCHEMES[parts.scheme]
        flags = {"EMAIL_USE_TLS": use_tls, "EMAIL_USE_SSL": use_ssl}
        for key, values in parse_qs(parts.query, keep_blank_values=True).items():
            if key.lower() not in EMAIL_QUERY:
                raise ImproperlyConfigured(
                    f"EMAIL_URL has an unknown parameter {key!r}: use tls=1 for STARTTLS."
                )
            flags[EMAIL_QUERY[key.lower()]] |= parse_bool(values[-1], f"EMAIL_URL's {key}")
        if flags["EMAIL_USE_TLS"] and flags["EMAIL_USE_SSL"]:
            raise ImproperlyConfigured(
                "EMAIL_URL asks for both STARTTLS and implicit TLS: smtps:// is implicit TLS "
                "already; use smtp://...?tls=1 for STARTTLS."
            )
        return {
            "EMAIL_BACKEND": config["EMAIL_BACKEND"],
            "EMAIL_HOST": config["EMAIL_HOST"] or "localhost",
            "EMAIL_PORT": config["EMAIL_PORT"] or (465 if flags["EMAIL_USE_SSL"] else 25),
            "EMAIL_HOST_USER": config["EMAIL_HOST_USER"] or "",
            "EMAIL_HOST_PASSWORD": config["EMAIL_HOST_PASSWORD"] or "",
            **flags,
        }


env = Env()
