"""脱敏 workflow tables: tracked resources, versioned plans, jobs, releases
and per-grant extracts (no keys are ever stored).

Revision ID: d5e0c0de0001
Revises:
Create Date: 2026-11-24
"""
from alembic import op

revision = "d5e0c0de0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE govopen_desensitize_resource (
            resource_id text PRIMARY KEY,
            package_id text NOT NULL,
            role text NOT NULL,
            state text NOT NULL,
            source_id text,
            derivative_id text,
            encoding text,
            message jsonb NOT NULL DEFAULT '[]'::jsonb,
            updated_at timestamp NOT NULL DEFAULT (now() at time zone 'utc'),
            CONSTRAINT govopen_desensitize_resource_role
                CHECK (role IN ('original', 'derivative', 'clean'))
        )
    """)
    op.execute("CREATE INDEX govopen_desensitize_resource_pkg_idx"
               " ON govopen_desensitize_resource (package_id)")
    op.execute("CREATE INDEX govopen_desensitize_resource_src_idx"
               " ON govopen_desensitize_resource (source_id)")
    op.execute("""
        CREATE TABLE govopen_desensitize_plan (
            id text PRIMARY KEY,
            plan_id text NOT NULL,
            revision integer NOT NULL,
            resource_id text NOT NULL,
            package_id text NOT NULL,
            status text NOT NULL,
            plan jsonb NOT NULL,
            profile jsonb,
            problems jsonb NOT NULL DEFAULT '[]'::jsonb,
            created_by text,
            created_at timestamp NOT NULL DEFAULT (now() at time zone 'utc'),
            confirmed_by text,
            confirmed_at timestamp,
            CONSTRAINT govopen_desensitize_plan_rev UNIQUE (plan_id, revision),
            CONSTRAINT govopen_desensitize_plan_status
                CHECK (status IN ('draft', 'confirmed', 'superseded'))
        )
    """)
    op.execute("CREATE INDEX govopen_desensitize_plan_res_idx"
               " ON govopen_desensitize_plan (resource_id, revision)")
    op.execute("""
        CREATE TABLE govopen_desensitize_job (
            id text PRIMARY KEY,
            kind text NOT NULL,
            resource_id text NOT NULL,
            package_id text NOT NULL,
            plan_row_id text,
            status text NOT NULL,
            progress double precision NOT NULL DEFAULT 0,
            report jsonb,
            problems jsonb NOT NULL DEFAULT '[]'::jsonb,
            rq_job_id text,
            created_by text,
            created_at timestamp NOT NULL DEFAULT (now() at time zone 'utc'),
            started_at timestamp,
            finished_at timestamp,
            CONSTRAINT govopen_desensitize_job_kind
                CHECK (kind IN ('scan', 'run', 'extract')),
            CONSTRAINT govopen_desensitize_job_status
                CHECK (status IN ('queued', 'running', 'done', 'failed',
                                  'blocked'))
        )
    """)
    op.execute("CREATE INDEX govopen_desensitize_job_res_idx"
               " ON govopen_desensitize_job (resource_id, created_at)")
    op.execute("""
        CREATE TABLE govopen_desensitize_release (
            id text PRIMARY KEY,
            resource_id text NOT NULL,
            derivative_id text,
            package_id text NOT NULL,
            job_id text,
            plan_row_id text NOT NULL,
            plan_id text NOT NULL,
            plan_revision integer NOT NULL,
            key_id text,
            sha256 text,
            rows_in bigint,
            rows_out bigint,
            counts jsonb,
            k_anonymity jsonb,
            publishable boolean NOT NULL,
            published boolean NOT NULL DEFAULT false,
            created_by text,
            created_at timestamp NOT NULL DEFAULT (now() at time zone 'utc')
        )
    """)
    op.execute("CREATE INDEX govopen_desensitize_release_res_idx"
               " ON govopen_desensitize_release (resource_id, created_at)")
    op.execute("""
        CREATE TABLE govopen_desensitize_extract (
            id text PRIMARY KEY,
            grant_id text NOT NULL,
            recipient_id text NOT NULL,
            resource_id text NOT NULL,
            package_id text NOT NULL,
            release_id text NOT NULL,
            plan_id text NOT NULL,
            plan_revision integer NOT NULL,
            key_id text,
            sha256 text NOT NULL,
            rows bigint,
            columns jsonb,
            manifest jsonb NOT NULL,
            path text NOT NULL,
            created_by text,
            created_at timestamp NOT NULL DEFAULT (now() at time zone 'utc')
        )
    """)
    op.execute("CREATE INDEX govopen_desensitize_extract_grant_idx"
               " ON govopen_desensitize_extract (grant_id, resource_id)")
    op.execute("CREATE INDEX govopen_desensitize_extract_pkg_idx"
               " ON govopen_desensitize_extract (package_id)")


def downgrade():
    for table in ("extract", "release", "job", "plan", "resource"):
        op.execute(f"DROP TABLE IF EXISTS govopen_desensitize_{table}")
