"""Alembic migrations, one folder per plugin (CKAN looks for
``migration/<plugin name>/`` beside the extension's top package).

Every folder's ``env.py`` calls :func:`run` so the runner exists once; each
plugin keeps its own version table, ``<plugin>_alembic_version``.
"""
import os

from alembic import context
from sqlalchemy import engine_from_config, pool


def run(env_file: str) -> None:
    config = context.config
    name = os.path.basename(os.path.dirname(env_file))
    version_table = f"{name}_alembic_version"
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"),
                          target_metadata=None, literal_binds=True,
                          version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None,
                          version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
