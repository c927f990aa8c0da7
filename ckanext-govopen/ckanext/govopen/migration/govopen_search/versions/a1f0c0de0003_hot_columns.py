"""Columns with statistics for the filters every query carries.

jsonb containment has no useful selectivity estimate, so the planner
believed ``state``/``permission_labels`` filters matched one row and skipped
the full-text index. Real columns give it statistics. Per-field token
vectors are dropped: field-restricted text matching now confirms the word
in the stored field value, which halves the index size.

Revision ID: a1f0c0de0003
Revises: a1f0c0de0002
Create Date: 2026-11-22
"""
from alembic import op

revision = "a1f0c0de0003"
down_revision = "a1f0c0de0002"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("TRUNCATE govopen_search_index")
    op.execute("ALTER TABLE govopen_search_index DROP COLUMN tok")
    op.execute("ALTER TABLE govopen_search_index "
               "ADD COLUMN state text, ADD COLUMN capacity text, "
               "ADD COLUMN dataset_type text, "
               "ADD COLUMN permission_labels text[] NOT NULL DEFAULT '{}'")
    op.execute("CREATE INDEX govopen_search_labels_idx ON govopen_search_index"
               " USING gin (permission_labels)")
    op.execute("CREATE INDEX govopen_search_state_idx ON govopen_search_index"
               " (state, dataset_type)")


def downgrade():
    op.execute("TRUNCATE govopen_search_index")
    op.execute("DROP INDEX IF EXISTS govopen_search_labels_idx")
    op.execute("DROP INDEX IF EXISTS govopen_search_state_idx")
    op.execute("ALTER TABLE govopen_search_index DROP COLUMN state, "
               "DROP COLUMN capacity, DROP COLUMN dataset_type, "
               "DROP COLUMN permission_labels, "
               "ADD COLUMN tok jsonb NOT NULL DEFAULT '{}'::jsonb")
