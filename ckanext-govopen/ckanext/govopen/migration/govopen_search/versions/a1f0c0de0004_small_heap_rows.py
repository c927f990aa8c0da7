"""Keep heap rows small: large columns out of line, filters inline.

Keyword queries visit every candidate row to apply the filters; with
~1.4 KB rows (compressed tsvector, stored document and blobs kept inline)
a 100,000-dataset index touched tens of thousands of pages per query.
Moving the large columns to TOAST leaves rows of a few hundred bytes;
``filters`` (read by every filter and facet) and the short columns that
filters and sorts read stay inline (MAIN), or a sort by ``index_id`` would
fetch a TOAST chunk per comparison.

Revision ID: a1f0c0de0004
Revises: a1f0c0de0003
Create Date: 2026-11-22
"""
from alembic import op

revision = "a1f0c0de0004"
down_revision = "a1f0c0de0003"
branch_labels = None
depends_on = None

INLINE = ("filters", "index_id", "id", "name", "site_id", "title_sort",
          "state", "capacity", "dataset_type", "permission_labels")


def upgrade():
    op.execute("ALTER TABLE govopen_search_index SET (toast_tuple_target = 256)")
    op.execute("ALTER TABLE govopen_search_index " + ", ".join(
        f"ALTER COLUMN {c} SET STORAGE MAIN" for c in INLINE))
    # Existing rows take the new layout when rewritten.
    op.execute("UPDATE govopen_search_index SET filters = filters")


def downgrade():
    op.execute("ALTER TABLE govopen_search_index RESET (toast_tuple_target)")
    op.execute("ALTER TABLE govopen_search_index " + ", ".join(
        f"ALTER COLUMN {c} SET STORAGE EXTENDED" for c in INLINE))
