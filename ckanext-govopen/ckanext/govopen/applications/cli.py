"""CLI commands (the lead attaches them to ``ckan govopen``).

``ckan govopen applications-remind`` enqueues the periodic job (expiry and
reminders) for ``ckan jobs worker``; ``--sync`` runs it in the command.
Suitable for cron, e.g. ``0 8 * * * ckan -c ckan.ini govopen applications-remind``.
"""
from __future__ import annotations

import json

import click


@click.command("applications-remind",
               short_help="到期处理与催办提醒 / expire grants and send reminders")
@click.option("--sync", is_flag=True, help="Run now instead of enqueueing an RQ job.")
@click.option("--queue", default=None, help="RQ queue (default: CKAN's default queue).")
def applications_remind(sync: bool, queue: str | None):
    """Expire lapsed grants/approvals and remind reviewers of deadlines."""
    from . import jobs
    if sync:
        click.echo(json.dumps(jobs.periodic(), ensure_ascii=False))
        return
    from ckan.plugins import toolkit
    kwargs = {"title": jobs.JOB_TITLE}
    if queue:
        kwargs["queue"] = queue
    job = toolkit.enqueue_job(jobs.periodic, **kwargs)
    click.echo(f"enqueued job {job.id}")


@click.command("applications-expire",
               short_help="仅处理到期授权 / expire grants and lapsed approvals now")
def applications_expire():
    """Close access of applications whose period (or agreement deadline) passed."""
    from . import jobs
    click.echo(json.dumps(jobs.expire_due(), ensure_ascii=False))


commands = [applications_remind, applications_expire]
