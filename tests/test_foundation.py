import json
import logging

import pytest
from django.db.backends.postgresql.base import DatabaseWrapper
from django.urls import reverse

from newsroom.logging import JsonFormatter, RequestIdFilter, request_id_var
from tests import fresh


def test_healthz_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_database_is_unreachable(client, db, monkeypatch):
    # A real PostgreSQL connection pointed at a closed port.
    closed = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "newsroom",
            "USER": "nobody",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "1",
            "OPTIONS": {"connect_timeout": 2},
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TIME_ZONE": None,
            "TEST": {},
        },
        alias="unreachable",
    )
    monkeypatch.setattr("newsroom.views.connections", {"default": closed})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}


def test_home_empty_state_renders_from_base(client, db):
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="#content"' in html  # skip link
    assert "<main" in html and "<header" in html and "<footer" in html
    assert "No stories yet" in html
    assert response.context["SITE_NAME"] in html


def test_response_carries_request_id(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


def test_log_lines_are_json_with_request_id():
    record = logging.makeLogRecord({"msg": "hello %s", "args": ("world",), "levelname": "INFO"})
    token = request_id_var.set("req-1")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    event = json.loads(line)
    assert event["message"] == "hello world"
    assert event["request_id"] == "req-1"


def _load_settings(**env):
    """Import the settings in a fresh interpreter with exactly `env` (plus PATH)."""
    return fresh.run("import newsroom.settings as s; print(s.DATABASES['default']['ENGINE'])", env)


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY, ALLOWED_HOSTS"),
        ({"SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "news.example"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_secrets(env, missing):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert f"needs {missing} set" in result.stderr


def test_database_url_selects_postgresql():
    result = _load_settings(DEBUG="true", DATABASE_URL="postgres://u:p@db:5432/news")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_default_database_is_sqlite():
    result = _load_settings(DEBUG="true")
    assert result.stdout.strip() == "django.db.backends.sqlite3"


@pytest.mark.browser
def test_home_page_renders_in_chromium_without_console_errors(page):
    page.goto("/")
    assert page.locator("main#content").is_visible()
    assert page.title()
    assert page.console_errors == []


@pytest.mark.postgres
def test_postgresql_is_reached_through_psycopg3(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (version,) = cursor.fetchone()
    assert int(version) >= 130000
    assert connection.Database.__name__ == "psycopg"


def test_errors_logged_while_serving_a_request_carry_its_id(rf):
    import io

    from django.http import HttpResponse

    from newsroom.middleware import RequestIdMiddleware

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("newsroom.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request):
        try:
            raise ValueError("broken")
        except ValueError:
            logger.exception("Internal Server Error: %s", request.path)
        return HttpResponse(status=500)

    try:
        response = RequestIdMiddleware(view)(rf.get("/boom", HTTP_X_REQUEST_ID="trace-42"))
    finally:
        logger.removeHandler(handler)
    event = json.loads(stream.getvalue())
    assert response["X-Request-ID"] == "trace-42"
    assert event["request_id"] == "trace-42"
    assert event["level"] == "ERROR"
    assert "ValueError: broken" in event["exc_info"]


def test_log_lines_keep_extra_fields_but_not_django_request_objects():
    record = logging.makeLogRecord(
        {"msg": "GET /", "levelname": "INFO", "status_code": 200, "request": object()}
    )
    event = json.loads(JsonFormatter().format(record))
    assert event["status_code"] == 200
    assert "request" not in event


def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
