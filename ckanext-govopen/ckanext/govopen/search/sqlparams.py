"""Bound-parameter collector: every user value reaches SQL as a parameter."""
from __future__ import annotations

import json
from typing import Any


class Params(dict):
    def add(self, value: Any) -> str:
        name = f"p{len(self)}"
        self[name] = value
        return f":{name}"

    def json(self, value: Any) -> str:
        return f"CAST({self.add(json.dumps(value, ensure_ascii=False))} AS jsonb)"


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
