"""``ckan govopen demo-load``: load the 榕溪市 demo catalogue (idempotent)."""
from __future__ import annotations

import datetime

import click


@click.command("demo-load", short_help="加载演示数据 / load the demo catalogue")
@click.option("--credentials-file", type=click.Path(dir_okay=False),
              default=None,
              help="Where demo passwords are written (default: <repo>/var/demo-credentials.txt).")
@click.option("--quick", is_flag=True,
              help="Load a small subset with few rows (for tests).")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="Reference date of the synthetic data (default: today).")
@click.option("--dataset", "datasets", multiple=True, metavar="NAME",
              help="Load only these demo datasets (repeatable).")
def demo_load(credentials_file, quick, as_of, datasets):
    """Create the demo departments, users and datasets of 榕溪市.

    Creates only what is missing (by name); never changes or deletes
    existing objects. Passwords of new users go to the credentials file
    (mode 0600); later runs print that file instead of changing passwords.
    """
    from . import load

    date = datetime.date.fromisoformat(as_of) if as_of else None
    summary = load.load_demo(credentials_file=credentials_file, quick=quick,
                             as_of=date, datasets=datasets or None,
                             echo=click.echo)
    if summary.created_anything:
        click.echo(
            f"演示数据已加载 / demo data loaded: {len(summary.users)} users, "
            f"{len(summary.organizations)} organisations, "
            f"{len(summary.memberships)} memberships, "
            f"{len(summary.datasets)} datasets, {len(summary.resources)} resources.")
    else:
        click.echo("演示数据已存在，未作更改 / demo data already present; nothing changed.")
    if summary.credentials:
        click.echo(f"--- {summary.credentials_file} ---")
        click.echo(summary.credentials.rstrip("\n"))
