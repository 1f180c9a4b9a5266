"""SRI-k, BICLA, LLDAS and DORIS 2021 (spec/scoring.md §3, §4.1–4.3), boundaries first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from scoring import responders
from scoring.errors import ScoringInputError
from scoring.responders import IntercurrentEvents, NonResponseRules
from tests.scoring.bilag_cases import grades

pytestmark = pytest.mark.req("SCO-RESPONDERS")

BASE_BILAG = grades("E", renal="A", mucocutaneous="B")
IMPROVED_BILAG = grades("E", renal="B", mucocutaneous="C")


def sri_inputs(**changes: Any) -> dict[str, Any]:
    """A responder by every criterion (SLEDAI 10 → 6, BILAG improving, PGA 1.00 → 1.00)."""
    inputs: dict[str, Any] = {
        "baseline_sledai": 10,
        "visit_sledai": 6,
        "baseline_bilag": BASE_BILAG,
        "visit_bilag": IMPROVED_BILAG,
        "baseline_pga": "1.00",
        "visit_pga": "1.00",
    }
    inputs.update(changes)
    return inputs


class TestSriSledai:
    def test_drop_of_4_responds(self) -> None:
        result = responders.sri(**sri_inputs())
        assert result.responder is True
        assert result.index == "SRI-4"
        assert result.sledai_change == -4
        assert result.reasons[0] == "SRI-4: responder (all criteria met)"

    def test_drop_of_3_does_not(self) -> None:
        result = responders.sri(**sri_inputs(visit_sledai=7))
        assert result.responder is False
        assert result.decided_by == ("sledai",)
        assert "SLEDAI 10 → 7: reduction 3 < 4" in result.reasons

    @pytest.mark.parametrize(
        ("k", "visit", "expected"), [(5, 5, True), (5, 6, False), (8, 2, True), (8, 3, False)]
    )
    def test_sri_k_thresholds(self, k: int, visit: int, expected: bool) -> None:
        result = responders.sri(**sri_inputs(visit_sledai=visit), k=k)
        assert result.responder is expected
        assert result.index == f"SRI-{k}"

    def test_baseline_below_k_cannot_respond_and_says_so(self) -> None:
        result = responders.sri(**sri_inputs(baseline_sledai=3, visit_sledai=0))
        assert result.responder is False
        assert "SRI-4 unreachable" in result.components[0].reason

    @pytest.mark.parametrize("k", [3, 9, 0, True, 4.0])
    def test_k_outside_4_to_8_raises(self, k: object) -> None:
        with pytest.raises(ScoringInputError) as caught:
            responders.sri(**sri_inputs(), k=k)  # type: ignore[arg-type]
        assert caught.value.field == "k"
        assert caught.value.allowed == "4, 5, 6, 7, 8"


class TestSriBilag:
    def test_one_new_b_allowed(self) -> None:
        visit = {**IMPROVED_BILAG, "haematological": "B"}
        result = responders.sri(**sri_inputs(visit_bilag=visit))
        assert result.responder is True
        assert result.new_b == ("haematological",)

    def test_two_new_b_fail(self) -> None:
        visit = {**IMPROVED_BILAG, "haematological": "B", "constitutional": "B"}
        result = responders.sri(**sri_inputs(visit_bilag=visit))
        assert result.responder is False
        assert result.decided_by == ("bilag",)
        assert result.new_b == ("constitutional", "haematological")

    def test_new_a_fails(self) -> None:
        visit = {**IMPROVED_BILAG, "ophthalmic": "A"}
        result = responders.sri(**sri_inputs(visit_bilag=visit))
        assert (result.responder, result.new_a) == (False, ("ophthalmic",))

    def test_a_to_b_is_not_a_new_b(self) -> None:
        result = responders.sri(**sri_inputs(visit_bilag=grades("E", renal="B", mucocutaneous="B")))
        assert (result.responder, result.new_b) == (True, ())

    def test_d_to_a_is_a_new_a(self) -> None:
        baseline = {**BASE_BILAG, "musculoskeletal": "D"}
        visit = {**IMPROVED_BILAG, "musculoskeletal": "A"}
        result = responders.sri(**sri_inputs(baseline_bilag=baseline, visit_bilag=visit))
        assert (result.responder, result.new_a) == (False, ("musculoskeletal",))


class TestSriPga:
    @pytest.mark.parametrize(
        ("baseline", "visit", "expected"),
        [
            ("1.00", "1.29", True),
            ("1.00", "1.30", False),
            (1.0, 1.3, False),  # float input: exactly +0.30
            (1.0, 1.29, True),
            (Decimal("0.7"), 1, False),
            (2, "2.29", True),
        ],
    )
    def test_worsening_below_030(self, baseline: object, visit: object, expected: bool) -> None:
        result = responders.sri(**sri_inputs(baseline_pga=baseline, visit_pga=visit))
        assert result.responder is expected
        assert result.pga_change is not None
        if not expected:
            assert result.decided_by == ("pga",)
            assert result.pga_change == Decimal("0.30")

    def test_pga_35_raises_naming_field(self) -> None:
        with pytest.raises(ScoringInputError, match=r"^visit_pga: 3.5"):
            responders.sri(**sri_inputs(visit_pga=3.5))


class TestSriMissing:
    def test_missing_input_is_not_evaluable_and_named(self) -> None:
        result = responders.sri(**sri_inputs(visit_pga=None))
        assert result.responder is None
        assert result.decided_by == ("pga",)
        assert result.missing == ("visit_pga",)
        assert result.pga_change is None
        assert result.reasons[0] == "SRI-4: not evaluable (PGA)"

    def test_missing_everything(self) -> None:
        result = responders.sri(
            baseline_sledai=None,
            visit_sledai=None,
            baseline_bilag=None,
            visit_bilag=None,
            baseline_pga=None,
            visit_pga=None,
        )
        assert result.responder is None
        assert result.missing == (
            "baseline_sledai",
            "visit_sledai",
            "baseline_bilag",
            "visit_bilag",
            "baseline_pga",
            "visit_pga",
        )
        assert result.sledai_change is None

    def test_incomplete_bilag_names_missing_domains(self) -> None:
        visit = {k: v for k, v in IMPROVED_BILAG.items() if k != "renal"}
        result = responders.sri(**sri_inputs(visit_bilag=visit))
        assert result.responder is None
        assert result.missing == ("visit_bilag (renal)",)

    def test_a_failure_decides_even_with_missing_inputs(self) -> None:
        result = responders.sri(**sri_inputs(visit_sledai=9, visit_pga=None))
        assert result.responder is False
        assert result.decided_by == ("sledai",)
        assert result.missing == ("visit_pga",)

    def test_invalid_values_raise_even_when_others_missing(self) -> None:
        with pytest.raises(ScoringInputError, match=r"^baseline_sledai"):
            responders.sri(**sri_inputs(baseline_sledai=-1, visit_sledai=None))
        with pytest.raises(ScoringInputError, match=r"^baseline_bilag\['renal'\]"):
            responders.sri(**sri_inputs(baseline_bilag={"renal": "F"}, visit_bilag=None))


class TestNonResponseRules:
    @pytest.mark.parametrize(
        ("events", "rule"),
        [
            (IntercurrentEvents(assessment_missing=True), "rule:missing_assessment"),
            (IntercurrentEvents(rescue_therapy=True), "rule:rescue_therapy"),
            (IntercurrentEvents(steroid_above_baseline=True), "rule:steroid_above_baseline"),
            (IntercurrentEvents(withdrawn_or_died=True), "rule:withdrawal"),
        ],
    )
    def test_each_rule_makes_a_non_responder_and_is_named(
        self, events: IntercurrentEvents, rule: str
    ) -> None:
        result = responders.sri(**sri_inputs(), events=events)
        assert result.responder is False
        assert result.decided_by == (rule,)

    def test_the_absolute_ceiling_is_off_by_default(self) -> None:
        """spec §3.3 (c), revised: the fixed ceiling is an option, off unless the study sets it."""
        events = IntercurrentEvents(days_above_steroid_ceiling=20)
        assert responders.sri(**sri_inputs(), events=events).responder is True
        rules = NonResponseRules(steroid_ceiling=True)
        result = responders.sri(**sri_inputs(), events=events, rules=rules)
        assert result.decided_by == ("rule:steroid_ceiling",)

    def test_the_reason_names_the_record_that_fired_the_rule(self) -> None:
        record = "medication 7: cyclophosphamide 500 mg from 2025-03-01"
        events = IntercurrentEvents(rescue_therapy=True, records=(("rescue_therapy", record),))
        result = responders.sri(**sri_inputs(), events=events)
        fired = next(c for c in result.components if c.name == "rule:rescue_therapy")
        assert fired.met is False and record in fired.reason

    def test_withdrawal_makes_lldas_and_doris_not_attained_with_the_reason(self) -> None:
        """spec §3.3 (d): after withdrawal LLDAS and DORIS are "not attained", never "not
        evaluable", even with every input missing."""
        events = IntercurrentEvents(withdrawn_or_died=True, records=(("withdrawal", "died"),))
        lldas = responders.lldas(
            descriptors=None, previous_descriptors=None, pga=None, prednisone_mg=None,
            gi_or_haemolysis=None, events=events,
        )  # fmt: skip
        doris = responders.doris(descriptors=None, pga=None, prednisone_mg=None, events=events)
        for result in (lldas, doris):
            assert result.responder is False
            assert result.decided_by == ("rule:withdrawal",)
            assert "died" in " ".join(result.reasons)

    def test_rule_decides_when_the_assessment_is_missing(self) -> None:
        result = responders.sri(
            **sri_inputs(visit_sledai=None, visit_bilag=None, visit_pga=None),
            events=IntercurrentEvents(assessment_missing=True),
        )
        assert result.responder is False
        assert result.decided_by == ("rule:missing_assessment",)

    def test_disabled_rule_is_ignored(self) -> None:
        rules = NonResponseRules(rescue_therapy=False)
        result = responders.sri(
            **sri_inputs(), events=IntercurrentEvents(rescue_therapy=True), rules=rules
        )
        assert result.responder is True
        assert "rule:rescue_therapy" not in [c.name for c in result.components]

    def test_steroid_rule_counts_days(self) -> None:
        rules = NonResponseRules(steroid_ceiling=True, steroid_ceiling_days=7)
        six = responders.sri(
            **sri_inputs(), events=IntercurrentEvents(days_above_steroid_ceiling=6), rules=rules
        )
        seven = responders.sri(
            **sri_inputs(), events=IntercurrentEvents(days_above_steroid_ceiling=7), rules=rules
        )
        assert (six.responder, seven.responder) == (True, False)

    def test_several_rules_all_named(self) -> None:
        events = IntercurrentEvents(rescue_therapy=True, withdrawn_or_died=True)
        result = responders.sri(**sri_inputs(visit_sledai=9), events=events)
        assert result.decided_by == ("sledai", "rule:rescue_therapy", "rule:withdrawal")

    @pytest.mark.parametrize("days", [-1, 1.5, True])
    def test_bad_event_days_raise(self, days: object) -> None:
        with pytest.raises(ScoringInputError, match=r"^days_above_steroid_ceiling"):
            IntercurrentEvents(days_above_steroid_ceiling=days)  # type: ignore[arg-type]

    @pytest.mark.parametrize("days", [0, -1, False])
    def test_bad_rule_days_raise(self, days: object) -> None:
        with pytest.raises(ScoringInputError, match=r"^steroid_ceiling_days"):
            NonResponseRules(steroid_ceiling_days=days)  # type: ignore[arg-type]


def bicla_inputs(**changes: Any) -> dict[str, Any]:
    """A BICLA responder: renal A → B, mucocutaneous B → C, SLEDAI 10 → 10, PGA 1 → 1.29."""
    inputs: dict[str, Any] = {
        "baseline_bilag": BASE_BILAG,
        "visit_bilag": IMPROVED_BILAG,
        "baseline_sledai": 10,
        "visit_sledai": 10,
        "baseline_pga": "1",
        "visit_pga": "1.29",
    }
    inputs.update(changes)
    return inputs


class TestBicla:
    def test_responder(self) -> None:
        result = responders.bicla(**bicla_inputs())
        assert result.responder is True
        assert result.index == "BICLA"
        assert "baseline A/B domains: mucocutaneous, renal" in result.reasons

    def test_no_baseline_a_or_b_is_not_evaluable(self) -> None:
        result = responders.bicla(
            **bicla_inputs(baseline_bilag=grades("C"), visit_bilag=grades("C"))
        )
        assert result.responder is None
        assert result.decided_by == ("bilag_baseline",)
        assert result.reasons[0] == "BICLA: not evaluable (no baseline BILAG A or B domain)"

    def test_no_baseline_a_or_b_stays_not_evaluable_even_if_others_fail(self) -> None:
        result = responders.bicla(
            **bicla_inputs(baseline_bilag=grades("D"), visit_bilag=grades("D"), visit_sledai=14)
        )
        assert result.responder is None

    @pytest.mark.parametrize(
        ("renal", "mucocutaneous", "expected"),
        [
            ("B", "C", True),
            ("C", "D", True),
            ("A", "C", False),  # baseline A not improved
            ("B", "B", False),  # baseline B not improved
            ("D", "D", True),
        ],
    )
    def test_every_baseline_a_b_domain_must_improve(
        self, renal: str, mucocutaneous: str, expected: bool
    ) -> None:
        visit = grades("E", renal=renal, mucocutaneous=mucocutaneous)
        result = responders.bicla(**bicla_inputs(visit_bilag=visit))
        assert result.responder is expected
        if not expected:
            assert result.decided_by == ("bilag_improvement",)

    def test_new_a_elsewhere_fails(self) -> None:
        visit = {**IMPROVED_BILAG, "constitutional": "A"}
        result = responders.bicla(**bicla_inputs(visit_bilag=visit))
        assert result.decided_by == ("bilag",)
        assert result.new_a == ("constitutional",)

    @pytest.mark.parametrize(("visit", "expected"), [(10, True), (11, False), (0, True)])
    def test_sledai_must_not_worsen(self, visit: int, expected: bool) -> None:
        assert responders.bicla(**bicla_inputs(visit_sledai=visit)).responder is expected

    def test_pga_030_fails(self) -> None:
        result = responders.bicla(**bicla_inputs(visit_pga=1.3))
        assert (result.responder, result.decided_by) == (False, ("pga",))

    def test_treatment_failure(self) -> None:
        result = responders.bicla(**bicla_inputs(), events=IntercurrentEvents(rescue_therapy=True))
        assert (result.responder, result.decided_by) == (False, ("rule:rescue_therapy",))

    def test_missing_baseline_bilag_not_evaluable(self) -> None:
        result = responders.bicla(**bicla_inputs(baseline_bilag=None))
        assert result.responder is None
        assert "baseline_bilag" in result.missing
        assert result.decided_by == ("bilag_baseline", "bilag_improvement", "bilag")

    def test_partial_baseline_without_a_b_is_unknown_not_final(self) -> None:
        baseline = {"renal": "C"}
        result = responders.bicla(**bicla_inputs(baseline_bilag=baseline))
        assert result.responder is None
        assert result.components[0].met is None

    def test_partial_baseline_with_a_can_still_fail(self) -> None:
        result = responders.bicla(**bicla_inputs(baseline_bilag={"renal": "A"}, visit_sledai=12))
        assert result.responder is False
        assert result.decided_by == ("sledai",)

    def test_visit_missing_an_active_domain(self) -> None:
        visit = {k: v for k, v in IMPROVED_BILAG.items() if k != "renal"}
        result = responders.bicla(**bicla_inputs(visit_bilag=visit))
        assert result.responder is None
        assert result.missing == ("visit_bilag (renal)",)

    def test_missing_sledai(self) -> None:
        result = responders.bicla(**bicla_inputs(visit_sledai=None))
        assert (result.responder, result.missing) == (None, ("visit_sledai",))


def lldas_inputs(**changes: Any) -> dict[str, Any]:
    """In LLDAS: SLEDAI 4 from serology only (low complement 2 + anti-dsDNA 2), nothing new."""
    inputs: dict[str, Any] = {
        "descriptors": ["low_complement", "increased_dna_binding"],
        "previous_descriptors": ["low_complement", "increased_dna_binding", "arthritis"],
        "pga": "1.00",
        "prednisone_mg": 7.5,
        "gi_or_haemolysis": False,
    }
    inputs.update(changes)
    return inputs


class TestLldas:
    def test_serology_only_at_4_is_lldas(self) -> None:
        result = responders.lldas(**lldas_inputs())
        assert result.responder is True
        assert result.reasons[0] == "LLDAS: in LLDAS (all criteria met)"

    @pytest.mark.parametrize(
        ("dose", "expected"),
        [
            (7.5, True),
            ("7.5", True),
            (Decimal("7.50"), True),
            (7.6, False),
            (7.51, False),
            (0, True),
        ],
    )
    def test_prednisone_75_vs_76(self, dose: object, expected: bool) -> None:
        result = responders.lldas(**lldas_inputs(prednisone_mg=dose))
        assert result.responder is expected
        if not expected:
            assert result.decided_by == ("prednisone",)

    @pytest.mark.parametrize(("value", "expected"), [("1.00", True), ("1.01", False), (0, True)])
    def test_pga_at_most_1(self, value: object, expected: bool) -> None:
        assert responders.lldas(**lldas_inputs(pga=value)).responder is expected

    def test_sledai_5_fails(self) -> None:
        present = ["low_complement", "increased_dna_binding", "fever"]
        result = responders.lldas(**lldas_inputs(descriptors=present, previous_descriptors=present))
        assert result.responder is False
        assert result.decided_by == ("sledai",)

    @pytest.mark.parametrize("major", ["pleurisy", "fever", "hematuria", "vasculitis", "cva"])
    def test_major_organ_activity_fails_even_at_low_total(self, major: str) -> None:
        result = responders.lldas(**lldas_inputs(descriptors=[major], previous_descriptors=[major]))
        assert result.responder is False
        assert result.decided_by == ("sledai",)

    @pytest.mark.parametrize("minor", ["arthritis", "rash", "alopecia", "leukopenia"])
    def test_minor_activity_within_4_allowed(self, minor: str) -> None:
        result = responders.lldas(**lldas_inputs(descriptors=[minor], previous_descriptors=[minor]))
        assert result.responder is True

    def test_new_feature_fails(self) -> None:
        result = responders.lldas(**lldas_inputs(descriptors=["rash"], previous_descriptors=[]))
        assert result.decided_by == ("new_features",)
        assert "new since previous assessment: rash" in result.reasons

    def test_new_bilag_activity_fails(self) -> None:
        result = responders.lldas(**lldas_inputs(new_bilag_activity=True))
        assert result.decided_by == ("new_features",)

    def test_gi_or_haemolysis_fails(self) -> None:
        result = responders.lldas(**lldas_inputs(gi_or_haemolysis=True))
        assert result.decided_by == ("gi_haemolysis",)

    def test_disallowed_therapy_fails(self) -> None:
        result = responders.lldas(**lldas_inputs(disallowed_therapy=True))
        assert result.decided_by == ("therapy",)

    @pytest.mark.parametrize(
        ("field", "component"),
        [
            ("descriptors", "sledai"),
            ("previous_descriptors", "new_features"),
            ("pga", "pga"),
            ("prednisone_mg", "prednisone"),
            ("gi_or_haemolysis", "gi_haemolysis"),
            ("disallowed_therapy", "therapy"),
        ],
    )
    def test_missing_input_not_evaluable(self, field: str, component: str) -> None:
        result = responders.lldas(**lldas_inputs(**{field: None}))
        assert result.responder is None
        assert result.missing == (field,)
        assert component in result.decided_by

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("descriptors", ["rash", "hives"]),
            ("pga", "3.5"),
            ("prednisone_mg", -1),
            ("gi_or_haemolysis", "no"),
            ("new_bilag_activity", 1),
        ],
    )
    def test_bad_input_names_field(self, field: str, value: object) -> None:
        with pytest.raises(ScoringInputError, match=f"^{field}"):
            responders.lldas(**lldas_inputs(**{field: value}))


def doris_inputs(**changes: Any) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "descriptors": ["low_complement", "increased_dna_binding"],
        "pga": "0.49",
        "prednisone_mg": 5,
    }
    inputs.update(changes)
    return inputs


class TestDoris:
    def test_serology_ignored(self) -> None:
        result = responders.doris(**doris_inputs())
        assert result.responder is True
        assert result.reasons[0] == "DORIS 2021: remission (all criteria met)"

    @pytest.mark.parametrize(
        ("value", "expected"), [("0.49", True), ("0.5", False), (0.5, False), (0, True)]
    )
    def test_pga_strictly_below_05(self, value: object, expected: bool) -> None:
        result = responders.doris(**doris_inputs(pga=value))
        assert result.responder is expected
        if not expected:
            assert "PGA 0.50 ≥ 0.50" in result.reasons

    @pytest.mark.parametrize(
        ("dose", "expected"), [(5, True), ("5.0", True), (5.01, False), (2.5, True)]
    )
    def test_prednisone_at_most_5(self, dose: object, expected: bool) -> None:
        assert responders.doris(**doris_inputs(prednisone_mg=dose)).responder is expected

    def test_any_clinical_descriptor_fails(self) -> None:
        result = responders.doris(**doris_inputs(descriptors=["leukopenia", "low_complement"]))
        assert result.responder is False
        assert result.decided_by == ("clinical_sledai",)
        assert "clinical SLEDAI 1 (leukopenia)" in result.reasons

    def test_unstable_therapy_fails(self) -> None:
        result = responders.doris(**doris_inputs(disallowed_therapy=True))
        assert result.decided_by == ("therapy",)

    def test_missing_descriptors_not_evaluable(self) -> None:
        result = responders.doris(**doris_inputs(descriptors=None))
        assert (result.responder, result.missing) == (None, ("descriptors",))

    def test_missing_pga_and_dose(self) -> None:
        result = responders.doris(**doris_inputs(pga=None, prednisone_mg=None))
        assert result.missing == ("pga", "prednisone_mg")
        assert result.decided_by == ("pga", "prednisone")
