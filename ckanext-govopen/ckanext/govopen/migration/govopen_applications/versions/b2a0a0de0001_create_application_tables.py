"""Create the 授权开放 application tables.

Revision ID: b2a0a0de0001
Revises:
Create Date: 2026-11-25
"""
from alembic import op

revision = "b2a0a0de0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE govopen_applicant_profile (
            user_id text PRIMARY KEY,
            applicant_type text NOT NULL,
            org_name text,
            uscc text,
            legal_rep text,
            contact_name text NOT NULL,
            contact_phone text NOT NULL,
            contact_email text NOT NULL,
            proof_file text,
            status text NOT NULL DEFAULT 'pending',
            reject_reason text,
            verified_by text,
            verified_at timestamptz,
            created timestamptz NOT NULL DEFAULT now(),
            modified timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("""
        CREATE TABLE govopen_application (
            id text PRIMARY KEY,
            ref_no text UNIQUE,
            user_id text NOT NULL,
            state text NOT NULL,
            version integer NOT NULL DEFAULT 1,
            package_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
            org_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
            data jsonb NOT NULL DEFAULT '{}'::jsonb,
            applicant jsonb,
            renewal_of text,
            final_approval boolean NOT NULL DEFAULT false,
            stage_started timestamptz,
            deadline date,
            submitted_at timestamptz,
            decided_at timestamptz,
            approved_at timestamptz,
            activated_at timestamptz,
            closed_at timestamptz,
            valid_from timestamptz,
            valid_until timestamptz,
            next_report_due date,
            grant_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
            created timestamptz NOT NULL DEFAULT now(),
            modified timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("CREATE INDEX govopen_application_user_idx ON govopen_application (user_id)")
    op.execute("CREATE INDEX govopen_application_state_idx ON govopen_application (state)")
    op.execute("CREATE INDEX govopen_application_pkg_idx ON govopen_application"
               " USING gin (package_ids)")
    op.execute("CREATE INDEX govopen_application_org_idx ON govopen_application"
               " USING gin (org_ids)")
    op.execute("""
        CREATE TABLE govopen_application_review (
            id serial PRIMARY KEY,
            application_id text NOT NULL
                REFERENCES govopen_application (id) ON DELETE CASCADE,
            org_id text NOT NULL,
            decision text NOT NULL DEFAULT 'pending',
            reviewer text,
            comment text,
            decided_at timestamptz,
            UNIQUE (application_id, org_id)
        )
    """)
    op.execute("""
        CREATE TABLE govopen_application_history (
            id serial PRIMARY KEY,
            application_id text NOT NULL
                REFERENCES govopen_application (id) ON DELETE CASCADE,
            action text NOT NULL,
            from_state text,
            to_state text NOT NULL,
            actor text,
            org_id text,
            comment text,
            created timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("CREATE INDEX govopen_application_history_app_idx ON"
               " govopen_application_history (application_id, id)")
    op.execute("""
        CREATE TABLE govopen_application_notice (
            id serial PRIMARY KEY,
            user_id text NOT NULL,
            application_id text,
            subject text NOT NULL,
            body text NOT NULL,
            created timestamptz NOT NULL DEFAULT now(),
            read_at timestamptz
        )
    """)
    op.execute("CREATE INDEX govopen_application_notice_user_idx ON"
               " govopen_application_notice (user_id, id)")
    op.execute("""
        CREATE TABLE govopen_application_report (
            id serial PRIMARY KEY,
            application_id text NOT NULL
                REFERENCES govopen_application (id) ON DELETE CASCADE,
            user_id text NOT NULL,
            period text,
            usage text NOT NULL,
            outputs text,
            benefits text,
            incidents text,
            no_onward_transfer boolean NOT NULL,
            destruction_confirmed boolean NOT NULL DEFAULT false,
            created timestamptz NOT NULL DEFAULT now()
        )
    """)


def downgrade():
    for name in ("govopen_application_report", "govopen_application_notice",
                 "govopen_application_history", "govopen_application_review",
                 "govopen_application", "govopen_applicant_profile"):
        op.execute(f"DROP TABLE IF EXISTS {name}")
