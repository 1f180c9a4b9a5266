"""AppTest: the worklist on Home and the next visit on the subject list (#14 items 1–2), on the
demo study; their rows checked against records, and a picked row opening its visit."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from records.outcomes.worklist import next_visits, worklist
from records.queries import list_queries
from tests.pages.conftest import demo_app

PAGES = Path(__file__).resolve().parents[2] / "app_pages"


def _worklist_table(at: AppTest) -> pd.DataFrame:
    return next(d for d in at.dataframe if d.key == "worklist_table").value


def test_site_staff_see_the_worklist_first_as_records_compute_it(demo, expected):
    at = demo_app("coordinator")
    assert at.subheader[0].value == "Worklist: today and this week"
    wanted = worklist(expected.measures, expected.data, expected.study, expected.data.today)
    assert not wanted.empty  # the demo has a subject in follow-up with a visit due
    pd.testing.assert_frame_equal(_worklist_table(at).reset_index(drop=True), wanted)


def test_a_picked_row_opens_its_visit(demo, expected):
    at = demo_app("investigator")
    table = _worklist_table(at)
    row = len(table) - 1
    at.session_state["worklist_table"] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    assert not at.exception, at.exception
    subject, visit = table.loc[row, "Subject"], table.loc[row, "Visit"]
    assert at.title[0].value.startswith(f"{subject} · {visit} ")
    assert at.session_state["visit_id"] == table.loc[row, "visit_id"]


def test_monitors_find_the_worklist_among_the_dashboard_views(demo, expected):
    at = demo_app("monitor")
    assert all(d.key != "worklist_table" for d in at.dataframe)  # the charts come first
    at.segmented_control(key="dashboard_view").set_value("Worklist").run()
    assert not at.exception, at.exception
    assert len(_worklist_table(at)) == len(
        worklist(expected.measures, expected.data, expected.study, expected.data.today)
    )


def test_the_subject_list_shows_each_next_visit(demo, expected):
    at = demo_app("coordinator")
    at.switch_page(str(PAGES / "subjects.py")).run()
    shown = next(d.value for d in at.dataframe if "Next visit" in d.value.columns)
    nexts = next_visits(expected.measures)
    assert nexts  # subjects in follow-up have one
    people = expected.data.subjects
    ids = dict(zip(people["subject"], people["subject_id"], strict=True))
    for number, text in zip(shown["Screening number"], shown["Next visit"], strict=True):
        assert text == nexts.get(int(ids[number]), "")
    assert "Early termination" in set(shown["Status"])  # decoded, not the stored code


def test_a_row_of_the_visit_forms_table_opens_that_form_once(demo, expected):
    at = demo_app("investigator")
    table = _worklist_table(at)
    _pick(at, "worklist_table", len(table) - 1)
    at.switch_page(str(PAGES / "visit.py")).run()  # where the script went (see below)
    visit_id = int(at.session_state["visit_id"])
    shown = next(d.value for d in at.dataframe if "Code" in d.value.columns)
    codes, names = shown["Code"].tolist(), shown["Form"].tolist()
    assert len(codes) > 2 and at.selectbox(key="visit_form").value == codes[0]
    _pick(at, f"visit_forms_{visit_id}", 2)
    assert at.selectbox(key="visit_form").value == codes[2]
    assert names[2] in [s.value for s in at.subheader]
    at.selectbox(key="visit_form").set_value(codes[1]).run()
    assert at.selectbox(key="visit_form").value == codes[1]  # the old pick is not re-applied


def test_a_subject_page_offers_the_choice_and_switches_subject(demo, expected):
    at = demo_app("coordinator")
    at.switch_page(str(PAGES / "medications.py")).run()
    assert not at.exception, at.exception
    switch = at.selectbox(key="subject_switch")
    numbers = expected.data.subjects["subject"].tolist()
    assert switch.options == numbers and switch.value is None  # the choice, not a dead end
    switch.set_value(numbers[1]).run()
    assert not at.exception, at.exception
    ids = dict(zip(expected.data.subjects["subject"], expected.data.subjects["subject_id"],
                   strict=True))  # fmt: skip
    assert at.session_state["subject_id"] == ids[numbers[1]]
    assert any(numbers[1] in t.value for t in at.title)
    at.switch_page(str(PAGES / "adverse_events.py")).run()  # the choice follows the user
    assert at.selectbox(key="subject_switch").value == numbers[1]
    at.selectbox(key="subject_switch").set_value(numbers[2]).run()
    assert any(numbers[2] in t.value for t in at.title)
    at.switch_page(str(PAGES / "subject.py")).run()
    assert at.title[0].value == f"Subject {numbers[2]}"


def _pick(at: AppTest, key: str, row: int) -> None:
    """Pick a row of a selectable table, as a click on its selection box does."""
    at.session_state[key] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    assert not at.exception, at.exception


def test_a_row_of_the_subject_list_opens_the_subject_and_its_calendar_the_visit(demo, expected):
    at = demo_app("coordinator")
    at.switch_page(str(PAGES / "subjects.py")).run()
    shown = next(d.value for d in at.dataframe if "Next visit" in d.value.columns)
    number = shown["Screening number"].iloc[1]
    _pick(at, "subjects_table", 1)
    assert at.title[0].value == f"Subject {number}"
    # AppTest reruns the page it was last sent to, not one the script switched to: go there.
    at.switch_page(str(PAGES / "subject.py")).run()
    calendar = next(d.value for d in at.dataframe if "Window from" in d.value.columns)
    visit = calendar["Visit"].iloc[2]
    _pick(at, "calendar_table", 2)
    assert at.title[0].value.startswith(f"{number} · {visit} ")


def test_a_row_of_the_query_list_opens_the_form_it_is_on(demo, expected):
    at = demo_app("coordinator")
    at.switch_page(str(PAGES / "review.py")).run()
    waiting = sorted(list_queries(demo, states=("open",)), key=lambda q: -q.age_days)
    assert waiting  # the demo leaves queries open for the site
    row = next(i for i, q in enumerate(waiting) if q.visit_id and q.form_code)
    q = waiting[row]
    _pick(at, "review_queries", row)
    assert at.session_state["subject_id"] == q.subject_id
    assert at.session_state["visit_id"] == q.visit_id
    assert at.selectbox(key="visit_form").value == q.form_code


def test_the_visit_page_offers_a_subject_and_visit_when_none_is_chosen(demo, expected):
    at = demo_app("coordinator")
    at.switch_page(str(PAGES / "visit.py")).run()
    assert any("Choose a visit" in i.value for i in at.info)
    number = expected.data.subjects["subject"].iloc[0]
    at.selectbox(key="pick_visit_subject").set_value(number).run()
    visits = at.selectbox(key="pick_visit_visit").options
    assert visits[0].startswith("SCR · ")
    at.selectbox(key="pick_visit_visit").set_value(visits[1]).run()
    assert not at.exception, at.exception
    assert at.title[0].value.startswith(f"{number} · {visits[1].split(' · ')[0]} ")
