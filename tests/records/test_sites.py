"""Sites as a scope (#16): a study with two sites, accounts at one or both, per-site numbers.

Site staff see and change only their sites' subjects, checked in records (writes below the use
cases, reads through the scoped workbench), whatever page or command asks.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from models import AuditEvent, Visit
from records import auth
from records.context import Workbench
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.queries import list_queries, raise_query
from records.sites import (
    member_sites,
    next_screening_number,
    require_every_site,
    scoped,
    set_sites,
    site_codes,
    subject_ids_in,
    sync_sites,
    with_site,
)
from records.subjects import counts_by_status, get_subject, screen_subject, subject_frame
from records.visits import record_visit_date
from study import DEFAULT_DEFINITION, StudyDefinitionError, load_study
from tests.records.conftest import CONSENT, SCREENING, TODAY

PASSWORD = "a long enough password"
SECOND = '\n[[sites]]\ncode = "002"\nname = "Second Site"\ntimezone = "{zone}"\n'

pytestmark = pytest.mark.req("REQ-SEC-02")


def _definition(tmp_path: Path, zone: str = "America/New_York", code: str = "002") -> Path:
    path = tmp_path / "two_sites.toml"
    text = DEFAULT_DEFINITION.read_text(encoding="utf-8")
    path.write_text(text + SECOND.format(zone=zone).replace('"002"', f'"{code}"'))
    return path


@pytest.fixture
def two(wb: Workbench, tmp_path: Path) -> Workbench:
    return replace(wb, study=load_study(_definition(tmp_path)))


@pytest.fixture
def admin(two: Workbench):
    return auth.actor_for(
        auth.create_first_admin(
            two.engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
        )
    )


def _account(wb: Workbench, admin, username: str, role: str, sites: list[str]):
    user = auth.create_user(wb.engine, admin, {"username": username, "full_name": username.title(),
                                              "role": role, "password": PASSWORD})  # fmt: skip
    set_sites(wb, admin, user.id, sites, "works there")
    return auth.actor_for(user)


def _screen(wb: Workbench, actor, number: str, site: str | None = None) -> int:
    values = {"screening_number": number, "sex": "F", "birth_date": "1980-05-17",
              "consent_date": CONSENT, "site": site}  # fmt: skip
    return screen_subject(wb, actor, values, today=TODAY).id


def test_a_definition_lists_its_sites_and_keeps_one_clock(tmp_path):
    study = load_study(_definition(tmp_path))
    assert [s.code for s in study.sites] == ["001", "002"] and study.site.code == "001"
    with pytest.raises(StudyDefinitionError, match="share its clock"):
        load_study(_definition(tmp_path, zone="Europe/Paris"))
    with pytest.raises(StudyDefinitionError, match="sites"):
        load_study(_definition(tmp_path, code="001"))


def test_growing_to_a_second_site_makes_implicit_access_explicit(wb, tmp_path):
    first = {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    admin = auth.actor_for(auth.create_first_admin(wb.engine, first))
    values = {"username": "ivy", "full_name": "Ivy", "role": "investigator", "password": PASSWORD}
    ivy = auth.create_user(wb.engine, admin, values)
    sync_sites(wb)  # the one-site study: Ivy works at its site without a membership
    assert member_sites(wb.engine, ivy.id) == ("001",)
    grown = replace(wb, study=load_study(_definition(tmp_path)))
    assert set(sync_sites(grown)) == {"001", "002"}
    assert member_sites(wb.engine, ivy.id) == ("001",)  # explicit now, not widened
    with wb.engine.connect() as conn:
        granted = conn.execute(
            select(AuditEvent.record_id, AuditEvent.new_value).where(
                AuditEvent.action == "site_access"
            )
        ).all()
    assert (ivy.id, "001") in granted


def test_site_staff_see_and_change_only_their_sites_subjects(two, admin):
    at_001 = _account(two, admin, "cora", "coordinator", ["001"])
    at_002 = _account(two, admin, "ivo", "investigator", ["002"])
    mine = _screen(two, at_001, "001-001")
    theirs = _screen(two, at_002, "002-001")
    view = scoped(two, at_001)
    assert list(subject_frame(view)["screening_number"]) == ["001-001"]
    assert sum(counts_by_status(view).values()) == 1
    assert get_subject(view, mine).screening_number == "001-001"
    with pytest.raises(NotFound):
        get_subject(view, theirs)
    with two.engine.connect() as conn:
        visit = conn.scalar(
            select(Visit.id).where(Visit.subject_id == theirs, Visit.visit_code == "SCR")
        )
    with pytest.raises(PermissionDenied, match="does not work at site 002"):
        record_visit_date(two, at_001, visit, SCREENING, today=TODAY)  # any use case, refused
    with pytest.raises(PermissionDenied, match="site 002"):
        _screen(two, at_001, "002-002", site="002")
    assert site_codes(view) == ["001"]
    with pytest.raises(NotFound):
        with_site(view, "002")


def test_a_monitor_sees_the_sites_assigned_and_loses_them_at_once(two, admin):
    at_001 = _account(two, admin, "cora", "coordinator", ["001"])
    at_002 = _account(two, admin, "ivo", "investigator", ["002"])
    _screen(two, at_001, "001-001")
    _screen(two, at_002, "002-001")
    mo = _account(two, admin, "mo", "monitor", ["001", "002"])
    assert len(subject_frame(scoped(two, mo))) == 2
    assert list(subject_frame(with_site(scoped(two, mo), "002"))["screening_number"]) == ["002-001"]
    set_sites(two, admin, mo.user_id, ["002"], "reassigned")
    assert list(subject_frame(scoped(two, mo))["screening_number"]) == ["002-001"]
    set_sites(two, admin, at_001.user_id, [], "left the site")
    assert len(subject_frame(scoped(two, at_001))) == 0  # no membership, several sites: none


def test_numbers_are_per_site_and_start_with_the_site_code(two, admin):
    both = _account(two, admin, "ivy", "investigator", ["001", "002"])
    assert next_screening_number(two, "002") == "002-001"
    _screen(two, both, "002-001", site="002")
    assert next_screening_number(two, "002") == "002-002"
    assert next_screening_number(two, "001") == "001-001"
    with pytest.raises(ValidationFailed) as err:
        _screen(two, both, "001-007", site="002")
    assert "must start with the site code: 002-" in err.value.errors["screening_number"]
    with pytest.raises(ValidationFailed) as err:
        _screen(two, both, "001-007")  # works at two sites: must say which
    assert "choose the site" in err.value.errors["site"]


def test_memberships_are_for_administrators_and_audited_with_the_reason(two, admin):
    cora = _account(two, admin, "cora", "coordinator", ["001"])
    with pytest.raises(PermissionDenied):
        set_sites(two, cora, cora.user_id, ["001", "002"], "promote myself")
    with pytest.raises(ValidationFailed) as err:
        set_sites(two, admin, cora.user_id, ["009"], "typo")
    assert "unknown site" in err.value.errors["sites"]
    with pytest.raises(ValidationFailed) as err:
        set_sites(two, admin, admin.user_id, ["001", "002"], "I need it")
    assert "another administrator" in err.value.errors["sites"]
    set_sites(two, admin, cora.user_id, ["001", "002"], "covers both clinics")
    with two.engine.connect() as conn:
        row = conn.execute(
            select(AuditEvent.old_value, AuditEvent.new_value, AuditEvent.reason)
            .where(AuditEvent.action == "site_access", AuditEvent.record_id == cora.user_id)
            .order_by(AuditEvent.id.desc())
        ).first()
    assert tuple(row) == ("001", "001,002", "covers both clinics")


def test_reviews_and_outputs_hold_to_the_sites(two, admin):
    at_001 = _account(two, admin, "cora", "coordinator", ["001"])
    at_002 = _account(two, admin, "ivo", "investigator", ["002"])
    mine = _screen(two, at_001, "001-001")
    theirs = _screen(two, at_002, "002-001")
    mo = _account(two, admin, "mo", "monitor", ["001"])
    dm = _account(two, admin, "dan", "data_manager", ["001", "002"])
    raise_query(two, dm, "Check the consent date", entity="subject", record_id=theirs)
    raise_query(two, dm, "Check the sex", entity="subject", record_id=mine)
    with pytest.raises(PermissionDenied, match="site 002"):
        raise_query(two, mo, "Not my site", entity="subject", record_id=theirs)
    assert [q.screening_number for q in list_queries(scoped(two, mo))] == ["001-001"]
    assert len(list_queries(scoped(two, dm))) == 2
    assert subject_ids_in(scoped(two, at_001), None) == (mine,)
    with pytest.raises(NotFound, match="not at your sites"):
        subject_ids_in(scoped(two, at_001), (theirs,))
    with pytest.raises(PermissionDenied, match="whole study"):
        require_every_site(scoped(two, mo), "an SDTM/ADaM package")
    require_every_site(scoped(two, dm), "an SDTM/ADaM package")  # at every site: allowed


def test_a_study_wide_lock_needs_an_account_at_every_site(two, admin):
    from records.holds import place_hold

    cora = _account(two, admin, "cora", "coordinator", ["001"])
    mine = _screen(two, cora, "001-001")
    dm_001 = _account(two, admin, "dee", "data_manager", ["001"])
    dm_all = _account(two, admin, "dan", "data_manager", ["001", "002"])
    with pytest.raises(PermissionDenied, match="every site"):
        place_hold(two, dm_001, "freeze", "interim analysis")
    assert place_hold(two, dm_001, "freeze", "query storm", subject_id=mine).level == "subject"
    assert place_hold(two, dm_all, "lock", "database lock").level == "study"
