"""Department-reviewer approval of 脱敏 plans (GUIDE §6.5 step 3) and the
append-only event log of every plan transition and release.

Plan rows move draft → submitted → approved | rejected (any edit makes a
new draft revision and supersedes the old one). Rows confirmed under the
old one-step workflow were final and may already be published, so they
become ``approved`` with a ``migrated`` event saying so.

Revision ID: d5e0c0de0002
Revises: d5e0c0de0001
Create Date: 2026-11-28
"""
from alembic import op

revision = "d5e0c0de0002"
down_revision = "d5e0c0de0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE govopen_desensitize_plan"
               " DROP CONSTRAINT govopen_desensitize_plan_status")
    op.execute("""
        ALTER TABLE govopen_desensitize_plan
            ADD COLUMN reviewed_by text,
            ADD COLUMN reviewed_at timestamp,
            ADD COLUMN review_decision text,
            ADD COLUMN review_reason text,
            ADD CONSTRAINT govopen_desensitize_plan_decision
                CHECK (review_decision IN ('approved', 'rejected'))
    """)
    op.execute("""
        UPDATE govopen_desensitize_plan
           SET status = 'approved', review_decision = 'approved',
               reviewed_by = confirmed_by, reviewed_at = confirmed_at
         WHERE status = 'confirmed'
    """)
    op.execute("""
        ALTER TABLE govopen_desensitize_plan
            ADD CONSTRAINT govopen_desensitize_plan_status
                CHECK (status IN ('draft', 'submitted', 'approved',
                                  'rejected', 'superseded'))
    """)
    op.execute("UPDATE govopen_desensitize_resource SET state = 'approved'"
               " WHERE state = 'confirmed'")
    op.execute("""
        CREATE TABLE govopen_desensitize_event (
            id text PRIMARY KEY,
            resource_id text NOT NULL,
            package_id text NOT NULL,
            plan_row_id text,
            plan_id text,
            revision integer,
            action text NOT NULL,
            from_status text,
            to_status text,
            actor text,
            reason text,
            details jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at timestamp NOT NULL DEFAULT (now() at time zone 'utc')
        )
    """)
    op.execute("CREATE INDEX govopen_desensitize_event_res_idx"
               " ON govopen_desensitize_event (resource_id, created_at)")
    op.execute("CREATE INDEX govopen_desensitize_plan_status_idx"
               " ON govopen_desensitize_plan (status)")
    op.execute("""
        INSERT INTO govopen_desensitize_event
            (id, resource_id, package_id, plan_row_id, plan_id, revision,
             action, from_status, to_status, actor, reason, created_at)
        SELECT md5(random()::text || id), resource_id, package_id, id,
               plan_id, revision, 'migrated', 'confirmed', 'approved',
               confirmed_by,
               'confirmed before department review existed; treated as '
               'approved', now() at time zone 'utc'
          FROM govopen_desensitize_plan
         WHERE review_decision = 'approved'
    """)


def downgrade():
    op.execute("DROP TABLE IF EXISTS govopen_desensitize_event")
    op.execute("DROP INDEX IF EXISTS govopen_desensitize_plan_status_idx")
    op.execute("ALTER TABLE govopen_desensitize_plan"
               " DROP CONSTRAINT govopen_desensitize_plan_status")
    op.execute("""
        UPDATE govopen_desensitize_plan SET status = CASE
            WHEN status IN ('submitted', 'approved') THEN 'confirmed'
            WHEN status = 'rejected' THEN 'draft'
            ELSE status END
    """)
    op.execute("UPDATE govopen_desensitize_resource SET state = 'confirmed'"
               " WHERE state IN ('submitted', 'approved')")
    op.execute("UPDATE govopen_desensitize_resource SET state = 'scanned'"
               " WHERE state = 'rejected'")
    op.execute("""
        ALTER TABLE govopen_desensitize_plan
            DROP CONSTRAINT govopen_desensitize_plan_decision,
            DROP COLUMN reviewed_by, DROP COLUMN reviewed_at,
            DROP COLUMN review_decision, DROP COLUMN review_reason,
            ADD CONSTRAINT govopen_desensitize_plan_status
                CHECK (status IN ('draft', 'confirmed', 'superseded'))
    """)
