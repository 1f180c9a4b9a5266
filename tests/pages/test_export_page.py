"""AppTest: the export page builds the workbook for permitted roles and refuses the others."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from demo import build_demo
from models import SYSTEM_ACTOR
from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from study import load_study

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "export.py")


@pytest.fixture
def demo_db(app_db: str) -> str:
    engine = make_engine(app_db)
    upgrade(engine)
    build_demo(Workbench(engine, load_study()), subjects=3, seed=2, today=date(2026, 1, 15))
    for role in ROLE_IDS:  # writes re-read the account, so the seeded sessions are real ones
        values = {"username": role, "full_name": f"{role} user", "role": role}
        made = auth.create_user(engine, SYSTEM_ACTOR, values | {"password": "export page phrase"})
        assert made.id == ROLE_IDS[role]
    engine.dispose()
    return app_db


ROLE_IDS = {"monitor": 1, "data_manager": 2, "investigator": 3, "coordinator": 4}


def _as(role: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["user"] = {
        "id": ROLE_IDS[role],
        "username": role,
        "full_name": f"{role} user",
        "role": role,
    }
    return at.run()


def test_monitor_builds_and_gets_a_download_named_by_protocol_and_cut(demo_db):
    at = _as("monitor")
    at.date_input(key="exp_cut").set_value(date(2026, 1, 1)).run()
    at.checkbox(key="exp_audit").check().run()
    at.button(key="exp_build").click().run()
    assert not at.exception and not at.error
    download = at.get("download_button")[0]
    assert "LK-23-01_NCT06737380_listings_cut-2026-01-01.xlsx" in download.proto.label
    sheets = at.dataframe[0].value
    assert sheets["Sheet"].iloc[0].startswith("L16.2.1")
    assert any("audit" in name.lower() for name in sheets["Sheet"])
    assert sheets["SHA-256"].str.len().eq(64).all()


@pytest.mark.req("REQ-SEC-01")
def test_coordinator_cannot_open_the_export_page(demo_db):
    at = _as("coordinator")
    assert not at.get("download_button") and not at.button
    assert any("does not give access" in e.value for e in at.error)


def test_investigator_cannot_include_the_audit_trail(demo_db):
    at = _as("investigator")
    assert at.checkbox(key="exp_audit").disabled


@pytest.mark.req("REQ-EXP-04")
def test_data_manager_builds_the_submission_package_zip(demo_db):
    import io
    import zipfile

    from sqlalchemy import text

    at = _as("data_manager")
    at.button(key="exp_sdtm_build").click().run()
    assert not at.exception and not at.error
    download = next(d for d in at.get("download_button") if "sdtm_adam" in d.proto.label)
    assert "LK-23-01_NCT06737380_sdtm_adam.zip" in download.proto.label
    package = at.session_state["exp_sdtm"]
    names = set(zipfile.ZipFile(io.BytesIO(package.content)).namelist())
    assert {"sdtm/dm.xpt", "sdtm/define.xml", "adam/adresp.xpt", "manifest.json"} <= names
    assert [w.value for w in at.warning] == [f"Conformance: {f}" for f in package.findings]
    engine = make_engine(demo_db)
    with engine.connect() as conn:
        audited = conn.scalar(text("SELECT count(*) FROM auditevent WHERE entity = 'sdtm'"))
    assert audited == 1


@pytest.mark.req("REQ-EXP-04")
def test_data_manager_builds_the_site_archive_and_investigator_is_told_why_not(demo_db):
    import io
    import json
    import zipfile

    at = _as("data_manager")
    at.button(key="archive_build").click().run()
    assert not at.exception and not at.error
    download = next(d for d in at.get("download_button") if "site-archive" in d.proto.label)
    assert "site-archive-LK-23-01.zip" in download.proto.label
    content = at.session_state["site_archive"][1]
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["subjects"] == 3 and manifest["created_by"].startswith("data_manager user")
    assert sum(f["path"].startswith("casebooks/") for f in manifest["files"]) == 3
    investigator = _as("investigator")
    assert not [b for b in investigator.button if b.key == "archive_build"]
    assert any("cannot make the archive" in c.value for c in investigator.caption)
