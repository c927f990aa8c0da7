"""Per-grant extracts for 授权开放 deliveries (GUIDE §6.7).

Each grant gets pseudonyms from a key that includes the grant and the
recipient, with a 20-bit keyed tag appended to every token, so any subset of
a leaked file points back to its grant. Optionally rows selected by an HMAC
of their pseudonym carry one bit in the last digit of a numeric column
(keyed row marks). A manifest records what was delivered.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os

import polars as pl

from .engine import run
from .plan import Plan
from .pseudonym import Keyring

MANIFEST_FORMAT = "govopen.desensitize.manifest/1"
MARK_RATE = 64  # rows with first HMAC byte < 64 carry a mark: about 1 in 4


def grant_keyring(master_key: bytes, grant_id: str, recipient_id: str,
                  dataset_id: str = "", release_id: str = "") -> Keyring:
    return Keyring(master_key, (dataset_id, release_id, "grant", grant_id, recipient_id), tag=True)


def row_marks(keyring: Keyring, keys: list[str]) -> list[int | None]:
    """For each row key: None (unmarked) or the bit the row carries."""
    k = keyring.key_for("rowmark")
    out = []
    for v in keys:
        if not v:
            out.append(None)
            continue
        d = hmac.digest(k, v.encode(), "sha256")
        out.append(d[1] & 1 if d[0] < MARK_RATE else None)
    return out


def _mark_hook(keyring: Keyring, key_col: str, mark_col: str):
    def hook(df: pl.DataFrame, offset: int) -> pl.DataFrame:
        if key_col not in df.columns or mark_col not in df.columns:
            return df
        bits = pl.Series("bit", row_marks(keyring, df[key_col].fill_null("").to_list()),
                         dtype=pl.Int64)
        v = pl.col(mark_col)
        last = v.str.slice(-1).cast(pl.Int64, strict=False)
        # Flip the lowest bit of the last digit (0<->1, 2<->3, ...) when its
        # parity differs: the value moves by at most one unit in the last place.
        fixed = pl.concat_str([v.str.slice(0, v.str.len_chars() - 1),
                               (last - last % 2 + pl.col("bit")).cast(pl.String)])
        return (df.with_columns(bits)
                  .with_columns(pl.when(pl.col("bit").is_not_null() & last.is_not_null())
                                .then(fixed).otherwise(v).alias(mark_col))
                  .drop("bit"))
    return hook


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def make_grant_extract(path: str, plan: Plan | dict, out_path: str, *, grant_id: str,
                       recipient_id: str, master_key: bytes, dataset_id: str = "",
                       release_id: str = "", approved_columns: list[str] | None = None,
                       mark_column: str | None = None, registry=None, progress=None) -> dict:
    """Write the extract for one grant plus ``out_path + '.manifest.json'``.

    ``approved_columns`` limits the delivery to the columns the grant
    approved (default: everything the plan publishes). ``mark_column`` is a
    numeric column whose last digit may carry row marks; the row key is the
    first pseudonymised column. Returns ``{"ok", "manifest", "report"}``."""
    plan = plan if isinstance(plan, Plan) else Plan.from_dict(plan)
    kr = grant_keyring(master_key, grant_id, recipient_id, dataset_id, release_id)
    key_col = next((c for c, r in plan.columns.items() if r.operator == "pseudonymize"
                    and (approved_columns is None or c in approved_columns)), None)
    hook = _mark_hook(kr, key_col, mark_column) if (mark_column and key_col) else None
    report = run(path, plan, out_path, keyring=kr, registry=registry, progress=progress,
                 keep_columns=approved_columns, batch_hook=hook)
    if not report.get("ok"):
        return {"ok": False, "report": report, "manifest": None}
    manifest = {
        "format": MANIFEST_FORMAT, "file": os.path.basename(out_path),
        "sha256": sha256_file(out_path), "rows": report["rows_out"],
        "columns": report["output_columns"], "key_id": kr.key_id,
        "grant_id": grant_id, "recipient_id": recipient_id, "dataset_id": dataset_id,
        "release_id": release_id, "plan_id": plan.plan_id, "plan_revision": plan.revision,
        "row_marks": {"column": mark_column, "key_column": key_col} if hook else None,
        "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
    }
    with open(out_path + ".manifest.json", "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
    return {"ok": True, "manifest": manifest, "report": report}
