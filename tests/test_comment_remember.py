"""The "remember me" cookie: sealed, so the reader's email never shows, and still filling the form."""

import base64
import binascii
import json
from urllib.parse import quote, quote_plus, unquote

import pytest
from django.core import signing

from comments import remember
from comments.views import REMEMBER_COOKIE
from tests.comment_helpers import _fresh_cache, post_comment  # noqa: F401
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

EMAIL = "ada.lovelace@example.org"
NAME = "Ada Reader"
WEBSITE = "https://ada.example.net/notes"


@pytest.fixture
def article():
    return ArticleFactory()


def remembered(client, article, **overrides):
    """Post with 'remember me' ticked; the response's Set-Cookie header for the cookie."""
    fields = {"email": EMAIL, "website": WEBSITE, "remember": "on"} | overrides
    response = post_comment(client, article, **fields)
    assert response.status_code == 302
    return response.cookies[REMEMBER_COOKIE]


def base64_decodings(text):
    """Every reading of `text` (or a run inside it) as base64, standard or URL-safe, at each
    of the four alignments."""
    for alphabet in (base64.b64decode, base64.urlsafe_b64decode):
        for start in range(4):
            chunk = text[start:]
            chunk = chunk[: len(chunk) - len(chunk) % 4]
            try:
                yield alphabet(chunk)
            except (binascii.Error, ValueError):
                continue


def prefilled(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    return f'value="{NAME}"' in page, f'value="{EMAIL}"' in page


def test_the_email_is_in_no_encoding_of_the_set_cookie_header(client, article):
    cookie = remembered(client, article)
    header = cookie.output()
    secrets = [EMAIL, "example.org", WEBSITE]
    for secret in secrets:
        for encoded in {secret, quote(secret), quote_plus(secret), quote(secret, safe="")}:
            assert encoded.lower() not in header.lower(), encoded
        assert secret not in unquote(header)
        for prefix in ("", "x", "xy"):  # the secret at each offset of a base64 stream
            for encode in (base64.b64encode, base64.urlsafe_b64encode):
                encoded = encode((prefix + secret).encode()).decode()[len(prefix) + 2 :][:12]
                assert encoded.rstrip("=") not in header, (secret, encoded)
        for decoded in base64_decodings(cookie.value):
            assert secret.encode() not in decoded


def test_the_sealed_cookie_fills_the_form_and_keeps_its_attributes(client, article, settings):
    settings.SESSION_COOKIE_SECURE = True
    cookie = remembered(client, article)
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert int(cookie["max-age"]) == 365 * 86400
    client.cookies.pop("sessionid", None)  # the cookie alone fills the form
    assert prefilled(client, article) == (True, True)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'value="{WEBSITE}"' in page
    assert "private" in client.get(article.get_absolute_url())["Cache-Control"]


def test_only_a_ticked_box_remembers_and_unticking_forgets(client, article):
    response = post_comment(client, article)
    assert REMEMBER_COOKIE not in response.cookies
    remembered(client, article, body="Another comment")
    assert prefilled(client, article) == (True, True)
    response = post_comment(client, article, body="Third comment")
    assert response.cookies[REMEMBER_COOKIE].value == ""
    assert prefilled(client, article) == (False, False)


def flip(value, at):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    swapped = alphabet[(alphabet.index(value[at]) + 1) % len(alphabet)]
    return value[:at] + swapped + value[at + 1 :]


@pytest.mark.parametrize("at", [0, 20, 60, -30, -1])
def test_a_tampered_cookie_is_ignored(client, article, at):
    value = remembered(client, article).value
    client.cookies.pop("sessionid", None)
    client.cookies[REMEMBER_COOKIE] = flip(value, at)
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert prefilled(client, article) == (False, False)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "gAAAAA",
        "\u00e9t\u00e9",
        # The clear-text format before the cookie was sealed: no longer read.
        signing.get_cookie_signer(salt=REMEMBER_COOKIE + "comments.remember").sign(
            json.dumps({"name": NAME, "email": EMAIL})
        ),
    ],
)
def test_a_cookie_we_did_not_seal_is_ignored(client, article, value):
    client.cookies[REMEMBER_COOKIE] = value
    assert client.get(article.get_absolute_url()).status_code == 200
    assert prefilled(client, article) == (False, False)


def test_a_cookie_sealed_for_another_purpose_or_key_is_ignored(client, article, settings):
    client.cookies[REMEMBER_COOKIE] = remember.seal({"name": NAME, "email": EMAIL})
    assert prefilled(client, article) == (True, True)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert prefilled(client, article) == (False, False)


def test_a_key_rotation_keeps_remembered_readers(client, article, settings):
    client.cookies[REMEMBER_COOKIE] = remember.seal({"name": NAME, "email": EMAIL})
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "the-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old]
    assert prefilled(client, article) == (True, True)


def test_the_cookie_expires_with_its_max_age(client, article, settings, clock):
    settings.COMMENTS_REMEMBER_DAYS = 365
    client.cookies[REMEMBER_COOKIE] = remember.seal({"name": NAME, "email": EMAIL})
    clock.advance(365 * 86400)
    assert prefilled(client, article) == (True, True)
    clock.advance(1)
    assert prefilled(client, article) == (False, False)
