"""脱敏 plans (GUIDE §6.5): column → type → operator (+params) → confidence.

A plan is plain data: ``Plan.from_dict(plan.to_dict())`` round-trips and the
JSON form is what publishers edit and reviewers approve. ``revision`` goes
up on every edit so the audit log can say which version produced a release.
Keys are never part of a plan.
"""
from __future__ import annotations

import copy
import datetime
import json
from dataclasses import asdict, dataclass, field

from .columns import QUASI_HEADERS, ColumnProfile
from .operators import WEAK_FOR_DIRECT
from .problems import DesensitizeError, Problem, problem

FORMAT = "govopen.desensitize.plan"
SCHEMA_VERSION = 1
DEFAULT_MAX_SUPPRESSION = 0.05

# Safe defaults for open data (GUIDE §6.3): direct identifiers are dropped
# or pseudonymised per release, never merely masked.
DEFAULT_RULES: dict[str, tuple[str, dict]] = {
    "id18": ("pseudonymize", {}),
    "id15": ("pseudonymize", {}),
    "plate": ("pseudonymize", {}),
    "mobile": ("suppress", {"mode": "drop"}),
    "landline": ("suppress", {"mode": "drop"}),
    "bank_card": ("suppress", {"mode": "drop"}),
    "email": ("suppress", {"mode": "drop"}),
    "ipv4": ("suppress", {"mode": "drop"}),
    "ipv6": ("suppress", {"mode": "drop"}),
    "passport": ("suppress", {"mode": "drop"}),
    "hk_macau_permit": ("suppress", {"mode": "drop"}),
    "person_name": ("suppress", {"mode": "drop"}),
    "direct_identifier": ("suppress", {"mode": "drop"}),
    "address": ("generalize", {"kind": "address", "level": "county"}),
    # Legal-entity codes are public (国家企业信用信息公示系统); kept, but
    # listed so the publisher sees them.
    "uscc": ("keep", {}),
}


@dataclass
class ColumnRule:
    type: str | None
    operator: str
    params: dict = field(default_factory=dict)
    confidence: float = 1.0
    direct: bool = False
    source: str = "detected"  # detected | header | data_item | plugin | manual

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Plan:
    columns: dict[str, ColumnRule] = field(default_factory=dict)
    scrub: list[str] = field(default_factory=list)        # free-text columns
    quasi_identifiers: list[str] = field(default_factory=list)
    k: int = 5
    # Record suppression (GUIDE §6.4): drop the rows of quasi-identifier
    # classes below k, unless that is more than this share of the rows.
    suppress_below_k: bool = True
    max_suppression: float = DEFAULT_MAX_SUPPRESSION
    free_text_replacement: str = "tag"                     # tag | pseudonymize
    revision: int = 1
    plan_id: str = ""
    source: dict = field(default_factory=dict)             # file name, encoding, columns
    created: str = ""
    updated: str = ""

    def to_dict(self) -> dict:
        return {
            "format": FORMAT, "schema_version": SCHEMA_VERSION,
            "plan_id": self.plan_id, "revision": self.revision,
            "created": self.created, "updated": self.updated,
            "source": copy.deepcopy(self.source),
            "columns": {c: r.to_dict() for c, r in self.columns.items()},
            "scrub": list(self.scrub), "free_text_replacement": self.free_text_replacement,
            "quasi_identifiers": list(self.quasi_identifiers), "k": self.k,
            "suppress_below_k": self.suppress_below_k, "max_suppression": self.max_suppression,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Plan":
        if not isinstance(d, dict) or d.get("format", FORMAT) != FORMAT:
            raise DesensitizeError.of("bad_plan", detail="not a govopen plan")
        if int(d.get("schema_version", SCHEMA_VERSION)) > SCHEMA_VERSION:
            raise DesensitizeError.of("bad_plan", detail="plan schema is newer than this engine")
        try:
            cols = {c: ColumnRule(**r) for c, r in (d.get("columns") or {}).items()}
            share = float(d.get("max_suppression", DEFAULT_MAX_SUPPRESSION))
            if not 0 <= share <= 1:
                raise ValueError("max_suppression must be between 0 and 1")
            return cls(columns=cols, scrub=list(d.get("scrub") or []),
                       quasi_identifiers=list(d.get("quasi_identifiers") or []),
                       k=int(d.get("k", 5)),
                       suppress_below_k=bool(d.get("suppress_below_k", True)),
                       max_suppression=share,
                       free_text_replacement=d.get("free_text_replacement", "tag"),
                       revision=int(d.get("revision", 1)), plan_id=d.get("plan_id", ""),
                       source=dict(d.get("source") or {}), created=d.get("created", ""),
                       updated=d.get("updated", ""))
        except (TypeError, ValueError) as exc:
            raise DesensitizeError.of("bad_plan", detail=str(exc)) from None

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Plan":
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as exc:
            raise DesensitizeError.of("bad_plan", detail=str(exc)) from None

    def edited(self, **changes) -> "Plan":
        """A copy with ``changes`` applied and the revision bumped."""
        new = Plan.from_dict(self.to_dict())
        for k, v in changes.items():
            setattr(new, k, v)
        new.revision = self.revision + 1
        new.updated = _now()
        return new

    def lint(self, registry, columns: list[str] | None = None) -> list[Problem]:
        probs = []
        for name, rule in self.columns.items():
            if rule.operator not in registry.operators:
                probs.append(problem("unknown_operator", detail=f"{name}: {rule.operator}"))
            if rule.direct and rule.operator in WEAK_FOR_DIRECT:
                probs.append(problem("bad_plan", severity="warning",
                                     detail=f"{name}: '{rule.operator}' leaves a direct identifier "
                                            "recoverable (GUIDE §6.3)"))
        if columns is not None:
            missing = sorted((set(self.columns) | set(self.scrub) | set(self.quasi_identifiers))
                             - set(columns))
            if missing:
                probs.append(problem("unknown_column", detail=", ".join(missing)))
        return probs


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def propose(profiles: list[ColumnProfile], registry, *, k: int = 5, source: dict | None = None,
            plan_id: str = "", max_suppression: float = DEFAULT_MAX_SUPPRESSION) -> Plan:
    """Turn column profiles into a plan with safe defaults; rule providers
    from plugins get the last word per column."""
    plan = Plan(k=k, source=dict(source or {}), plan_id=plan_id, created=_now(),
                max_suppression=max_suppression)
    plan.updated = plan.created
    for prof in profiles:
        rule = _default_rule(prof, registry)
        for provider in registry.rule_providers:
            override = provider(prof, rule)
            if override is not None:
                override.source = override.source if override.source != "detected" else "plugin"
                rule = override
        if rule is not None:
            plan.columns[prof.name] = rule
        if prof.free_text and (rule is None or rule.operator == "keep"):
            plan.scrub.append(prof.name)
        if prof.quasi or prof.sensitivity == "quasi_identifier" or (rule and rule.type == "address"):
            plan.quasi_identifiers.append(prof.name)
    return plan


def _default_rule(prof: ColumnProfile, registry) -> ColumnRule | None:
    det = registry.detector(prof.type)
    if prof.type:
        op, params = DEFAULT_RULES.get(prof.type, (None, {}))
        if det is not None and det.default_operator:
            op, params = det.default_operator, det.default_params
        if op is None:
            op, params = ("pseudonymize", {}) if (det and det.direct) else ("keep", {})
        return ColumnRule(prof.type, op, dict(params), prof.confidence,
                          bool(det.direct) if det else True,
                          "header" if prof.type in prof.header_types else "detected")
    if prof.sensitivity == "direct_identifier":
        op, params = DEFAULT_RULES["direct_identifier"]
        return ColumnRule("direct_identifier", op, dict(params), 1.0, True, "data_item")
    if prof.quasi:
        _, op, params = QUASI_HEADERS[prof.quasi]
        return ColumnRule(prof.quasi, op, dict(params), 1.0, False, "header")
    return None
