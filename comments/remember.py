"""The commenter's "remember me" cookie, sealed.

The cookie carries the name, email and website a reader asked us to keep for their next
comment. It is encrypted and authenticated (Fernet: AES-128-CBC with HMAC-SHA256) under a key
derived from SECRET_KEY for this purpose alone, so the email is never readable in the browser's
cookie store, in a proxy log or on the wire, and a changed cookie is simply not recognised.
SECRET_KEY_FALLBACKS still open cookies sealed before a key rotation.
"""

import base64
import json
import time

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.encoding import force_bytes

from comments.conf import setting

FIELDS = ("name", "email", "website")
# HKDF salt and info: a key for this cookie and nothing else, whatever else SECRET_KEY signs.
KEY_SALT = b"newsroom.comments.remember"
KEY_INFO = b"comment author cookie v2"
# Epoch seconds; tests move it to expire a cookie without waiting a year.
clock = time.time


def _fernet(secret):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=KEY_SALT, info=KEY_INFO).derive(
        force_bytes(secret)
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys():
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([_fernet(secret) for secret in secrets])


def max_age():
    return setting("REMEMBER_DAYS") * 86400


def seal(author):
    """The cookie value for `author` (a dict of FIELDS). Padding is dropped: '=' would make
    Django quote the cookie value."""
    data = {k: str(author.get(k) or "") for k in FIELDS}
    token = _keys().encrypt_at_time(json.dumps(data).encode(), int(clock())).decode("ascii")
    return token.rstrip("=")


def unseal(value):
    """The author in a cookie value we sealed within max_age(), or {} for anything else
    (tampered, expired, sealed under an unknown key, or the old signed clear-text format)."""
    if not value:
        return {}
    token = value + "=" * (-len(value) % 4)
    try:
        data = json.loads(_keys().decrypt_at_time(token.encode(), max_age(), int(clock())))
    except (InvalidToken, ValueError, TypeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: str(data[k]) for k in FIELDS if k in data}
