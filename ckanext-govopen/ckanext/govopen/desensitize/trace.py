"""Name the grant a leaked file came from (GUIDE §6.7).

Evidence, strongest first: an exact SHA-256 match with a manifest; the share
of pseudonym tokens whose keyed tag verifies under a candidate's key (a
wrong key verifies about 1 token in a million); agreement of keyed row
marks. Tags and marks survive subsetting, reordering and dropped columns.
"""
from __future__ import annotations

import re
import shutil
import tempfile

from .extract import grant_keyring, row_marks, sha256_file
from .problems import DesensitizeError
from .pseudonym import TAG_CHARS, TOKEN_CHARS
from .sources import open_source

_TOKEN = re.compile(rf"^[A-Z]+_[A-Z2-7]{{{TOKEN_CHARS + TAG_CHARS}}}$")
MAX_TOKENS = 5000
MIN_TOKENS = 3
ACCEPT_SHARE = 0.5


def _key(c: dict) -> bytes:
    k = c["key"]
    return bytes.fromhex(k) if isinstance(k, str) else k


def trace(path: str, candidates: list[dict]) -> dict:
    """``candidates``: dicts with ``grant_id``, ``recipient_id``, ``key``
    (master key, bytes or hex), optional ``dataset_id``, ``release_id`` and
    ``manifest`` (as written by :func:`make_grant_extract`)."""
    digest = sha256_file(path)
    for c in candidates:
        if (c.get("manifest") or {}).get("sha256") == digest:
            return {"grant_id": c["grant_id"], "method": "sha256", "confidence": 1.0,
                    "scores": []}
    tmp = tempfile.mkdtemp(prefix="govopen-trace-")
    try:
        src = open_source(path, tmp)
    except DesensitizeError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        return {"grant_id": None, "problems": [exc.problem.to_dict()], "scores": []}
    try:
        tokens: list[str] = []
        frames = []
        for df in src.batches(50_000):
            frames.append(df)
            for col in df.columns:
                s = df[col].drop_nulls()
                tokens.extend(s.filter(s.str.contains(_TOKEN.pattern)).head(MAX_TOKENS).to_list())
            if len(tokens) >= MAX_TOKENS:
                break
        tokens = tokens[:MAX_TOKENS]
        scores = []
        for c in candidates:
            kr = grant_keyring(_key(c), c["grant_id"], c.get("recipient_id", ""),
                               c.get("dataset_id", ""), c.get("release_id", ""))
            ok = sum(kr.tag_ok(t) for t in tokens)
            entry = {"grant_id": c["grant_id"], "tokens": len(tokens), "tags_verified": ok,
                     "share": round(ok / len(tokens), 4) if tokens else 0.0}
            entry.update(_mark_score(kr, c, frames))
            scores.append(entry)
        scores.sort(key=lambda e: (e["share"], e.get("marks_agree", 0)), reverse=True)
        best = scores[0] if scores else None
        found = best and best["tokens"] >= MIN_TOKENS and best["share"] >= ACCEPT_SHARE
        return {"grant_id": best["grant_id"] if found else None,
                "method": "token_tags" if found else None,
                "confidence": best["share"] if found else 0.0, "scores": scores}
    finally:
        src.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


def _mark_score(kr, cand: dict, frames) -> dict:
    info = (cand.get("manifest") or {}).get("row_marks")
    if not info or not frames:
        return {}
    col, key_col = info["column"], info["key_column"]
    agree = total = 0
    for df in frames:
        if col not in df.columns or key_col not in df.columns:
            return {}
        for bit, val in zip(row_marks(kr, df[key_col].fill_null("").to_list()),
                            df[col].fill_null("").to_list()):
            if bit is None or not val or not val[-1].isdigit():
                continue
            total += 1
            agree += int(val[-1]) % 2 == bit
    return {"marked_rows": total, "marks_agree": round(agree / total, 4) if total else 0.0}
