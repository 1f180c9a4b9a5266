"""Response status: responder, non-responder and not evaluable kept apart, every cell explained."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from records.outcomes.events import rules_text
from records.outcomes.explain import components_frame, explanation_markdown, status_grid
from records.outcomes.responses import NOT_EVALUABLE
from records.outcomes.snapshot import Outcomes, build_outcomes
from tests.records.test_outcomes_data import DAY1, TODAY, Trial, built_outcomes

pytestmark = pytest.mark.req("STU-RESPONSE")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Outcomes, dict[str, int]]]:
    yield from built_outcomes(tmp_path_factory, "responses")


def _cell(o: Outcomes, subject: int, visit: str, index: str) -> tuple[str, object]:
    frame = o.responses.frame
    row = frame[(frame["subject_id"] == subject) & (frame["visit"] == visit)].iloc[0]
    return row[index], o.responses.explain(subject, int(row["visit_id"]), index)


def test_responder_when_sledai_falls_by_four_without_worsening(built):
    o, ids = built
    text, result = _cell(o, ids["A"], "V5", "SRI-4")
    assert text == "responder" and result.responder is True
    assert result.sledai_change == -6
    assert _cell(o, ids["A"], "V5", "BICLA")[0] == "responder"


def test_done_visit_without_forms_is_not_evaluable_not_a_non_responder(built):
    o, ids = built
    text, result = _cell(o, ids["A"], "V6", "SRI-4")
    assert text == NOT_EVALUABLE and result.responder is None
    assert set(result.decided_by) == {"sledai", "bilag", "pga"}
    assert "visit_sledai" in result.missing


def test_closed_window_without_the_visit_is_a_non_response_by_rule(built):
    o, ids = built
    text, result = _cell(o, ids["A"], "V7", "SRI-4")
    assert text == "non-responder" and result.responder is False
    assert result.decided_by == ("rule:missing_assessment",)


def test_withdrawal_makes_later_visits_non_responses(built):
    o, ids = built
    text, result = _cell(o, ids["B"], "V11", "SRI-4")
    assert text == "non-responder"
    assert "rule:withdrawal" in result.decided_by
    assert _cell(o, ids["B"], "V11", "BICLA")[0] == NOT_EVALUABLE  # no baseline A/B (§4.1)


def test_subject_not_dosed_has_no_response_rows(built):
    o, ids = built
    assert ids["C"] not in set(o.responses.frame["subject_id"])


def test_lldas_doris_sfi_and_kdigo_cells(built):
    o, ids = built
    text, lldas = _cell(o, ids["A"], "V5", "LLDAS")
    assert text == "not in LLDAS" and lldas.decided_by == ("prednisone",)
    assert _cell(o, ids["A"], "V5", "DORIS")[0] == "not in remission"
    assert _cell(o, ids["A"], "V5", "SFI")[0] == "no flare"
    text, kdigo = _cell(o, ids["A"], "V5", "KDIGO")
    assert text == "complete response" and kdigo.responder is True
    assert _cell(o, ids["A"], "V6", "KDIGO")[0] == NOT_EVALUABLE


def test_sri_five_to_eight_on_demand(built):
    o, ids = built
    table = o.with_sri((4, 5, 8))
    assert {"SRI-4", "SRI-5", "SRI-8"} <= set(table.frame.columns)
    row = table.frame[(table.frame["subject_id"] == ids["A"]) & (table.frame["visit"] == "V5")]
    assert row["SRI-5"].iloc[0] == "responder" and row["SRI-8"].iloc[0] == "non-responder"


def test_explanation_components(built):
    o, ids = built
    _, result = _cell(o, ids["A"], "V5", "SRI-4")
    frame = components_frame(result)
    assert list(frame.columns) == ["criterion", "status", "reason"]
    assert set(frame["status"]) == {"met"}
    assert "withdrawal rule" in set(frame["criterion"])
    text = explanation_markdown(result)
    assert text.startswith("| criterion | status | reason |")
    assert text.count("\n") == len(frame) + 1 and "| SLEDAI-2K | met |" in text


def test_a_subject_with_no_post_baseline_visit_yet(wb, actor):
    trial = Trial(wb, actor)
    subject = trial.subject("004-001")
    trial.dose(subject)
    trial.activity(trial.visit_id(subject, "V1"), present=("arthritis",))
    o = build_outcomes(wb, DAY1)
    assert o.responses.frame.empty
    assert o.measures.query("visit == 'V2'")["calendar_status"].iloc[0] == "not_yet_due"


def test_steroid_increase_and_rescue_rules_fire_naming_their_records(wb, actor):
    """spec §3.3 (b), (c) revised: a dose above the day-1 dose (0 mg) fails V5; the IV pulse
    after day 1 fails V6; each reason names the record; the absolute ceiling is off."""
    trial = Trial(wb, actor)
    subject = trial.subject("005-001")
    trial.dose(subject)
    trial.activity(trial.visit_id(subject, "V1"), present=("arthritis", "rash", "pleurisy"))
    trial.steroid(subject, 20, "2025-03-05", stop="2025-03-10")
    trial.steroid(subject, 500, "2025-03-20", frequency="ONCE", route="INTRAVENOUS", pulse=True,
                  drug="methylprednisolone", stop="2025-03-20")  # fmt: skip
    trial.activity(trial.visit(subject, "V5", 14), pga="1.00")
    trial.activity(trial.visit(subject, "V6", 28), pga="1.00")
    o = build_outcomes(wb, TODAY)
    v5 = _cell(o, subject, "V5", "SRI-4")[1]
    v6 = _cell(o, subject, "V6", "SRI-4")[1]
    assert v5.decided_by == ("rule:steroid_above_baseline",)
    assert "20 mg/day prednisone-equivalent on 2025-03-05 above the day-1 dose 0 mg/day" in (
        " ".join(v5.reasons)
    )
    assert "prednisone 20 mg QD ORAL 2025-03-05–2025-03-10" in " ".join(v5.reasons)
    assert "rule:rescue_therapy" in v6.decided_by
    assert "IV/IM corticosteroid pulse: medication" in " ".join(v6.reasons)
    assert any(line.startswith("off · steroid ceiling") for line in rules_text(wb.study))
    assert any(line.startswith("on · steroid increase") for line in rules_text(wb.study))


def test_status_grid_is_subject_by_visit(built):
    o, _ = built
    grid = status_grid(o.responses, "SRI-4").set_index("subject")
    assert list(grid.columns) == ["V5", "V6", "V7", "V8", "V9", "V10", "V11"]
    assert grid.loc["001-001", "V5"] == "responder"
    assert grid.loc["001-001", "V6"] == NOT_EVALUABLE
    assert grid.loc["001-002", "V11"] == "non-responder"
    assert "001-003" not in grid.index  # not dosed
