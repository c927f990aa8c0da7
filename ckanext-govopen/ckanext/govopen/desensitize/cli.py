"""``desensitize`` click group for files outside CKAN.

    desensitize scan FILE [--data-items items.json] [--k 5] [--memory-limit MB]
    desensitize run FILE --plan plan.json --out OUT [--key-file F] [--scope ds/rel]
                    [--memory-limit MB] [--workers N]
    desensitize trace FILE --grants grants.json

The master key is read from ``--key-file`` or the environment variable
``GOVOPEN_DESENSITIZE_KEY`` (hex) and never written anywhere. The memory
limit defaults to ``GOVOPEN_DESENSITIZE_MEMORY_MB`` (unset: no limit). ``run`` writes
the derivative to OUT and the report to OUT.report.json; the exit status is
1 when the run failed or the output is not publishable.
"""
from __future__ import annotations

import json
import os
import sys

import click

from . import engine
from .plan import Plan
from .problems import DesensitizeError
from .trace import trace as trace_file

KEY_ENV = "GOVOPEN_DESENSITIZE_KEY"


def _echo(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _load_key(key_file: str | None) -> bytes | None:
    if key_file:
        with open(key_file, "rb") as fh:
            raw = fh.read().strip()
        try:
            return bytes.fromhex(raw.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            return raw
    env = os.environ.get(KEY_ENV)
    return bytes.fromhex(env) if env else None


@click.group("desensitize", short_help="脱敏: scan, desensitize and trace data files")
def desensitize():
    """脱敏 engine for files outside CKAN."""


@desensitize.command("scan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--data-items", type=click.Path(exists=True, dir_okay=False),
              help="JSON list of data_items (GUIDE §4.4) to use as column hints")
@click.option("--k", default=5, show_default=True, help="k-anonymity threshold for the plan")
@click.option("--format", "fmt", default=None, help="csv, tsv, xlsx, xls, json or ndjson")
@click.option("--memory-limit", type=float, default=None,
              help="abort above this resident memory (MB); 0 = none")
def scan_cmd(file, data_items, k, fmt, memory_limit):
    """Print the proposed plan and the column profile as JSON."""
    items = None
    if data_items:
        with open(data_items, encoding="utf-8") as fh:
            items = json.load(fh)
    result = engine.scan(file, data_items=items, k=k, fmt=fmt, memory_limit_mb=memory_limit)
    _echo(result)
    sys.exit(0 if result["ok"] else 1)


@desensitize.command("run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--plan", "plan_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False))
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False))
@click.option("--scope", default="", help="dataset/release, e.g. ds-1/2024-06")
@click.option("--bom", is_flag=True, help="prefix the UTF-8 output with a BOM (Excel)")
@click.option("--format", "fmt", default=None)
@click.option("--memory-limit", type=float, default=None,
              help="abort above this resident memory (MB); 0 = none")
@click.option("--workers", type=int, default=None, help="transform threads (default: cores + 1, max 4)")
def run_cmd(file, plan_path, out_path, key_file, scope, bom, fmt, memory_limit, workers):
    """Write the desensitized derivative and OUT.report.json."""
    try:
        with open(plan_path, encoding="utf-8") as fh:
            plan = Plan.from_json(fh.read())
    except DesensitizeError as exc:
        _echo({"ok": False, "problems": [exc.problem.to_dict()]})
        sys.exit(1)
    report = engine.run(file, plan, out_path, key=_load_key(key_file),
                        scope=tuple(s for s in scope.split("/") if s), bom=bom, fmt=fmt,
                        memory_limit_mb=memory_limit, workers=workers)
    if report.get("ok"):
        with open(out_path + ".report.json", "w", encoding="utf-8") as fh:
            json.dump(report, fh, ensure_ascii=False, indent=2)
    _echo(report)
    sys.exit(0 if report.get("ok") and report.get("publishable") else 1)


@desensitize.command("trace")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--grants", required=True, type=click.Path(exists=True, dir_okay=False),
              help="JSON list of {grant_id, recipient_id, key (hex), manifest?}")
def trace_cmd(file, grants):
    """Name the grant a leaked extract came from."""
    with open(grants, encoding="utf-8") as fh:
        candidates = json.load(fh)
    result = trace_file(file, candidates)
    _echo(result)
    sys.exit(0 if result.get("grant_id") else 1)
