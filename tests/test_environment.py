"""Settings from the environment (newsroom/environment.py): how values are read, the URLs, and
one place for every default."""

import ast
import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from comments.conf import DEFAULTS
from newsroom.environment import Env
from tests import fresh

ROOT = Path(__file__).resolve().parent.parent


def reader(**variables):
    env = Env()
    env.ENVIRON = variables
    return env


@pytest.mark.parametrize("word", ["1", "true", "True", " YES ", "on", "y", "ok"])
def test_true_words(word):
    assert reader(DEBUG=word).bool("DEBUG", default=False) is True


@pytest.mark.parametrize("word", ["0", "false", "FALSE", "no", "off", "n", " No "])
def test_false_words(word):
    assert reader(DEBUG=word).bool("DEBUG", default=True) is False


@pytest.mark.parametrize("word", ["ture", "2", "enabled"])
def test_a_word_that_is_neither_stops_the_start(word):
    with pytest.raises(ImproperlyConfigured, match=f"DEBUG must be true or false.*{word}"):
        reader(DEBUG=word).bool("DEBUG", default=False)


def test_an_empty_variable_is_unset():
    env = reader(DEBUG="", COMMENTS_MAX_DEPTH="", ALLOWED_HOSTS="", SITE_NAME="")
    assert env.bool("DEBUG", default=True) is True
    assert env.int("COMMENTS_MAX_DEPTH", default=3) == 3
    assert env.list("ALLOWED_HOSTS", default=[]) == []
    assert env.str("SITE_NAME", default="The Newsroom") == "The Newsroom"


def test_lists_drop_spaces_and_empty_items():
    env = reader(ALLOWED_HOSTS=" news.example.org , www.example.org,, ,")
    assert env.list("ALLOWED_HOSTS", default=[]) == ["news.example.org", "www.example.org"]


def test_a_bad_integer_names_the_variable():
    with pytest.raises(
        ImproperlyConfigured, match="COMMENTS_MAX_DEPTH cannot be read from 'three'"
    ):
        reader(COMMENTS_MAX_DEPTH="three").int("COMMENTS_MAX_DEPTH", default=3)


def test_a_leading_dollar_is_kept_not_read_as_another_variable():
    # django-environ alone would look up a variable named "abc" here.
    assert reader(SECRET_KEY="$abc").str("SECRET_KEY", default="") == "$abc"


SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, "", "", False, False)),
        ("smtp://u:p%40ss@mail:587?tls=1", ("mail", 587, "u", "p@ss", True, False)),
        ("smtp://mail:587?tls=true", ("mail", 587, "", "", True, False)),
        ("smtp://mail?tls=0", ("mail", 25, "", "", False, False)),
        ("smtp+tls://mail:587", ("mail", 587, "", "", True, False)),
        ("smtp://mail:587?email_use_tls=True", ("mail", 587, "", "", True, False)),
        # smtps:// is implicit TLS, as before django-environ (which reads it as STARTTLS).
        ("smtps://desk:secret@mail", ("mail", 465, "desk", "secret", False, True)),
        ("smtp+ssl://mail", ("mail", 465, "", "", False, True)),
    ],
)
def test_email_urls(url, expected):
    config = reader(EMAIL_URL=url).email_url("EMAIL_URL")
    assert config["EMAIL_BACKEND"] == SMTP
    keys = ("HOST", "PORT", "HOST_USER", "HOST_PASSWORD", "USE_TLS", "USE_SSL")
    assert tuple(config[f"EMAIL_{key}"] for key in keys) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail", "must start with smtp://"),
        ("consolemail://", "must start with smtp://"),
        # The old parser found "tls=1" anywhere in the query; now each parameter is read.
        ("smtp://mail?notls=1", "unknown parameter 'notls'"),
        ("smtp://mail?tls=maybe", "tls must be true or false"),
        ("smtps://mail?tls=1", "both STARTTLS and implicit TLS"),
    ],
)
def test_bad_email_urls_stop_the_start(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        reader(EMAIL_URL=url).email_url("EMAIL_URL")


def test_cache_urls_name_redis():
    config = Env.cache_url_config("rediss://:pw@cache:6380/2?ssl_cert_reqs=none")
    assert config["LOCATION"] == "rediss://:pw@cache:6380/2"
    assert config["OPTIONS"] == {"ssl_cert_reqs": "none"}
    with pytest.raises(ImproperlyConfigured, match="must be a redis:// or rediss:// URL"):
        Env.cache_url_config("memcache://cache:11211")


def test_database_urls_read_a_socket_directory_host():
    config = Env.db_url_config("postgres://news:pw@%2Frun%2Fpostgresql/newsroom?sslmode=require")
    assert (config["HOST"], config["NAME"], config["USER"], config["PASSWORD"]) == (
        "/run/postgresql",
        "newsroom",
        "news",
        "pw",
    )
    assert config["OPTIONS"] == {"sslmode": "require"}


# The settings themselves, loaded in a fresh interpreter with exactly these variables.

SHOWN = ["DEBUG", "ALLOWED_HOSTS", "DATABASES", "CACHES"]
SHOWN += ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"]
SHOWN += ["EMAIL_USE_TLS", "EMAIL_USE_SSL"]


def load_settings(**variables):
    names = SHOWN + [f"COMMENTS_{name}" for name in COMMENT_DEFAULTS]
    names += list(IMAGE_DEFAULTS)
    code = (
        "import json, newsroom.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    result = fresh.run(code, variables)
    return result, json.loads(result.stdout) if result.returncode == 0 else None


# The documented defaults (README's tables), which the settings alone write.
COMMENT_DEFAULTS = {
    "PREMODERATE": True,
    "TRUST_RETURNING": True,
    "HOLD_LINKS": 2,
    "MODERATION_WORDS": [],
    "BLOCKED_WORDS": [],
    "CLOSE_AFTER_DAYS": 14,
    "MAX_DEPTH": 3,
    "MAX_LENGTH": 3000,
    "PER_PAGE": 50,
    "RATE_LIMIT": 5,
    "MIN_SECONDS": 3,
    "REPORT_THRESHOLD": 3,
    "CLIENT_IP_HEADER": "REMOTE_ADDR",
    "PROXY_COUNT": 1,
    "NOTIFY": "immediate",
    "NOTIFY_EMAILS": [],
    "PURGE_DAYS": 90,
}
IMAGE_DEFAULTS = {"IMAGE_MAX_UPLOAD_BYTES": 15 * 1024 * 1024, "IMAGE_MAX_PIXELS": 40_000_000}


def test_defaults_are_the_documented_ones():
    result, values = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert {name: values[f"COMMENTS_{name}"] for name in COMMENT_DEFAULTS} == COMMENT_DEFAULTS
    assert {name: values[name] for name in IMAGE_DEFAULTS} == IMAGE_DEFAULTS


def test_settings_read_the_environment():
    result, values = load_settings(
        DEBUG="no",
        SECRET_KEY="$" + "x" * 59,
        ALLOWED_HOSTS="news.example.org, www.example.org",
        DATABASE_URL="postgres://news:pw@db:5432/newsroom",
        CONN_MAX_AGE="120",
        CACHE_URL="redis://cache:6379/3",
        EMAIL_URL="smtp://desk:secret@mail:587?tls=1",
        COMMENTS_PREMODERATE="0",
        COMMENTS_MAX_DEPTH="5",
        COMMENTS_BLOCKED_WORDS="buy now, casino",
        IMAGE_MAX_PIXELS="1000",
    )
    assert result.returncode == 0, result.stderr
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["news.example.org", "www.example.org"]
    database = values["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db",
        "newsroom",
    )
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (120, True)
    assert values["CACHES"]["default"] == {
        "BACKEND": "newsroom.redis_cache.RedisCache",
        "LOCATION": "redis://cache:6379/3",
        "KEY_PREFIX": "newsroom",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    assert [values[name] for name in SHOWN[4:]] == [
        SMTP,
        "mail",
        587,
        "desk",
        "secret",
        True,
        False,
    ]
    assert (values["COMMENTS_PREMODERATE"], values["COMMENTS_MAX_DEPTH"]) == (False, 5)
    assert values["COMMENTS_BLOCKED_WORDS"] == ["buy now", "casino"]
    assert values["IMAGE_MAX_PIXELS"] == 1000


def test_sqlite_keeps_its_options():
    result, values = load_settings(DEBUG="true", CONN_MAX_AGE="120")
    assert result.returncode == 0, result.stderr
    database = values["DATABASES"]["default"]
    assert database["NAME"] == str(ROOT / "db.sqlite3")
    assert database["CONN_MAX_AGE"] == 0  # persistent connections buy nothing for a file
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_the_separate_smtp_variables_still_work():
    result, values = load_settings(
        DEBUG="true", EMAIL_HOST="mail", EMAIL_PORT="2525", EMAIL_USE_TLS="yes"
    )
    assert result.returncode == 0, result.stderr
    assert [values[name] for name in SHOWN[4:]] == [SMTP, "mail", 2525, "", "", True, False]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"COMMENTS_RATE_LIMIT": "5/min"}, "COMMENTS_RATE_LIMIT cannot be read from '5/min'"),
        ({"COMMENTS_PREMODERATE": "maybe"}, "COMMENTS_PREMODERATE must be true or false"),
        ({"EMAIL_URL": "smtp://mail?tsl=1"}, "EMAIL_URL has an unknown parameter 'tsl'"),
        ({"REDIS_URL": "redsi://cache"}, "REDIS_URL (or CACHE_URL) must be a redis://"),
        ({"ALLOWED_HOSTS": " , "}, "Production mode (DEBUG off) needs SECRET_KEY, ALLOWED_HOSTS"),
    ],
)
def test_a_value_that_cannot_be_read_stops_the_start_saying_which(variables, message):
    debug = {} if "ALLOWED_HOSTS" in variables else {"DEBUG": "true"}
    result, _ = load_settings(**debug, **variables)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


# One source for each default: a setting read from the environment has its default in
# newsroom/settings.py only, never a second one where the code reads it.


def names_set_in_settings():
    tree = ast.parse((ROOT / "newsroom" / "settings.py").read_text())
    return {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def project_modules():
    for package in ("articles", "comments", "newsroom"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts and path.name != "settings.py":
                yield path


def test_no_setting_from_the_environment_has_a_second_default():
    from_settings = names_set_in_settings()
    assert {"COMMENTS_MAX_DEPTH", "IMAGE_MAX_PIXELS"} <= from_settings  # the scan finds them
    second = [
        f"comments/conf.py DEFAULTS[{key!r}]"
        for key in DEFAULTS
        if f"COMMENTS_{key}" in from_settings
    ]
    for path in project_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and len(node.args) == 3
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in from_settings
            ):
                second.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[1].value}")
    assert second == []
