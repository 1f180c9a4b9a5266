"""Sites in the app (#16): the subject list follows the account's sites and its sidebar choice;
the administrator grants sites on the Users page. AppTest against the real entry point."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models import SYSTEM_ACTOR
from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from records.sites import member_sites, set_sites
from records.subjects import screen_subject
from study import DEFAULT_DEFINITION, load_study
from tests.pages.conftest import ENTRY, PASSWORD

pytestmark = pytest.mark.req("REQ-SEC-02")
PAGES = Path(ENTRY).parent / "app_pages"
SECOND = '\n[[sites]]\ncode = "002"\nname = "Second Site"\ntimezone = "America/New_York"\n'


@pytest.fixture
def two_sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, auth.UserRead]:
    """A two-site study with a subject at each site and accounts at one or both sites."""
    definition = tmp_path / "two_sites.toml"
    definition.write_text(DEFAULT_DEFINITION.read_text(encoding="utf-8") + SECOND)
    url = f"sqlite:///{tmp_path / 'sites.db'}"
    monkeypatch.setenv("WORKBENCH_DB_URL", url)
    monkeypatch.setenv("WORKBENCH_STUDY", str(definition))
    engine = make_engine(url)
    upgrade(engine)
    wb = Workbench(engine=engine, study=load_study(definition))
    admin = auth.create_first_admin(
        engine, {"username": "admin", "full_name": "Ada Admin", "password": PASSWORD}
    )
    boss = auth.actor_for(admin)
    made = {"admin": admin}
    for username, role, sites in (
        ("cora", "coordinator", ["001"]),
        ("mo", "monitor", ["001", "002"]),
    ):
        made[username] = auth.create_user(
            engine,
            boss,
            {
                "username": username,
                "full_name": username.title(),
                "role": role,
                "password": PASSWORD,
            },
        )
        set_sites(wb, boss, made[username].id, sites, "works there")
    for number, site in (("001-001", "001"), ("002-001", "002")):
        screen_subject(
            wb,
            SYSTEM_ACTOR,
            {
                "screening_number": number,
                "sex": "F",
                "birth_date": "1980-05-17",
                "consent_date": "2025-02-03",
                "site": site,
            },
        )
    engine.dispose()
    return made


def _as(user: auth.UserRead, page: str = "subjects.py") -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.session_state["user"] = {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
    }
    at.run()
    at.switch_page(str(PAGES / page)).run()
    assert not at.exception, at.exception
    return at


def _listed(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Screening number"])


def test_site_staff_list_only_their_site_and_get_no_choice(two_sites):
    at = _as(two_sites["cora"])
    assert _listed(at) == ["001-001"]
    assert not [s for s in at.sidebar.selectbox if s.key == "site_picker"]
    assert any("site 001" in c.value for c in at.sidebar.caption)


def test_an_account_at_two_sites_chooses_one_or_all(two_sites):
    at = _as(two_sites["mo"])
    assert _listed(at) == ["001-001", "002-001"]
    at.sidebar.selectbox(key="site_picker").select("002").run()
    assert not at.exception, at.exception
    assert _listed(at) == ["002-001"]
    at.sidebar.selectbox(key="site_picker").select("All my sites").run()
    assert _listed(at) == ["001-001", "002-001"]


def test_the_administrator_grants_sites_with_a_reason(two_sites, tmp_path):
    at = _as(two_sites["admin"], "users.py")
    at.selectbox(key="ss_user").select("cora")
    at.multiselect(key="ss_sites").select("001").select("002")
    at.text_input(key="ss_reason").input("covers the second clinic")
    form_buttons = [b for b in at.button if b.label == "Apply"]
    form_buttons[-1].click().run()
    assert not at.exception, at.exception
    engine = make_engine(f"sqlite:///{tmp_path / 'sites.db'}")
    assert member_sites(engine, two_sites["cora"].id) == ("001", "002")
    engine.dispose()


def _screened(at: AppTest) -> int:
    return int(next(m for m in at.metric if m.label == "Screened").value)


def test_the_dashboard_and_outcomes_follow_the_sites_in_view(two_sites):
    at = _as(two_sites["mo"], "home.py")
    assert _screened(at) == 2
    at.sidebar.selectbox(key="site_picker").select("002").run()
    assert not at.exception, at.exception
    assert _screened(at) == 1
    cora = _as(two_sites["cora"], "home.py")
    assert _screened(cora) == 1
    timeline = _as(two_sites["cora"], "timeline.py")
    assert timeline.selectbox(key="timeline_subject").options == ["001-001"]


def test_the_audit_trail_and_the_lock_checklist_hold_to_the_sites(two_sites):
    engine = make_engine(os.environ["WORKBENCH_DB_URL"])
    wb = Workbench(engine=engine, study=load_study(os.environ["WORKBENCH_STUDY"]))
    boss = auth.actor_for(two_sites["admin"])
    dee = auth.create_user(engine, boss, {"username": "dee", "full_name": "Dee Monitor",
                                          "role": "monitor", "password": PASSWORD})  # fmt: skip
    set_sites(wb, boss, dee.id, ["001"], "site 001 monitor")
    engine.dispose()
    audit = _as(dee, "audit.py")
    numbers = set(audit.dataframe[0].value["Subject"].dropna())
    assert numbers == {"001-001"}, numbers
    checklist = " ".join(t.value for t in _as(dee, "database_lock.py").text)
    assert "002-001" not in checklist and "001-001" in checklist
