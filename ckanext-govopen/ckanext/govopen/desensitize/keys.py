"""The master key (GUIDE §6.2): one secret from which every release,
dataset and recipient key is derived by the engine
(:class:`~.pseudonym.Keyring`). Only key ids are ever stored.

``ckanext.govopen.desensitize.master_key`` holds the key itself (hex, at
least 32 bytes, or any string of 32+ characters), or a reference to a
secret store: ``file:/path`` (file content) or ``env:NAME`` (environment
variable). It has no default: a run, extract or trace without it fails with
:class:`MasterKeyMissing`, a bilingual message, and nothing is written.
"""
from __future__ import annotations

import os

from ckan.plugins.toolkit import config

CONFIG_KEY = "ckanext.govopen.desensitize.master_key"


class MasterKeyMissing(Exception):
    zh = f"未配置脱敏主密钥（{CONFIG_KEY}），无法生成假名化数据"
    en = (f"The desensitization master key ({CONFIG_KEY}) is not configured; "
          "pseudonymised data cannot be produced")

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{self.en} {detail}".strip())
        self.detail = detail

    def problem(self) -> dict:
        return {"code": "missing_master_key", "zh": self.zh, "en": self.en,
                "severity": "error"}


def _resolve(raw: str) -> str:
    if raw.startswith("file:"):
        try:
            with open(raw[5:], encoding="utf-8") as fh:
                return fh.read().strip()
        except OSError as exc:
            raise MasterKeyMissing(f"({exc.strerror})") from None
    if raw.startswith("env:"):
        return os.environ.get(raw[4:], "").strip()
    return raw.strip()


def master_key() -> bytes:
    raw = _resolve(str(config.get(CONFIG_KEY) or ""))
    if not raw:
        raise MasterKeyMissing()
    try:
        key = bytes.fromhex(raw)
        if len(key) >= 32:
            return key
    except ValueError:
        pass
    if len(raw) < 32:
        raise MasterKeyMissing("(too short: at least 32 bytes / 至少 32 字节)")
    return raw.encode("utf-8")


def configured() -> bool:
    try:
        master_key()
        return True
    except MasterKeyMissing:
        return False
