"""Access log rows for files of CKAN's file API (2.12 ``/file/...``):
``file_id``, and ``resource_id`` optional (a file may be owned by a
dataset rather than a resource).

Revision ID: b2a0cc000002
Revises: b2a0cc000001
Create Date: 2026-12-02
"""
from alembic import op

revision = "b2a0cc000002"
down_revision = "b2a0cc000001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE govopen_access_log ADD COLUMN file_id text")
    op.execute("ALTER TABLE govopen_access_log"
               " ALTER COLUMN resource_id DROP NOT NULL")
    # one of the two identifies what was accessed
    op.execute("ALTER TABLE govopen_access_log ADD CONSTRAINT"
               " govopen_access_log_object CHECK"
               " (resource_id IS NOT NULL OR file_id IS NOT NULL)")


def downgrade():
    # fails while file rows exist: the log is append-only, rows are never
    # deleted to make a downgrade pass
    op.execute("ALTER TABLE govopen_access_log"
               " DROP CONSTRAINT govopen_access_log_object")
    op.execute("ALTER TABLE govopen_access_log"
               " ALTER COLUMN resource_id SET NOT NULL")
    op.execute("ALTER TABLE govopen_access_log DROP COLUMN file_id")
