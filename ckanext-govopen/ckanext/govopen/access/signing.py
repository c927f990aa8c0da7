"""Short-lived signed download links for restricted data.

A token binds a user id, a resource id and an expiry, signed with
HMAC-SHA256 under a key derived from the site secret. The link itself
carries no authority: when it is used, the policy is asked again for the
bound user, so a revoked or expired grant stops the link at once.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Optional

from ckan.plugins.toolkit import asint, config

DEFAULT_TTL = 600


class BadToken(Exception):
    pass


def _key() -> bytes:
    secret = (config.get("SECRET_KEY") or config.get("beaker.session.secret")
              or config.get("api_token.jwt.encode.secret"))
    if not secret:
        raise RuntimeError("no site secret configured (SECRET_KEY)")
    return hmac.new(str(secret).encode(), b"govopen-signed-download",
                    hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ttl() -> int:
    return asint(config.get("ckanext.govopen.access.signed_link_ttl",
                            DEFAULT_TTL))


def sign(user_id: str, resource_id: str, expires_in: Optional[int] = None,
         now: Optional[float] = None) -> tuple[str, int]:
    expires = int((now or time.time()) + (expires_in or ttl()))
    payload = _b64(json.dumps({"u": user_id, "r": resource_id, "e": expires},
                              separators=(",", ":")).encode())
    mac = _b64(hmac.new(_key(), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{mac}", expires


def verify(token: str, now: Optional[float] = None) -> tuple[str, str]:
    """(user_id, resource_id) of a valid, unexpired token, else BadToken."""
    try:
        payload, mac = token.split(".")
        expected = _b64(hmac.new(_key(), payload.encode(),
                                 hashlib.sha256).digest())
        if not hmac.compare_digest(mac, expected):
            raise BadToken("bad signature")
        data = json.loads(_unb64(payload))
        if int(data["e"]) < (now or time.time()):
            raise BadToken("expired")
        return str(data["u"]), str(data["r"])
    except BadToken:
        raise
    except Exception as err:
        raise BadToken(str(err)) from err
