"""Content-Security-Policy and Permissions-Policy on every response (newsroom.security)."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from newsroom.content_policy import ADMIN_STYLE_HASHES, csp_directives, media_origins
from tests import fresh
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


def directives(header):
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.fixture
def story():
    return ArticleFactory()


@pytest.mark.parametrize(
    "url", ["/", "story", "/search/?q=bridge", "/feed/", "/healthz", "/admin/login/", "/no-such/"]
)
def test_every_response_carries_both_policies(client, story, url):
    response = client.get(story.get_absolute_url() if url == "story" else url)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert f"{feature}=()" in permissions


def test_reader_pages_allow_no_inline_script_or_style(client, story):
    response = client.get(story.get_absolute_url())
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no nonce was asked for: none is sent
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    html = response.content.decode()
    # JSON-LD is a data block: browsers never run it, CSP does not apply to it.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/ld+json"']


def test_admin_allows_the_editor_stylesheet_by_hash_only(client):
    client.force_login(StaffFactory(role="Editors"))
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'", *ADMIN_STYLE_HASHES]
    # The editor's import map is inline: it carries this response's nonce, and only it.
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [f' type="importmap" nonce="{nonce}"']


def test_templates_hold_no_inline_script_handler_or_style():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\sstyle=|<style\b|\son[a-z]+=", text), template


def test_images_may_come_from_the_media_origin():
    local = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_origins("/media/", local) == []
    assert media_origins("https://cdn.example.com/media/", local) == ["https://cdn.example.com"]
    s3 = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "pics"}}
    assert media_origins("/media/", s3) == ["https://pics.s3.amazonaws.com"]
    s3["OPTIONS"] |= {"custom_domain": "img.example.net"}
    assert media_origins("/media/", s3) == ["https://img.example.net"]
    s3["OPTIONS"] = {"bucket_name": "pics", "endpoint_url": "https://minio.example.org:9000"}
    assert media_origins("/media/", s3) == ["https://minio.example.org:9000"]
    policy = csp_directives("https://cdn.example.com/media/", local, ["https://extra.example"])
    assert policy["img-src"] == [
        "'self'",
        "data:",
        "https://cdn.example.com",
        "https://extra.example",
    ]


def settings_in_a_fresh_process(**environ):
    """The settings module as production would load it, with `environ` set."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([bool(settings.CONTENT_SECURITY_POLICY), "
        "settings.CONTENT_SECURITY_POLICY_REPORT_ONLY, settings.STAFF_2FA_REQUIRED], default=str))"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        "DEBUG": "false",
        **environ,
    }
    return fresh.run_json(code, env)


def test_report_only_is_a_switch():
    enforced, report_only, _ = settings_in_a_fresh_process()
    assert enforced and report_only is None
    enforced, report_only, _ = settings_in_a_fresh_process(
        CSP_REPORT_ONLY="true", CSP_REPORT_URI="/csp-reports/"
    )
    assert not enforced
    assert report_only["DIRECTIVES"]["report-uri"] == ["/csp-reports/"]


def test_staff_2fa_is_required_in_production_by_default():
    assert settings_in_a_fresh_process()[2] is True
    assert settings_in_a_fresh_process(STAFF_2FA_REQUIRED="false")[2] is False
    assert settings_in_a_fresh_process(DEBUG="true")[2] is False


def test_report_only_header(client, settings, story):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get(story.get_absolute_url())
    assert "Content-Security-Policy" not in response
    assert "default-src 'self'" in response["Content-Security-Policy-Report-Only"]
