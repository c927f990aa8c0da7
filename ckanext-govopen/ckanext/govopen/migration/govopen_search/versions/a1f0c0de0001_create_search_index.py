"""Create the PostgreSQL package search index.

Revision ID: a1f0c0de0001
Revises:
Create Date: 2026-11-22
"""
from alembic import op

revision = "a1f0c0de0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # pg_trgm is a trusted extension: the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("""
        CREATE TABLE govopen_search_index (
            index_id text PRIMARY KEY,
            id text NOT NULL,
            name text,
            site_id text NOT NULL,
            title_sort text,
            metadata_created timestamptz,
            metadata_modified timestamptz,
            fields jsonb NOT NULL,
            tok jsonb NOT NULL DEFAULT '{}'::jsonb,
            tsv tsvector NOT NULL,
            search_text text NOT NULL DEFAULT '',
            data_dict text,
            validated_data_dict text,
            indexed_at timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("CREATE INDEX govopen_search_fields_idx ON govopen_search_index"
               " USING gin (fields jsonb_path_ops)")
    op.execute("CREATE INDEX govopen_search_tsv_idx ON govopen_search_index"
               " USING gin (tsv)")
    op.execute("CREATE INDEX govopen_search_trgm_idx ON govopen_search_index"
               " USING gin (search_text gin_trgm_ops)")
    op.execute("CREATE INDEX govopen_search_modified_idx ON"
               " govopen_search_index (metadata_modified DESC, index_id)")
    op.execute("CREATE INDEX govopen_search_created_idx ON"
               " govopen_search_index (metadata_created DESC, index_id)")
    op.execute("CREATE INDEX govopen_search_id_idx ON govopen_search_index (id)")
    op.execute("CREATE INDEX govopen_search_name_idx ON govopen_search_index"
               " (name)")
    # Typed comparisons on values stored as text; bad values compare as NULL
    # instead of failing the whole query.
    op.execute("""
        CREATE OR REPLACE FUNCTION govopen_search_ts(value text) RETURNS timestamptz
        LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
        BEGIN
            RETURN value::timestamptz;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE OR REPLACE FUNCTION govopen_search_num(value text) RETURNS numeric
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
        BEGIN
            RETURN value::numeric;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$
    """)


def downgrade():
    op.execute("DROP TABLE IF EXISTS govopen_search_index")
    op.execute("DROP FUNCTION IF EXISTS govopen_search_ts(text)")
    op.execute("DROP FUNCTION IF EXISTS govopen_search_num(text)")
