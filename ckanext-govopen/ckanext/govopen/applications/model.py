"""Tables of the application module (created by the alembic migrations in
``migration/govopen_applications``; never ``create_all``).

The tables live on their own ``MetaData`` and are queried through
``ckan.model.Session`` so every action runs in CKAN's one transaction.
"""
from __future__ import annotations

import datetime
import uuid

from sqlalchemy import (Boolean, Column, Date, DateTime, Integer, MetaData,
                        Table, Text)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

profile_table = Table(
    "govopen_applicant_profile", metadata,
    Column("user_id", Text, primary_key=True),
    Column("applicant_type", Text, nullable=False),
    Column("org_name", Text),
    Column("uscc", Text),
    Column("legal_rep", Text),
    Column("contact_name", Text, nullable=False),
    Column("contact_phone", Text, nullable=False),
    Column("contact_email", Text, nullable=False),
    Column("proof_file", Text),
    Column("status", Text, nullable=False),
    Column("reject_reason", Text),
    Column("verified_by", Text),
    Column("verified_at", DateTime(timezone=True)),
    Column("created", DateTime(timezone=True)),
    Column("modified", DateTime(timezone=True)),
)

application_table = Table(
    "govopen_application", metadata,
    Column("id", Text, primary_key=True),
    Column("ref_no", Text),
    Column("user_id", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("package_ids", JSONB),
    Column("org_ids", JSONB),
    Column("data", JSONB),
    Column("applicant", JSONB),
    Column("renewal_of", Text),
    Column("final_approval", Boolean),
    Column("stage_started", DateTime(timezone=True)),
    Column("deadline", Date),
    Column("submitted_at", DateTime(timezone=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("approved_at", DateTime(timezone=True)),
    Column("activated_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("valid_from", DateTime(timezone=True)),
    Column("valid_until", DateTime(timezone=True)),
    Column("next_report_due", Date),
    Column("grant_ids", JSONB),
    Column("created", DateTime(timezone=True)),
    Column("modified", DateTime(timezone=True)),
)

review_table = Table(
    "govopen_application_review", metadata,
    Column("id", Integer, primary_key=True),
    Column("application_id", Text, nullable=False),
    Column("org_id", Text, nullable=False),
    Column("decision", Text, nullable=False),
    Column("reviewer", Text),
    Column("comment", Text),
    Column("decided_at", DateTime(timezone=True)),
)

history_table = Table(
    "govopen_application_history", metadata,
    Column("id", Integer, primary_key=True),
    Column("application_id", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("from_state", Text),
    Column("to_state", Text, nullable=False),
    Column("actor", Text),
    Column("org_id", Text),
    Column("comment", Text),
    Column("created", DateTime(timezone=True)),
)

notice_table = Table(
    "govopen_application_notice", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Text, nullable=False),
    Column("application_id", Text),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("created", DateTime(timezone=True)),
    Column("read_at", DateTime(timezone=True)),
)

report_table = Table(
    "govopen_application_report", metadata,
    Column("id", Integer, primary_key=True),
    Column("application_id", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("period", Text),
    Column("usage", Text, nullable=False),
    Column("outputs", Text),
    Column("benefits", Text),
    Column("incidents", Text),
    Column("no_onward_transfer", Boolean, nullable=False),
    Column("destruction_confirmed", Boolean, nullable=False),
    Column("created", DateTime(timezone=True)),
)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


def row_dict(row) -> dict:
    out = {}
    for key, value in row._mapping.items():
        if isinstance(value, (datetime.datetime, datetime.date)):
            value = value.isoformat()
        out[key] = value
    return out
