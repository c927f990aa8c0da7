"""`ckan govopen …` — one command group; each capability adds its commands."""
from __future__ import annotations

import importlib
import logging

import click

log = logging.getLogger(__name__)

# module:attribute of each sub-command, in help order.
COMMANDS = (
    "ckanext.govopen.demo.cli:demo_load",
    "ckanext.govopen.catalog.cli:open_list",
    "ckanext.govopen.catalog.cli:freshness_report",
    "ckanext.govopen.catalog.cli:freshness_reindex",
    "ckanext.govopen.applications.cli:applications_remind",
    "ckanext.govopen.applications.cli:applications_expire",
    "ckanext.govopen.desensitize.cli:desensitize",
)


@click.group(short_help="政务数据开放平台命令 / govopen commands")
def govopen():
    """政务数据开放平台命令 / govopen portal commands."""


for _spec in COMMANDS:
    _module, _, _attr = _spec.partition(":")
    try:
        govopen.add_command(getattr(importlib.import_module(_module), _attr))
    except (ModuleNotFoundError, AttributeError) as _e:
        # A capability that is not installed simply has no command.
        log.debug("govopen command %s unavailable: %s", _spec, _e)
