"""Keep short exact-match fields in a small inline ``filters`` column.

Filtering and faceting on the full stored document made PostgreSQL detoast
kilobytes per row (every query filters on site, state and permission
labels); the small column stays in the heap page. The index is derived
data, so it is emptied here and rebuilt (``ckan search-index rebuild``;
``scripts/run`` does it automatically).

Revision ID: a1f0c0de0002
Revises: a1f0c0de0001
Create Date: 2026-11-22
"""
from alembic import op

revision = "a1f0c0de0002"
down_revision = "a1f0c0de0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("TRUNCATE govopen_search_index")
    op.execute("ALTER TABLE govopen_search_index RENAME COLUMN fields TO stored")
    op.execute("ALTER TABLE govopen_search_index ADD COLUMN filters jsonb "
               "NOT NULL DEFAULT '{}'::jsonb")
    op.execute("DROP INDEX IF EXISTS govopen_search_fields_idx")
    op.execute("CREATE INDEX govopen_search_filters_idx ON govopen_search_index"
               " USING gin (filters jsonb_path_ops)")


def downgrade():
    op.execute("TRUNCATE govopen_search_index")
    op.execute("DROP INDEX IF EXISTS govopen_search_filters_idx")
    op.execute("ALTER TABLE govopen_search_index DROP COLUMN filters")
    op.execute("ALTER TABLE govopen_search_index RENAME COLUMN stored TO fields")
    op.execute("CREATE INDEX govopen_search_fields_idx ON govopen_search_index"
               " USING gin (fields jsonb_path_ops)")
