"""CLI commands of the catalogue tools, to be attached to ``ckan govopen``.

* ``open-list --format csv|xlsx --out FILE``    开放清单 export
* ``freshness-report [--org NAME] [--format text|csv|json] [--out FILE]``
* ``freshness-reindex [--all] [--dry-run]``     refresh the ``freshness`` facet
"""
from __future__ import annotations

import contextlib
import csv
import json
import sys

import click

from ckanext.govopen.catalog import freshness as fr
from ckanext.govopen.catalog import openlist


@contextlib.contextmanager
def _app_context():
    """A request context, as CKAN's own commands use (``ckan user`` etc.).

    Under ``ckan -c … govopen …`` the Flask app is in ``ctx.meta``; in tests
    the caller usually holds a request context already.
    """
    from flask import has_request_context
    if has_request_context():
        yield
        return
    ctx = click.get_current_context(silent=True)
    app = ctx.meta.get("flask_app") if ctx else None
    if app is None:
        yield
        return
    with app.test_request_context():
        yield


@click.command("open-list", short_help="Export the 开放清单 (open list).")
@click.option("--format", "fmt", type=click.Choice(openlist.FORMATS),
              default="csv", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False,
              allow_dash=True),
              help="Output file ('-' writes CSV to standard output).")
@click.option("--lang", default="zh_Hans_CN", show_default=True,
              type=click.Choice(["zh_Hans_CN", "en"]),
              help="Language of code labels (headers are bilingual).")
def open_list(fmt: str, out: str, lang: str):
    """Write the open list as the anonymous public sees it."""
    with _app_context():
        if out == "-":
            if fmt != "csv":
                raise click.UsageError("--out - is only supported for CSV")
            n = openlist.export("csv", sys.stdout.buffer, lang)
            sys.stdout.flush()
        else:
            n = openlist.export(fmt, out, lang)
    click.echo(f"open list: {n} datasets written to {out}", err=True)


def _text_report(depts: dict, write) -> None:
    total = {s: 0 for s in fr.STATUSES}
    for d in depts.values():
        for s, c in d["counts"].items():
            total[s] += c
        c = d["counts"]
        write(f"{d['title'] or d['organization']} ({d['organization']}): "
              f"{d['total']} datasets, overdue {c['overdue']}, "
              f"due soon {c['due_soon']}, fresh {c['fresh']}, "
              f"unchecked {c['unchecked']}")
        for r in d["datasets"]:
            if r["status"] == fr.OVERDUE:
                write(f"  OVERDUE  {r['catalog_code']}  {r['title']}  "
                      f"[{r['update_frequency']}] last update "
                      f"{(r['last_update'] or '')[:10]}, "
                      f"{r['days_overdue']} days overdue")
            elif r["status"] == fr.DUE_SOON:
                write(f"  DUE SOON {r['catalog_code']}  {r['title']}  "
                      f"[{r['update_frequency']}] last update "
                      f"{(r['last_update'] or '')[:10]}, due in "
                      f"{r['days_until_due']} days")
    write(f"Total: overdue {total['overdue']}, due soon {total['due_soon']}, "
          f"fresh {total['fresh']}, unchecked {total['unchecked']}")


@click.command("freshness-report",
               short_help="Freshness of datasets per department.")
@click.option("--org", default=None, help="Only this organisation (name/id).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]),
              default="text", show_default=True)
@click.option("--out", default="-", type=click.Path(dir_okay=False,
              allow_dash=True), show_default=True)
def freshness_report(org, fmt: str, out: str):
    """Compare declared update frequencies with actual updates (§4.6)."""
    with _app_context():
        rows = fr.report_rows(fr.all_datasets(org))
    depts = fr.by_department(rows)
    stream = sys.stdout if out == "-" else open(
        out, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8",
        newline="")
    try:
        if fmt == "json":
            json.dump({"departments": list(depts.values())}, stream,
                      ensure_ascii=False, indent=2)
            stream.write("\n")
        elif fmt == "csv":
            writer = csv.DictWriter(stream, fieldnames=fr.REPORT_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        else:
            _text_report(depts, lambda line: stream.write(line + "\n"))
    finally:
        if stream is not sys.stdout:
            stream.close()


@click.command("freshness-reindex",
               short_help="Reindex datasets whose freshness status changed.")
@click.option("--all", "all_", is_flag=True,
              help="Reindex every dataset with a checked frequency.")
@click.option("--dry-run", is_flag=True, help="Only list the candidates.")
def freshness_reindex(all_: bool, dry_run: bool):
    """Keep the ``freshness`` facet true; run it daily (cron).

    The facet value is computed when a dataset is indexed and drifts as time
    passes. Each document also stores ``freshness_recheck_date``; this command
    reindexes the datasets whose recheck date has passed.
    """
    with _app_context():
        ids = reindex(all_=all_, dry_run=dry_run)
    click.echo(f"freshness: {len(ids)} datasets "
               f"{'to reindex' if dry_run else 'reindexed'}")


def candidates(all_: bool = False) -> list[str]:
    from ckan.plugins import toolkit
    checked = " OR ".join(fr.THRESHOLD_DAYS)
    fq = (f"+dataset_type:dataset +update_frequency:({checked})" if all_
          else "+dataset_type:dataset +freshness_recheck_date:[* TO NOW]")
    ids: list[str] = []
    start = 0
    while True:
        result = toolkit.get_action("package_search")(
            {"ignore_auth": True},
            {"q": "", "fq": fq, "fl": ["id"], "rows": 1000, "start": start,
             "include_private": True, "include_drafts": True,
             "sort": "name asc", "facet": "false"})
        batch = [r["id"] if isinstance(r, dict) else r
                 for r in result.get("results") or []]
        ids.extend(batch)
        start += len(batch)
        if not batch or start >= int(result.get("count") or 0):
            return ids


def reindex(all_: bool = False, dry_run: bool = False) -> list[str]:
    from ckan.lib import search
    try:
        ids = candidates(all_)
    except Exception:  # a backend without date ranges: recheck everything
        if all_:
            raise
        ids = candidates(True)
    if ids and not dry_run:
        search.rebuild(package_ids=ids, defer_commit=True, quiet=True)
        search.commit()
    return ids


commands = [open_list, freshness_report, freshness_reindex]
