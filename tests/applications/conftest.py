"""Fixtures of the application suite."""
from __future__ import annotations

import datetime
import io

import pytest
from werkzeug.datastructures import FileStorage

from ckan.tests import helpers

from . import world as world_mod


def ctx(user) -> dict:
    return {"user": user["name"], "ignore_auth": False}


def act(name, user, **kw):
    return helpers.call_action(name, ctx(user), **kw)


def pdf(name="承诺书.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(b"%PDF-1.4 signed"), filename=name)


def profile(user, **kw):
    data = dict(applicant_type="enterprise", org_name="榕溪数智科技有限公司",
                uscc=world_mod.ENTERPRISE_USCC, legal_rep="陈立",
                contact_name="王经办", contact_phone="13800138000",
                contact_email="wang@example.com", proof_upload=pdf("营业执照.pdf"))
    data.update(kw)
    return act("govopen_applicant_profile_update", user, **data)


def app_form(pkg, **kw) -> dict:
    today = datetime.date.today()
    data = dict(package_ids=[pkg["id"]], resource_ids=[pkg["resources"][0]["id"]],
                data_items=["visit_id", "visit_count"], access_modes=["download", "api"],
                purpose_category="commercial", scenario_name="门诊资源调度",
                scenario_description="根据门诊量优化医疗资源配置的分析系统。",
                expected_outputs="分析报告", system_name="智慧医疗调度平台 V1",
                period_start=today.isoformat(),
                period_end=(today + datetime.timedelta(days=180)).isoformat(),
                security_measures="数据加密存储、访问控制、操作日志，系统等保二级",
                storage_location="榕溪市政务云", third_party_provision=False,
                accept_agreement=True, accept_reports=True, accept_citation=True,
                commitment_upload=pdf())
    data.update(kw)
    return data


@pytest.fixture
def world(clean_db):
    return world_mod.build()


@pytest.fixture
def verified(world):
    """The applicant with a verified enterprise profile."""
    profile(world["users"]["applicant"])
    act("govopen_applicant_verify", world["users"]["operator"],
        user_id=world["users"]["applicant"]["id"], verified=True)
    return world
