"""BILAG-2004: catalogue, numeric score, overall grade, new A/B, change, warnings (spec §2)."""

from __future__ import annotations

from collections import Counter

import pytest

from scoring import bilag
from scoring.bilag_items import ITEMS_BY_DOMAIN
from scoring.errors import ScoringInputError
from tests.scoring.bilag_cases import DOMAINS, grades

pytestmark = pytest.mark.req("SCO-BILAG")


class TestCatalogue:
    def test_97_items_numbered_and_coded(self) -> None:
        items = bilag.INSTRUMENT.items
        assert bilag.INSTRUMENT.code == "BILAG2004"
        assert len(items) == 97
        assert [it.number for it in items] == list(range(1, 98))
        assert items[0].code == "BILAG01"
        assert items[96].code == "BILAG97"
        assert all(len(it.code) <= 8 for it in items)

    def test_domain_counts_per_spec(self) -> None:
        counts = Counter(it.group for it in bilag.INSTRUMENT.items)
        assert counts == {
            "constitutional": 4,
            "mucocutaneous": 14,
            "neuropsychiatric": 20,
            "musculoskeletal": 5,
            "cardiorespiratory": 12,
            "gastrointestinal": 9,
            "ophthalmic": 13,
            "renal": 12,
            "haematological": 8,
        }
        assert bilag.INSTRUMENT.groups == DOMAINS

    @pytest.mark.parametrize(
        ("number", "label", "domain"),
        [
            (1, "Pyrexia – documented >37.5 °C", "constitutional"),
            (5, "Skin eruption – severe", "mucocutaneous"),
            (18, "Splinter haemorrhages", "mucocutaneous"),
            (19, "Aseptic meningitis", "neuropsychiatric"),
            (38, "Headache from IC (intracranial) hypertension", "neuropsychiatric"),
            (39, "Myositis – severe", "musculoskeletal"),
            (43, "Arthritis (mild)/arthralgia/myalgia", "musculoskeletal"),
            (44, "Myocarditis – mild", "cardiorespiratory"),
            (55, "Coronary vasculitis", "cardiorespiratory"),
            (56, "Lupus peritonitis", "gastrointestinal"),
            (64, "Acute lupus pancreatitis", "gastrointestinal"),
            (65, "Orbital inflammation/myositis/proptosis", "ophthalmic"),
            (77, "Anterior ischaemic optic neuropathy", "ophthalmic"),
            (78, "Systolic BP", "renal"),
            (89, "Active nephritis", "renal"),
            (90, "Haemoglobin", "haematological"),
            (97, "Coombs' test positive (isolated)", "haematological"),
        ],
    )
    def test_numbering_matches_the_2009_form(self, number: int, label: str, domain: str) -> None:
        item = bilag.INSTRUMENT.item(f"BILAG{number:02d}")
        assert (item.number, item.label, item.group) == (number, label, domain)

    def test_clinical_items_use_the_nd_0_to_4_scale(self) -> None:
        for item in bilag.INSTRUMENT.items[:77]:
            assert item.value_type == "ordinal"
            assert [o.code for o in item.options] == ["ND", "0", "1", "2", "3", "4"]
        assert [o.label for o in bilag.INSTRUMENT.items[0].options] == [
            "Not done",
            "Not present",
            "Improving",
            "Same",
            "Worse",
            "New",
        ]

    @pytest.mark.parametrize(
        ("number", "value_type", "unit"),
        [
            (78, "number", "mmHg"),
            (79, "number", "mmHg"),
            (80, "yes_no", None),
            (81, "choice", None),
            (82, "number", "mg/mmol"),
            (83, "number", "mg/mmol"),
            (84, "number", "g/24h"),
            (85, "yes_no", None),
            (86, "number", "umol/L"),
            (87, "number", "mL/min/1.73m2"),
            (88, "yes_no", None),
            (89, "yes_no", None),
            (90, "number", "g/dL"),
            (91, "number", "10^9/L"),
            (94, "number", "10^9/L"),
            (95, "yes_no", None),
            (96, "yes_no", None),
            (97, "yes_no", None),
        ],
    )
    def test_measured_items(self, number: int, value_type: str, unit: str | None) -> None:
        item = bilag.INSTRUMENT.item(f"BILAG{number}")
        assert (item.value_type, item.unit) == (value_type, unit)

    def test_dipstick_coding(self) -> None:
        options = bilag.INSTRUMENT.item("BILAG81").options
        assert [(o.code, o.label) for o in options][1:] == [("1", "+"), ("2", "++"), ("3", "+++")]

    def test_activity_flags_for_items_78_to_97(self) -> None:
        codes = [it.code for it in bilag.ACTIVITY_FLAG_ITEMS]
        assert codes == [f"BILAG{n}S" for n in range(78, 98)]
        assert all(it.value_type == "yes_no" for it in bilag.ACTIVITY_FLAG_ITEMS)

    def test_grade_items(self) -> None:
        assert [it.group for it in bilag.GRADE_ITEMS] == list(DOMAINS)
        renal = bilag.GRADE_ITEMS[7]
        assert renal.code == "BILAGREN"
        assert [(o.code, o.score) for o in renal.options] == [
            ("A", 12),
            ("B", 8),
            ("C", 1),
            ("D", 0),
            ("E", 0),
        ]

    def test_codes_unique_across_the_form(self) -> None:
        everything = [*bilag.INSTRUMENT.items, *bilag.ACTIVITY_FLAG_ITEMS, *bilag.GRADE_ITEMS]
        codes = [it.code for it in everything]
        assert len(codes) == len(set(codes)) == 97 + 20 + 9


class TestNumericScore:
    def test_all_e_is_zero(self) -> None:
        assert bilag.numeric_score(grades("E")) == 0

    def test_all_a_is_108(self) -> None:
        assert bilag.numeric_score(grades("A")) == 108

    def test_yee_2010_weights(self) -> None:
        # A 12 + B 8 + C 1 + D 0 + five E = 21
        mixed = grades(renal="A", mucocutaneous="B", musculoskeletal="C", haematological="D")
        assert bilag.numeric_score(mixed) == 21

    def test_lower_case_and_spaces_forgiven(self) -> None:
        assert bilag.numeric_score(grades("e", renal=" b ")) == 8

    @pytest.mark.parametrize(
        ("value", "field"),
        [
            (grades(renal="F"), "grades['renal']"),
            (grades(renal=""), "grades['renal']"),
            (grades(renal=None), "grades['renal']"),  # type: ignore[arg-type]
            ({**grades(), "kidney": "A"}, "grades domain"),
            ({"renal": "A"}, "grades"),
            (["A"] * 9, "grades"),
        ],
    )
    def test_bad_grades_raise(self, value: object, field: str) -> None:
        with pytest.raises(ScoringInputError) as caught:
            bilag.numeric_score(value)  # type: ignore[arg-type]
        assert caught.value.field == field

    def test_grade_error_lists_allowed(self) -> None:
        with pytest.raises(ScoringInputError, match="expected A, B, C, D, E"):
            bilag.numeric_score(grades(renal="F"))


class TestOverallGrade:
    def test_worst_domain(self) -> None:
        assert bilag.overall_grade(grades("E", renal="C", mucocutaneous="B")) == "B"
        assert bilag.overall_grade(grades("D")) == "D"
        assert bilag.overall_grade(grades("E", ophthalmic="A")) == "A"


class TestNewGrades:
    def test_a_to_b_is_not_a_new_b(self) -> None:
        result = bilag.new_grades(grades(renal="A"), grades(renal="B"))
        assert (result.new_a, result.new_b) == ((), ())

    def test_d_to_a_is_a_new_a(self) -> None:
        result = bilag.new_grades(grades(renal="D"), grades(renal="A"))
        assert result.new_a == ("renal",)
        assert "new A: renal (D → A)" in result.reasons

    @pytest.mark.parametrize("before", ["B", "C", "D", "E"])
    def test_new_a_from_any_lower_grade(self, before: str) -> None:
        assert bilag.new_grades(grades(renal=before), grades(renal="A")).new_a == ("renal",)

    @pytest.mark.parametrize("before", ["C", "D", "E"])
    def test_new_b_from_c_d_e(self, before: str) -> None:
        assert bilag.new_grades(grades(renal=before), grades(renal="B")).new_b == ("renal",)

    def test_a_stays_a_and_b_stays_b_are_not_new(self) -> None:
        result = bilag.new_grades(
            grades(renal="A", ophthalmic="B"), grades(renal="A", ophthalmic="B")
        )
        assert (result.new_a, result.new_b) == ((), ())

    def test_counts_in_domain_order(self) -> None:
        result = bilag.new_grades(
            grades("E"), grades("E", haematological="B", constitutional="B", renal="A")
        )
        assert result.new_a == ("renal",)
        assert result.new_b == ("constitutional", "haematological")
        assert result.reasons[-1] == "1 new A, 2 new B domain(s)"

    def test_incomplete_raises_naming_which_visit(self) -> None:
        with pytest.raises(ScoringInputError, match=r"^visit"):
            bilag.new_grades(grades(), {"renal": "A"})
        with pytest.raises(ScoringInputError, match=r"^baseline"):
            bilag.new_grades({"renal": "A"}, grades())


class TestChange:
    def test_grade_and_numeric_change(self) -> None:
        result = bilag.change(
            grades(renal="A", mucocutaneous="C"), grades(renal="B", mucocutaneous="A")
        )
        # baseline 12 + 1 = 13; visit 8 + 12 = 20
        assert (result.baseline_score, result.visit_score, result.change) == (13, 20, 7)
        assert result.improved == ("renal",)
        assert result.worsened == ("mucocutaneous",)
        assert result.reasons[-1] == "numeric score 13 → 20 (+7; a fall is an improvement)"


class TestConsistencyWarnings:
    def test_d_or_e_with_worse_or_new_item(self) -> None:
        items = {"BILAG05": "4", "BILAG06": "3", "BILAG07": "2"}
        (warning,) = bilag.consistency_warnings(items, grades(mucocutaneous="D"))
        assert warning.domain == "mucocutaneous"
        assert warning.grade == "D"
        assert warning.item_codes == ("BILAG05", "BILAG06")
        assert "BILAG05 Skin eruption – severe = 4" in warning.message

    def test_a_or_b_with_every_item_zero_or_nd(self) -> None:
        items = {"BILAG39": "0", "BILAG40": "ND"}
        (warning,) = bilag.consistency_warnings(items, {"musculoskeletal": "B"})
        assert warning.item_codes == ("BILAG39", "BILAG40")
        assert "every item is 0, ND or not entered" in warning.message

    def test_a_with_no_items_entered_warns(self) -> None:
        (warning,) = bilag.consistency_warnings({}, {"neuropsychiatric": "A"})
        assert warning.item_codes == ()

    def test_consistent_grades_no_warning(self) -> None:
        items = {"BILAG39": "1", "BILAG05": "0", "BILAG19": "ND"}
        entered = grades(musculoskeletal="B", mucocutaneous="E", neuropsychiatric="D")
        assert bilag.consistency_warnings(items, entered) == ()

    def test_c_grade_never_warns(self) -> None:
        assert bilag.consistency_warnings({"BILAG05": "4"}, {"mucocutaneous": "C"}) == ()

    def test_renal_and_haematological_have_no_clinical_items_to_check(self) -> None:
        items = {"BILAG89": "Y", "BILAG96": "Y"}
        assert bilag.consistency_warnings(items, {"renal": "E", "haematological": "A"}) == ()

    def test_whole_form_codes_accepted(self) -> None:
        items = {"BILAG78": 150, "BILAG78S": "Y", "BILAGREN": "A", "BILAG01": None}
        assert bilag.consistency_warnings(items, {"constitutional": "D"}) == ()

    def test_grades_never_change(self) -> None:
        entered = grades(mucocutaneous="D")
        bilag.consistency_warnings({"BILAG05": "4"}, entered)
        assert entered["mucocutaneous"] == "D"

    @pytest.mark.parametrize(
        ("items", "field"),
        [
            ({"BILAG98": "0"}, "items"),
            ({"BILAG05": "5"}, "items['BILAG05']"),
            ({"BILAG05": 4}, "items['BILAG05']"),
        ],
    )
    def test_bad_items_raise(self, items: dict[str, object], field: str) -> None:
        with pytest.raises(ScoringInputError) as caught:
            bilag.consistency_warnings(items, {})
        assert caught.value.field == field


class TestGiOrHaemolysis:
    def test_gi_items_coded_active(self) -> None:
        items = {"BILAG56": "2", "BILAG57": "0", "BILAG64": "4", "BILAG58": "ND"}
        assert bilag.gi_or_haemolysis_activity(items) == ("BILAG56", "BILAG64")

    def test_haemolysis_yes_counts_unless_not_due_to_sle(self) -> None:
        assert bilag.gi_or_haemolysis_activity({"BILAG96": "Y"}) == ("BILAG96",)
        assert bilag.gi_or_haemolysis_activity({"BILAG96": "Y", "BILAG96S": "y"}) == ("BILAG96",)
        assert bilag.gi_or_haemolysis_activity({"BILAG96": "Y", "BILAG96S": "N"}) == ()
        assert bilag.gi_or_haemolysis_activity({"BILAG96": "N"}) == ()

    def test_gi_domain_has_items_56_to_64(self) -> None:
        assert ITEMS_BY_DOMAIN["gastrointestinal"] == tuple(f"BILAG{n}" for n in range(56, 65))
