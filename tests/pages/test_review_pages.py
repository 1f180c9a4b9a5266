"""Review pages (#12): query markers and threads on the visit page, queries to answer, SDV, lock."""

from __future__ import annotations

from datetime import timedelta

from records import review_status as rs
from records.adverse_events import save_adverse_event
from records.assessments import save_assessment
from records.queries import list_queries, raise_query, transition
from records.sdv import sdv_rows
from tests.pages import capture_support as fixtures
from tests.pages.capture_support import CONSENT, USERS, Subject, open_page, screen, texts

wb = fixtures.wb  # the shared database fixture

PGA = "PGA"


def _pga(wb, subject: Subject) -> None:
    save_assessment(
        wb, USERS["investigator"], visit_id=subject.visits["SCR"], form_code=PGA,
        values={"PGA": "1.3"},
    )  # fmt: skip


def _visit(subject: Subject, role: str):
    return open_page(
        role, "visit.py", subject_id=subject.id, visit_id=subject.visits["SCR"], visit_form=PGA
    )


def test_monitor_raises_on_the_form_and_the_site_sees_the_marker_and_answers(wb):
    subject = screen(wb)
    _pga(wb, subject)
    at = _visit(subject, "monitor")
    at.text_area(key="raise_text").input("PGA differs from the clinic note")
    at.button(key="raise_submit").click().run()
    assert not at.exception, at.exception
    (q,) = list_queries(wb)
    assert q.status == "open" and q.form_code == PGA
    site = _visit(subject, "coordinator")
    forms = next(d.value for d in site.dataframe if "Queries" in d.value.columns)
    assert forms.set_index("Code").loc[PGA, "Queries"] == "1 open"
    assert "PGA differs from the clinic note" in [t.value for t in site.text]
    site.selectbox(key=f"visitq_action_{q.id}").set_value("answer")
    site.text_area(key=f"visitq_text_{q.id}").input("Clinic note is right: corrected")
    site.button(key=f"visitq_save_{q.id}").click().run()
    assert list_queries(wb)[0].status == "answered"


def test_queries_to_answer_and_open_by_age(wb):
    subject = screen(wb)
    q = raise_query(wb, USERS["monitor"], "Check", visit_id=subject.visits["SCR"], form_code=PGA)
    site = open_page("coordinator", "review.py")
    assert site.header[0].value == "Queries to answer"
    assert list(site.dataframe[0].value["Query"]) == [q.id]
    transition(wb, USERS["coordinator"], q.id, "answer", "done")
    monitor = open_page("monitor", "review.py")
    assert monitor.header[0].value == "Open queries by age"
    monitor.selectbox(key=f"reviewq_action_{q.id}").set_value("close")
    monitor.button(key=f"reviewq_save_{q.id}").click().run()
    assert list_queries(wb)[0].status == "closed"


def test_monitor_verifies_a_form_from_the_sdv_list(wb):
    subject = screen(wb)
    _pga(wb, subject)
    at = open_page("monitor", "review.py")
    assert "0 of 1 forms and adverse events verified" in at.get("progress")[0].proto.text
    at.button(key="sdv_verify").click().run()
    assert [r.state for r in sdv_rows(wb)] == ["verified"]


def test_monitor_verifies_an_adverse_event_from_the_same_list(wb):
    subject = screen(wb)
    onset = (CONSENT + timedelta(days=2)).isoformat()
    save_adverse_event(wb, USERS["investigator"], subject_id=subject.id, values={
        "term": "Headache", "onset": onset, "end": onset, "severity": "MILD",
        "relationship": "NOT RELATED", "action_taken": "NOT APPLICABLE",
        "outcome": "RECOVERED/RESOLVED"})  # fmt: skip
    at = open_page("monitor", "review.py")
    assert at.selectbox(key="sdv_pick").options == ["001-001 AE log AE 1 Headache (to verify)"]
    at.button(key="sdv_verify").click().run()
    assert [(r.record, r.state) for r in sdv_rows(wb)] == [("AE 1 Headache", "verified")]


def test_frozen_visit_hides_save_buttons_and_lock_page_shows_the_checklist(wb):
    subject = screen(wb)
    from records.holds import place_hold

    place_hold(wb, USERS["data_manager"], "freeze", "interim", visit_id=subject.visits["SCR"])
    at = _visit(subject, "investigator")
    assert "This visit is frozen" in texts(at)
    assert not [b for b in at.button if str(b.key or "").endswith("__save")]
    lock = open_page("data_manager", "database_lock.py")
    assert "LIVE" in texts(lock) and "SDV complete where the study requires it" in texts(lock)
    assert lock.button(key="lock_db").disabled  # casebook not signed
    lock.text_input(key="lock_reason").input("interim analysis")
    lock.button(key="freeze_db").click().run()
    assert any(h.level == "study" for h in rs.holds(wb))


def test_a_save_into_a_frozen_form_shows_the_refusal(wb):
    from records.holds import place_hold

    subject = screen(wb)
    at = _visit(subject, "investigator")  # opened before the hold: its button is still there
    at.text_input(key="PGA__PGA").input("1.3")
    place_hold(wb, USERS["data_manager"], "freeze", "query review", visit_id=subject.visits["SCR"],
               form_code=PGA)  # fmt: skip
    at.button(key="PGA__save").click().run()
    assert not at.exception, at.exception
    assert "form PGA of this visit is frozen" in texts(at)


def test_data_manager_freezes_a_visit_and_lifts_it_with_the_password(wb):
    from records.holds import holds

    subject = screen(wb)  # the data manager's account is seeded by the fixture
    at = open_page("data_manager", "database_lock.py")
    at.selectbox(key="hold_subject").set_value("001-001").run()
    at.selectbox(key="hold_visit").set_value("SCR").run()
    at.text_input(key="hold_reason").input("query review")
    at.button(key="hold_place").click().run()
    assert not at.exception, at.exception
    (hold,) = holds(wb)
    assert (hold.level, hold.visit_id, hold.kind) == ("visit", subject.visits["SCR"], "freeze")
    at.text_input(key="lift_reason").input("review done")
    at.text_input(key="lift_pw").input("wrong password entirely")
    at.button(key="lift_hold").click().run()
    assert holds(wb) and "wrong password" in texts(at)
    at.text_input(key="lift_pw").input("seeded account pass phrase")
    at.button(key="lift_hold").click().run()
    assert not holds(wb)


def test_a_frozen_subject_has_no_save_buttons_on_its_logs(wb):
    from records.holds import place_hold

    subject = screen(wb)
    at = open_page("investigator", "adverse_events.py", subject_id=subject.id)
    assert [b for b in at.button if b.key == "AE__save"]
    place_hold(wb, USERS["data_manager"], "lock", "final", subject_id=subject.id)
    for page in ("adverse_events.py", "medications.py", "history.py"):
        at = open_page("investigator", page, subject_id=subject.id)
        assert "This subject is locked" in texts(at), page
        assert not [b for b in at.button if str(b.key or "").endswith("__save")], page


def test_a_form_level_freeze_hides_that_forms_save_button_only(wb):
    from records.holds import place_hold

    subject = screen(wb)
    scr = subject.visits["SCR"]
    place_hold(wb, USERS["data_manager"], "freeze", "PGA under review", visit_id=scr,
               form_code="PGA")  # fmt: skip
    at = open_page("investigator", "visit.py", subject_id=subject.id, visit_id=scr,
                   visit_form="PGA")  # fmt: skip
    assert "This form is frozen" in texts(at)
    assert not [b for b in at.button if b.key == "PGA__save"]
    other = open_page("investigator", "visit.py", subject_id=subject.id, visit_id=scr,
                      visit_form="VS")  # fmt: skip
    assert "This form is frozen" not in texts(other)
    assert [b for b in other.button if str(b.key or "").endswith("__save")]
