"""Grants (授权) and the append-only access log (监测记录).

Revision ID: b2a0cc000001
Revises:
Create Date: 2026-11-23
"""
from alembic import op

revision = "b2a0cc000001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE govopen_grant (
            id text PRIMARY KEY,
            user_id text NOT NULL,
            package_id text NOT NULL,
            resource_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
            data_items jsonb NOT NULL DEFAULT '[]'::jsonb,
            access_modes jsonb NOT NULL DEFAULT '[]'::jsonb,
            valid_from timestamp NOT NULL,
            valid_until timestamp NOT NULL,
            revoked_at timestamp,
            revoked_by text,
            revoke_reason text,
            source_application_id text,
            created_by text,
            created_at timestamp NOT NULL DEFAULT (now() at time zone 'utc'),
            CONSTRAINT govopen_grant_period CHECK (valid_until > valid_from)
        )
    """)
    op.execute("CREATE INDEX govopen_grant_user_pkg_idx"
               " ON govopen_grant (user_id, package_id)")
    op.execute("CREATE INDEX govopen_grant_pkg_idx ON govopen_grant (package_id)")
    op.execute("CREATE INDEX govopen_grant_app_idx"
               " ON govopen_grant (source_application_id)")
    op.execute("""
        CREATE TABLE govopen_access_log (
            id bigserial PRIMARY KEY,
            accessed_at timestamp NOT NULL DEFAULT (now() at time zone 'utc'),
            user_id text,
            user_name text,
            grant_id text,
            resource_id text NOT NULL,
            package_id text,
            owner_org text,
            open_type text,
            channel text NOT NULL,
            method text NOT NULL,
            reason text,
            bytes bigint,
            client_ip text,
            user_agent text
        )
    """)
    op.execute("CREATE INDEX govopen_access_log_org_idx"
               " ON govopen_access_log (owner_org, accessed_at)")
    op.execute("CREATE INDEX govopen_access_log_res_idx"
               " ON govopen_access_log (resource_id)")
    # Append-only (GUIDE rule 9): rows can be added, never changed or removed.
    op.execute("""
        CREATE OR REPLACE FUNCTION govopen_access_log_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'govopen_access_log is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$
    """)
    op.execute("""
        CREATE TRIGGER govopen_access_log_no_change
        BEFORE UPDATE OR DELETE ON govopen_access_log
        FOR EACH ROW EXECUTE FUNCTION govopen_access_log_append_only()
    """)


def downgrade():
    op.execute("DROP TABLE govopen_access_log")
    op.execute("DROP FUNCTION govopen_access_log_append_only()")
    op.execute("DROP TABLE govopen_grant")
