"""Reading schema fields back from a stored dataset (``model.Package``).

Scheming keeps non-core fields in ``package.extras`` as strings; repeating
fields such as ``data_items`` are JSON there. Other capabilities read them
through here instead of parsing extras themselves.
"""
from __future__ import annotations

import json
from typing import Any


def data_items(pkg: Any) -> list[dict[str, Any]]:
    """The dataset's 信息项 as dicts (empty when absent or malformed)."""
    raw = (getattr(pkg, "extras", None) or {}).get("data_items")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return [i for i in raw or [] if isinstance(i, dict)]
