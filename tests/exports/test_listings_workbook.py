"""The listings workbook read back: sheets, header blocks, counts, order, decodes, safety."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from sqlalchemy import text

from exports import ListingOptions, build_listings_export
from exports.xlsx_workbook import sheet_digest
from records.listings import catalogue
from records.listings.response import said_once
from tests.exports.conftest import MONITOR, PAYLOADS, open_book
from tests.exports.reading import SheetTable, sheet_xml
from tests.exports.reading import tables as read_tables

COMPANIONS = ("Data dictionary", "Codelists", "Audit trail")


@pytest.fixture(scope="module")
def export(study_wb):
    return build_listings_export(study_wb, MONITOR, ListingOptions(include_audit=True))


@pytest.fixture(scope="module")
def book(export):
    return open_book(export.content)


@pytest.fixture(scope="module")
def tables(export) -> dict[str, SheetTable]:
    return read_tables(export.content)


def _count(wb: Any, sql: str) -> int:
    with wb.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_sheets_in_ich_order_with_valid_names(book, study_wb):
    listing_sheets = [n for n in book.sheetnames if n.startswith("L16.2.")]
    assert book.sheetnames[0] == "Cover"
    assert len(listing_sheets) == len(catalogue(study_wb.study))
    assert book.sheetnames[-3:] == ["Audit trail", "Data dictionary", "Codelists"]
    for name in book.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    numbers = [tuple(int(p) for p in n.split()[0][1:].split(".")) for n in listing_sheets]
    assert numbers == sorted(numbers)


def test_every_sheet_has_its_header_block(tables, export):
    cut_line = "Data cut: none (all data in the database)"
    for name, sheet in tables.items():
        if name == "Cover":
            continue
        lines = sheet.header_lines
        assert "Protocol LK-23-01 (NCT06737380)" in lines[0]
        assert lines[2].startswith("Population: ")
        assert lines[3].startswith(cut_line)
        if name.startswith("L16."):
            assert lines[1].startswith(f"Listing {name.split()[0][1:]}: ")


def test_frozen_header_and_autofilter_on_every_sheet(book, tables):
    for name in book.sheetnames:
        ws, sheet = book[name], tables[name]
        last = sheet.header_row + len(sheet.rows)
        assert ws.freeze_panes.endswith(str(sheet.header_row + 1))
        assert ws.auto_filter.ref.startswith(f"A{sheet.header_row}:")
        assert ws.auto_filter.ref.endswith(str(last))
        assert ws.page_setup.orientation == "landscape"
    labs = tables["L16.2.8.2 Biochemistry"]
    # subject, visit and visit repeat: the key columns stay in view
    assert book["L16.2.8.2 Biochemistry"].freeze_panes == f"D{labs.header_row + 1}"
    assert labs.labels[:3] == ["Subject", "Visit", "Visit repeat"]


@pytest.mark.req("REQ-EXP-03")
def test_cover_names_study_cut_user_versions_and_hashes_every_sheet(tables, export):
    cover = tables["Cover"]
    block = "\n".join(cover.header_lines)
    for expected in (
        "Sponsor: LiveKidney.Bio",
        "Protocol: LK-23-01",
        "NCT number: NCT06737380",
        "Data cut: none",
        "Exported by: Mo Monitor (mon, monitor)",
        "Application version: 0.1.0; study definition version: 1.2.0",
        "Database status: LIVE",
        "Extracted (UTC): ",
    ):
        assert expected in block
    contents = {row[0]: row for row in cover.rows}
    assert set(contents) == {r.name for r in export.sheets}
    for result in export.sheets:
        sheet = tables[result.name]
        assert contents[result.name][3] == len(sheet.rows) == result.rows
        assert contents[result.name][4] == result.sha256
        assert sheet_digest(sheet.labels, sheet.rows) == result.sha256


def test_row_counts_match_the_database(tables, study_wb):
    expected = {
        "L16.2.1 Disposition": "SELECT count(*) FROM subject",
        "L16.2.4.2 Medical history": "SELECT count(*) FROM medicalhistory",
        "L16.2.5 Dosing": "SELECT count(*) FROM doseadministration",
        "L16.2.7.1 AE by subject": "SELECT count(*) FROM adverseevent",
        "L16.2.7.2 AE by SOC-PT": "SELECT count(*) FROM adverseevent",
        "L16.2.8.1 Haematology": "SELECT count(*) FROM labresult WHERE panel='HEM'",
        "L16.2.8.2 Biochemistry": "SELECT count(*) FROM labresult WHERE panel='CHEM'",
        "L16.2.8.6 Urinalysis and UPCR": "SELECT count(*) FROM labresult WHERE panel='UA'",
        "L16.2.8.8 eGFR": "SELECT count(*) FROM labresult WHERE test_code='CREAT'",
        "L16.2.8.9 Cytokines": "SELECT count(*) FROM labresult WHERE panel='CYTO'",
        "L16.2.9.1 Corticosteroids": "SELECT count(*) FROM medication WHERE corticosteroid",
        "L16.2.9.2 Con meds": "SELECT count(*) FROM medication WHERE NOT corticosteroid",
        "L16.2.9.3 Vital signs": "SELECT count(*) FROM vitalsign",
        "Audit trail": "SELECT count(*) FROM auditevent WHERE action != 'export'",
    }
    for sheet, sql in expected.items():
        assert len(tables[sheet].rows) == _count(study_wb, sql), sheet
    items = tables["L16.2.6.2.1 BILAG items"]
    collected = [r for r, d in zip(items.rows, items.column("Derived"), strict=True) if d is None]
    sql = (
        "SELECT count(*) FROM assessmentitem i JOIN assessment a ON a.id = i.assessment_id "
        "WHERE a.form_code = 'BILAG2004'"
    )
    assert len(collected) == _count(study_wb, sql)


def test_rows_sorted_by_subject_then_visit_then_date(tables, study_wb):
    order = {v.code: i for i, v in enumerate(study_wb.study.visits)}
    checked = 0
    for name, sheet in tables.items():
        if "Subject" not in sheet.labels or "Visit" not in sheet.labels or name == "Audit trail":
            continue
        dates = [
            lab
            for lab in sheet.labels
            if lab.split(" (")[0]
            in ("Collection date", "Assessment date", "Measured at", "Date", "Infusion start")
        ]
        keys = [
            (
                r[0],
                order.get(r[sheet.labels.index("Visit")], 99),
                r[sheet.labels.index(dates[0])] or "" if dates else "",
            )
            for r in sheet.rows
        ]
        assert keys == sorted(keys), name
        checked += 1
    assert checked >= 15
    soc = tables["L16.2.7.2 AE by SOC-PT"].column("SOC (or not coded)")
    assert soc == ["Infections and infestations", "Nervous system disorders", "(not coded)",
                   "(not coded)"]  # fmt: skip


def test_coded_columns_carry_their_decode(tables):
    dictionary = tables["Data dictionary"]
    codelists = {(r[0], r[3]): r[4] for r in tables["Codelists"].rows}
    checked = 0
    for sheet_name, _, _, label, _, codelist, _origin, _ in dictionary.rows:
        if not label.endswith(" (decode)") or "," in (codelist or ",") or label.startswith("Res"):
            continue
        sheet = tables[sheet_name]
        codes = sheet.column(label.removesuffix(" (decode)"))
        for code, decoded in zip(codes, sheet.column(label), strict=True):
            if code is not None:
                assert decoded == codelists.get((codelist, str(code)), str(code))
                checked += 1
    assert checked > 50
    ae = tables["L16.2.7.1 AE by subject"]
    assert set(ae.column("Severity (decode)")) == {"Mild", "Moderate", "Severe"}
    sledai = tables["L16.2.6.1.1 SLEDAI-2K items"]
    pairs = set(zip(sledai.column("Result"), sledai.column("Result (decode)"), strict=True))
    assert {("Y", "Present"), ("N", "Absent")} <= pairs


def test_ids_as_text_dates_as_iso_text_and_study_days(book, tables):
    demo = tables["L16.2.4.1 Demographics"]
    assert demo.column("Subject") == ["001", "002", "003"]
    ws = book["L16.2.4.1 Demographics"]
    assert ws.cell(demo.header_row + 1, 1).data_type == "s"
    assert demo.column("Birth date") == ["1985-06-01", "1990", "1970"]
    assert demo.column("Study day of consent date") == [-22, -26, None]
    ae = tables["L16.2.7.1 AE by subject"]
    assert dict(zip(ae.column("Onset"), ae.column("Study day of onset"), strict=True)) == {
        "2025-02": None,
        "2025-03-05": 2,
        "2025-03-20T14:00": 11,
        "2025-06-01": 84,
    }
    assert tables["L16.2.5 Dosing"].column("Lot") == ["007", "008"]
    for sheet in tables.values():
        for label in sheet.labels:
            if label.startswith("Study day"):
                assert 0 not in sheet.column(label)


def test_injection_payloads_are_literal_and_no_formula_is_stored(book, tables, export):
    found = {v for sheet in tables.values() for row in sheet.rows for v in row}
    assert set(PAYLOADS) <= found
    for name, xml in sheet_xml(export.content).items():
        assert b"<f>" not in xml and b"<f " not in xml, name
        assert b"<hyperlink" not in xml, name
    ws = book["L16.2.7.1 AE by subject"]
    term = tables["L16.2.7.1 AE by subject"]
    at = term.header_row + 1 + term.column("Verbatim term").index(PAYLOADS[6])
    cell = ws.cell(at, term.labels.index("Verbatim term") + 1)
    assert cell.data_type == "s" and cell.quotePrefix


def test_derived_values_come_from_scoring(tables):
    sledai = tables["L16.2.6.1.1 SLEDAI-2K items"]
    totals = [r for r in sledai.rows if r[sledai.labels.index("Parameter code")] == "S2KTOT"]
    assert [r[sledai.labels.index("Numeric result")] for r in totals] == [12, 2]
    egfr = tables["L16.2.8.8 eGFR"]
    assert all(v is not None and v > 0 for v in egfr.column("eGFR (mL/min/1.73 m2)"))
    steroids = tables["L16.2.9.1 Corticosteroids"]
    assert steroids.column("Prednisone equivalent (mg/day)") == [10, 5]
    response = tables["L16.2.6.4 Response"]
    v6 = [r for r in response.rows if r[1] == "V6"]
    assert {r[response.labels.index("Index")]: r[response.labels.index("Result")]
            for r in v6}["SRI-4"] == "Y"  # fmt: skip
    teae = tables["L16.2.7.1 AE by subject"].column("Treatment-emergent")
    assert teae == ["N", "Y", "Y", "Y"]


def test_disease_activity_is_one_row_per_visit_folded_from_its_detail(tables):
    """Issue #15: SLEDAI-2K and BILAG-2004 read by visit (descriptors present and totals); every
    item, absent ones included, stays in the detail listing the summary is folded from."""
    detail = tables["L16.2.6.1.1 SLEDAI-2K items"]
    code, result = detail.labels.index("Parameter code"), detail.labels.index("Result")
    by_visit = tables["L16.2.6.1 SLEDAI-2K"]
    assert len(by_visit.rows) == len({(r[0], r[1]) for r in detail.rows})
    assert by_visit.column("SLEDAI-2K total") == [12, 2, None]
    assert by_visit.column("Form status") == ["complete", "complete", "not_done"]
    present = by_visit.column("Descriptors present")
    ticked = [r for r in detail.rows if r[result] == "Y" and r[code] not in ("S2KTOT", "CSLEDAI")]
    assert sum(len(p.split("; ")) for p in present if p) == len(ticked)
    assert "Absent" not in " ".join(p for p in present if p)
    bilag = tables["L16.2.6.2 BILAG-2004"]
    grades = [lab for lab in bilag.labels if lab.endswith(" grade") and lab != "Overall grade"]
    assert len(grades) == 9 and len(bilag.rows) < len(tables["L16.2.6.2.1 BILAG items"].rows) / 20
    scores = bilag.column("BILAG-2004 numeric score (0–108)")
    assert all(isinstance(s, int) and 0 <= s <= 108 for s in scores)


def test_each_reason_is_said_once(tables):
    """SRI-5..8 say only what differs from SRI-4 of the same visit; quiet rules named together."""
    response = tables["L16.2.6.4 Response"]
    index, reasons = response.labels.index("Index"), response.labels.index("Reasons")
    for row in response.rows:
        text = row[reasons] or ""
        assert ": not fired" not in text
        if row[index] in ("SRI-5", "SRI-6", "SRI-7", "SRI-8"):
            assert text.endswith("other criteria and rules as SRI-4"), text
            assert "rules not fired" not in text


def test_a_fired_rule_is_said_on_every_index_it_decides():
    """A reviewer reading SRI-6 alone must see why it failed: fired rules are never folded."""
    fired = "rescue-therapy rule (rescue or prohibited therapy started after day 1): fired, " \
        "non-responder: medication #12 rituximab"  # fmt: skip
    quiet = "withdrawal rule (withdrawal, lost to follow-up or death on or before the visit): " \
        "not fired"  # fmt: skip
    shared = f"SLEDAI-2K fall 6 (needs ≥ 4): met; {fired}; {quiet}"
    frame = pd.DataFrame([
        {"subject_id": 1, "visit_id": 9, "index": "SRI-4", "reasons": shared},
        {"subject_id": 1, "visit_id": 9, "index": "SRI-6",
         "reasons": shared.replace("(needs ≥ 4): met", "(needs ≥ 6): met")},
    ])  # fmt: skip
    sri4, sri6 = said_once(frame)
    assert sri4 == f"SLEDAI-2K fall 6 (needs ≥ 4): met; {fired}; rules not fired: withdrawal"
    assert sri6 == (f"SLEDAI-2K fall 6 (needs ≥ 6): met; {fired}; "
                    "other criteria and rules as SRI-4")  # fmt: skip


def test_deviations_list_windows_missed_visits_and_eligibility(tables):
    deviations = tables["L16.2.2 Deviations"]
    assert deviations.column("Deviation category") == ["ELIGIBILITY", "VISIT WINDOW",
                                                       "MISSED VISIT"]  # fmt: skip
    assert "Override: PI ok" in deviations.column("Reason / comment")[0]


def test_data_dictionary_describes_every_column(tables):
    described = {(r[0], r[3]) for r in tables["Data dictionary"].rows}
    derived_without_rule = [
        r
        for r in tables["Data dictionary"].rows
        if r[6] == "Derived" and not r[7] and not r[3].endswith("(decode)")
    ]
    for name, sheet in tables.items():
        if name in ("Cover", "Data dictionary", "Codelists"):
            continue
        assert {(name, label) for label in sheet.labels} <= described, name
    assert derived_without_rule == []
