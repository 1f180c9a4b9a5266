"""AppTest of the visit page: every form kind renders, saves, refuses bad input, asks a reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from records.assessments import load_assessment, save_assessment
from records.audit_trail import AuditFilter, audit_frame
from records.dosing import load_dose
from records.eligibility import save_eligibility
from records.labs import load_lab_panel, save_lab_panel
from records.vitals import load_vitals, save_vitals
from tests.pages import capture_support as fixtures
from tests.pages.capture_support import (
    DOSE_DAY,
    OTHER,
    USERS,
    Subject,
    dose,
    eligible_values,
    errors,
    open_page,
    screen,
    texts,
)

wb = fixtures.wb  # the shared database fixture

FORMS = ["PGA", "SLEDAI2K", "BILAG2004", "PE", "HEM", "UA", "CYTO", "VS", "EX", "PROMIS29"]


def walk(node: Any) -> list[Any]:
    """Elements in screen order."""
    kids = getattr(node, "children", None)
    if not isinstance(kids, dict):
        return [node]
    return [leaf for k in sorted(kids) for leaf in walk(kids[k])]


def error_after(at: AppTest, key: str) -> str | None:
    """The message shown right under the widget `key`, if any."""
    nodes = walk(at.main)
    index = next(i for i, n in enumerate(nodes) if getattr(n, "key", None) == key)
    following = nodes[index + 1] if index + 1 < len(nodes) else None
    return str(following.value) if getattr(following, "type", None) == "error" else None


@pytest.fixture
def dosed(wb) -> Subject:
    subject = screen(wb)
    dose(wb, subject)
    return subject


def visit(subject: Subject, code: str, form: str, role: str = "investigator") -> AppTest:
    return open_page(
        role, "visit.py", subject_id=subject.id, visit_id=subject.visits[code], visit_form=form
    )


@pytest.mark.parametrize("form", FORMS)
def test_each_form_renders_for_writer_and_read_only(wb, dosed, form):
    at = visit(dosed, "V1", form)
    assert wb.study.form(form).name in [s.value for s in at.subheader]
    reader = visit(dosed, "V1", form, role="monitor")
    assert "Read-only" in texts(reader)
    assert not [b for b in reader.button if str(b.key or "").endswith("__save")]


def test_pga_invalid_keeps_value_and_shows_message_under_field(wb, dosed):
    at = visit(dosed, "V1", "PGA")
    at.text_input(key="PGA__PGA").input("3.5")
    at.button(key="PGA__save").click().run()
    assert "0.00 to 3.00" in (error_after(at, "PGA__PGA") or "")
    assert at.text_input(key="PGA__PGA").value == "3.5"
    assert load_assessment(wb, dosed.visits["V1"], "PGA") is None


def test_pga_saves_and_shows_who_changed_it(wb, dosed):
    at = visit(dosed, "V1", "PGA")
    at.text_input(key="PGA__PGA").input("0.5")
    at.button(key="PGA__save").click().run()
    assert load_assessment(wb, dosed.visits["V1"], "PGA").values["PGA"] == "0.50"
    assert any("saved" in s.value for s in at.success)
    assert "Last changed by Ivy Investigator" in texts(at)
    assert at.text_input(key="PGA__PGA").value == "0.50"


def _saved_pga(wb, subject: Subject, value: str = "0.50") -> None:
    save_assessment(
        wb,
        USERS["investigator"],
        visit_id=subject.visits["V1"],
        form_code="PGA",
        values={"PGA": value},
    )


def test_edit_shows_what_changed_and_needs_a_reason(wb, dosed):
    _saved_pga(wb, dosed)
    at = visit(dosed, "V1", "PGA")
    at.text_input(key="PGA__PGA").input("1.25")
    at.button(key="PGA__save").click().run()
    assert at.table, "the preview table of what changed"
    assert "1.25" in at.table[0].value.to_string() and "0.50" in at.table[0].value.to_string()
    assert load_assessment(wb, dosed.visits["V1"], "PGA").values["PGA"] == "0.50"
    at.button(key="PGA__confirm").click().run()
    assert "reason" in (error_after(at, "PGA__reason") or "")
    at.text_input(key="PGA__reason").input("transcription error")
    at.button(key="PGA__confirm").click().run()
    saved = load_assessment(wb, dosed.visits["V1"], "PGA")
    assert saved.values["PGA"] == "1.25"
    trail = audit_frame(wb.engine, USERS["monitor"], AuditFilter(subject_id=dosed.id))
    assert "transcription error" in set(trail["reason"])


def test_stale_edit_shows_the_other_users_values(wb, dosed):
    _saved_pga(wb, dosed)
    at = visit(dosed, "V1", "PGA")
    read = load_assessment(wb, dosed.visits["V1"], "PGA")
    save_assessment(
        wb,
        OTHER,
        visit_id=dosed.visits["V1"],
        form_code="PGA",
        values={"PGA": "2.00"},
        reason="source check",
        expected_version=read.version,
    )
    at.text_input(key="PGA__PGA").input("1.00")
    at.button(key="PGA__save").click().run()
    at.text_input(key="PGA__reason").input("my correction")
    at.button(key="PGA__confirm").click().run()
    assert any("someone else" in e for e in errors(at))
    assert "Otto Other" in texts(at)
    table = at.table[0].value.to_string()
    assert "2.00" in table and "1.00" in table
    assert load_assessment(wb, dosed.visits["V1"], "PGA").values["PGA"] == "2.00"
    at.button(key="PGA__reload").click().run()
    assert at.text_input(key="PGA__PGA").value == "2.00"


def test_sledai_waits_for_pga_then_totals_live_with_lab_hints(wb, dosed):
    at = visit(dosed, "V1", "SLEDAI2K")
    assert "physician global assessment first" in texts(at)
    assert not at.checkbox
    _saved_pga(wb, dosed)
    save_lab_panel(
        wb,
        USERS["investigator"],
        visit_id=dosed.visits["V1"],
        panel="SERO",
        values={"C3": {"value": 60, "clinical_significance": "CS"}},
    )
    at = visit(dosed, "V1", "SLEDAI2K")
    assert "C3 60 mg/dL below reference low 90 mg/dL" in texts(at)
    assert at.checkbox(key="SLEDAI2K__low_complement").value is False
    assert "30 days" in texts(at) and "Recent onset" in texts(at)
    at.checkbox(key="SLEDAI2K__low_complement").check().run()
    at.checkbox(key="SLEDAI2K__arthritis").check().run()
    assert at.metric[0].value == "6 / 105" and at.metric[1].value == "4"
    at.button(key="SLEDAI2K__save").click().run()
    saved = load_assessment(wb, dosed.visits["V1"], "SLEDAI2K")
    assert saved.derived.values["total"] == 6 and saved.values["seizure"] == "N"


def test_bilag_grades_give_live_score_and_soft_warning(wb, dosed):
    at = visit(dosed, "V1", "BILAG2004")
    at.selectbox(key="BILAG2004__BILAG01").select("4")
    for code in (
        "BILAGCON",
        "BILAGMUC",
        "BILAGNEU",
        "BILAGMSK",
        "BILAGCAR",
        "BILAGGI",
        "BILAGOPH",
        "BILAGREN",
        "BILAGHAE",
    ):
        at.selectbox(key=f"BILAG2004__{code}").select("B" if code == "BILAGREN" else "E")
    at.run()
    assert at.metric[0].value == "8 / 108" and at.metric[1].value == "B"
    assert any("constitutional" in w.value.lower() for w in at.warning)
    at.button(key="BILAG2004__save").click().run()
    assert load_assessment(wb, dosed.visits["V1"], "BILAG2004") is None, "grades alone saved"
    assert any("is required" in e.value for e in at.error)
    for domain in ("constitutional", "mucocutaneous", "neuropsychiatric", "musculoskeletal",
                   "cardiorespiratory", "gastrointestinal", "ophthalmic", "renal",
                   "haematological"):  # fmt: skip
        at.button(key=f"BILAG2004__zero_{domain}").click().run()
    assert at.selectbox(key="BILAG2004__BILAG01").value == "4", "an answered item is kept"
    assert at.selectbox(key="BILAG2004__BILAG02").value == "0"
    at.button(key="BILAG2004__save").click().run()
    saved = load_assessment(wb, dosed.visits["V1"], "BILAG2004")
    assert saved.derived.values["numeric_score"] == 8 and saved.values["BILAG02"] == "0"


def test_bilag_every_unanswered_item_coded_0_in_one_click(wb, dosed):
    at = visit(dosed, "V1", "BILAG2004")
    at.selectbox(key="BILAG2004__BILAG01").select("3")
    for code in ("CON", "MUC", "NEU", "MSK", "CAR", "GI", "OPH", "REN", "HAE"):
        at.selectbox(key=f"BILAG2004__BILAG{code}").select("B" if code == "CON" else "E")
    at.button(key="BILAG2004__zero_all").click().run()
    assert at.selectbox(key="BILAG2004__BILAG01").value == "3", "an answered item is kept"
    assert at.selectbox(key="BILAG2004__BILAG40").value == "0"  # another domain's item
    at.button(key="BILAG2004__save").click().run()
    saved = load_assessment(wb, dosed.visits["V1"], "BILAG2004")
    assert saved is not None and saved.state == "complete"
    assert sum(v == "0" for v in saved.values.values()) == 76  # 77 coded items, one answered


def test_physical_exam_abnormal_needs_a_description(wb, dosed):
    at = visit(dosed, "V1", "PE")
    for code in ("GEN", "HEENT", "NECK", "LYMPH", "RESP", "CV", "ABD", "MSK", "SKIN", "NEURO"):
        at.radio(key=f"PE__{code}").set_value("ABNORMAL" if code == "SKIN" else "NORMAL")
    at.button(key="PE__save").click().run()
    assert "note is needed" in (error_after(at, "PE__SKIN_NOTE") or "")
    assert at.radio(key="PE__GEN").value == "NORMAL"
    at.text_input(key="PE__SKIN_NOTE").input("malar rash")
    at.button(key="PE__save").click().run()
    assert load_assessment(wb, dosed.visits["V1"], "PE").values["SKIN_NOTE"] == "malar rash"


def test_not_done_needs_its_reason(wb, dosed):
    at = visit(dosed, "V1", "PE")
    at.checkbox(key="PE__not_done").check()
    at.button(key="PE__save").click().run()
    assert "required" in (error_after(at, "PE__not_done_reason") or "")
    at.text_input(key="PE__not_done_reason").input("patient declined")
    at.button(key="PE__save").click().run()
    assert load_assessment(wb, dosed.visits["V1"], "PE").state == "not_done"


def test_labs_flag_out_of_range_and_need_cs_or_ncs(wb, dosed):
    at = visit(dosed, "V1", "HEM")
    at.text_input(key="HEM__PLAT").input("50")
    at.text_input(key="HEM__WBC").input("5.1")
    at.button(key="HEM__save").click().run()
    assert "mark CS or NCS" in (error_after(at, "HEM__PLAT__clinical_significance") or "")
    assert at.text_input(key="HEM__WBC").value == "5.1"
    at.selectbox(key="HEM__PLAT__clinical_significance").select("CS")
    at.button(key="HEM__save").click().run()
    panel = load_lab_panel(wb, dosed.visits["V1"], "HEM")
    assert panel.results["PLAT"].flag == "L"
    shown = at.dataframe[-1].value
    assert "L" in set(shown["Flag"])


def test_chemistry_shows_egfr_and_range_is_editable(wb, dosed):
    at = visit(dosed, "V1", "CHEM")
    at.text_input(key="CHEM__CREAT").input("0.9")
    at.text_input(key="CHEM__CREAT__ref_high").input("1.3")
    at.button(key="CHEM__save").click().run()
    assert any(m.label.startswith("eGFR") for m in at.metric)
    assert load_lab_panel(wb, dosed.visits["V1"], "CHEM").results["CREAT"].ref_high == 1.3


def test_cytokine_free_list_takes_other_analytes(wb, dosed):
    at = visit(dosed, "V1", "CYTO")
    at.text_input(key="CYTO__new0__code").input("il10")
    at.text_input(key="CYTO__new0__unit").input("pg/mL")
    at.text_input(key="CYTO__new0__value").input("4.2")
    at.button(key="CYTO__save").click().run()
    assert load_lab_panel(wb, dosed.visits["V1"], "CYTO").results["IL10"].value == "4.2"
    assert at.text_input(key="CYTO__IL10__unit").value == "pg/mL"


def test_vitals_pre_and_post_dose_on_v1(wb, dosed):
    at = visit(dosed, "V1", "VS")
    at.text_input(key="VSPRE__SYSBP").input("120")
    at.text_input(key="VSPRE__DIABP").input("130")
    at.text_input(key="VSPRE__WEIGHT").input("64")
    at.button(key="VSPRE__save").click().run()
    assert "below the systolic" in (error_after(at, "VSPRE__DIABP") or "")
    at.text_input(key="VSPRE__DIABP").input("80")
    at.button(key="VSPRE__save").click().run()
    assert load_vitals(wb, dosed.visits["V1"], "PRE").values["DIABP"] == 80
    at.text_input(key="VSPOST__PULSE").input("72")
    at.button(key="VSPOST__save").click().run()
    assert load_vitals(wb, dosed.visits["V1"], "POST").values["PULSE"] == 72


def test_dose_of_an_ineligible_subject_needs_an_override_reason(wb):
    subject = screen(wb)
    at = visit(subject, "V1", "EX")
    assert "override" in texts(at)
    start = f"{(DOSE_DAY + timedelta(days=1)).isoformat()} 09:00"
    at.text_input(key="EX__lot").input("LOT-7")
    at.text_input(key="EX__cells_total").input("1e8")
    at.text_input(key="EX__started_at").input(start)
    at.button(key="EX__save").click().run()
    assert "required" in (error_after(at, "EX__route") or "")  # no route is chosen for staff
    at.selectbox(key="EX__route").select("SUBCUTANEOUS")
    at.button(key="EX__save").click().run()
    assert "override reason" in (error_after(at, "EX__eligibility_override") or "")
    assert at.text_input(key="EX__lot").value == "LOT-7"
    at.text_input(key="EX__eligibility_override").input("PI approval, criterion IN05 documented")
    at.button(key="EX__save").click().run()
    assert load_dose(wb, subject.id).lot == "LOT-7"
    assert "day 1 set" in texts(at)


def test_dose_form_names_missing_pre_dose_forms_and_the_cell_dose_per_kg(wb):
    subject = screen(wb)
    at = visit(subject, "V1", "EX")
    assert at.selectbox(key="EX__route").value is None
    warning = "\n".join(str(w.value) for w in at.warning)
    assert "screening and baseline forms are not on file" in warning
    assert "SCR Screening" in warning and "Physician global assessment" in warning
    assert "UC-MSC administration" not in warning  # the form being filled is not missing
    assert "No weight is recorded" in warning
    values = {"WEIGHT": 62.5}
    save_vitals(wb, USERS["investigator"], visit_id=subject.visits["V1"], timepoint="PRE",
                values=values)  # fmt: skip
    save_eligibility(wb, USERS["investigator"], visit_id=subject.visits["SCR"],
                     values=eligible_values(wb))  # fmt: skip
    at = visit(subject, "V1", "EX")
    assert "weight on file, 62.5 kg" in texts(at)
    assert "Eligibility" not in "\n".join(str(w.value) for w in at.warning)
    at.text_input(key="EX__lot").input("LOT-8")
    at.text_input(key="EX__cells_total").input("1e8")
    at.selectbox(key="EX__route").select("SUBCUTANEOUS")
    at.text_input(key="EX__started_at").input(f"{DOSE_DAY.isoformat()} 09:00")
    at.button(key="EX__save").click().run()
    assert "day 1 set" in texts(at)
    assert "1.0 × 10⁸ cells in total = 1.6 × 10⁶ cells/kg" in texts(at)
    after = "\n".join(str(w.value) for w in at.warning)
    assert "not on file" not in after and "No weight" not in after  # dosed: gone


def test_visit_date_correction_asks_for_a_reason(wb):
    subject = screen(wb)
    at = visit(subject, "SCR", "ECG")
    at.date_input(key="visit_date__actual_date").set_value(DOSE_DAY - timedelta(days=5))
    at.button(key="visit_date__save").click().run()
    assert at.table, "preview of the changed date"
    at.text_input(key="visit_date__reason").input("wrong day typed")
    at.button(key="visit_date__confirm").click().run()
    assert any("Visit date saved" in s.value for s in at.success)


def test_stale_lab_panel_edit_shows_the_other_users_values(wb, dosed):
    save_lab_panel(
        wb,
        USERS["investigator"],
        visit_id=dosed.visits["V1"],
        panel="SERO",
        values={"C4": {"value": 20}},
    )
    at = visit(dosed, "V1", "SERO")
    panel = load_lab_panel(wb, dosed.visits["V1"], "SERO")
    save_lab_panel(
        wb,
        OTHER,
        visit_id=dosed.visits["V1"],
        panel="SERO",
        values={"C4": 25},
        reason="lab re-run",
        expected_version=panel.version,
    )
    at.text_input(key="SERO__C4").input("22")
    at.button(key="SERO__save").click().run()
    at.text_input(key="SERO__reason").input("typo")
    at.button(key="SERO__confirm").click().run()
    assert any("someone else" in e for e in errors(at))
    assert "25" in at.table[0].value.to_string() and "22" in at.table[0].value.to_string()
    assert load_lab_panel(wb, dosed.visits["V1"], "SERO").results["C4"].value == "25"


def test_investigator_opens_the_item_level_audit_trail_from_the_form(wb, dosed):
    inv = USERS["investigator"]
    first = save_assessment(
        wb, inv, visit_id=dosed.visits["V1"], form_code="PGA", values={"PGA": "1.20"}
    )
    save_assessment(
        wb,
        inv,
        visit_id=dosed.visits["V1"],
        form_code="PGA",
        values={"PGA": "1.50"},
        reason="source document check",
        expected_version=first.version,
    )
    at = visit(dosed, "V1", "PGA")
    at.toggle(key="PGA__audit").set_value(True).run()
    trail = at.dataframe[-1].value
    changed = trail[(trail["field"] == "PGA") & (trail["action"] == "update")]
    assert list(changed["old_value"]) == ["1.20"] and list(changed["new_value"]) == ["1.50"]
    assert list(changed["reason"]) == ["source document check"]
