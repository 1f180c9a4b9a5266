"""Export options and guarantees: determinism, subject scope, data cut, audit extract, audit
of the export itself, permissions and the empty study."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from exports import ListingOptions, build_listings_export, build_listings_workbook
from exports.listings import listings_file_name, sheet_parts
from exports.xlsx_workbook import sheet_digest
from models import Actor
from models.audit_chain import verify
from records.errors import PermissionDenied, ValidationFailed
from records.listings import catalogue
from tests.exports.conftest import CUT, MONITOR, open_book
from tests.exports.reading import sheet_xml
from tests.exports.reading import tables as _tables


def _actor(role: str) -> Actor:
    return Actor(user_id=None, username=role, full_name=f"A {role}", role=role)


def _subject_id(wb, number: str) -> int:
    with wb.engine.connect() as conn:
        sql = "SELECT id FROM subject WHERE screening_number = :n"
        return int(conn.execute(text(sql), {"n": number}).scalar_one())


def test_two_exports_have_identical_sheet_data_and_digests(study_wb):
    first = build_listings_export(study_wb, MONITOR, ListingOptions())
    second = build_listings_export(study_wb, MONITOR, ListingOptions())
    assert [(r.name, r.rows, r.sha256) for r in first.sheets] == [
        (r.name, r.rows, r.sha256) for r in second.sheets
    ]
    one, two = sheet_xml(first.content), sheet_xml(second.content)
    assert set(one) == set(two)
    assert all(one[name] == two[name] for name in one if name != "Cover")


@pytest.mark.req("REQ-EXP-01")
def test_subject_selection_keeps_only_those_subjects(study_wb):
    chosen = _subject_id(study_wb, "002")
    options = ListingOptions(subject_ids=(chosen,), include_audit=True)
    tables = _tables(build_listings_workbook(study_wb, MONITOR, options))
    seen = set()
    for name, sheet in tables.items():
        if "Subject" in sheet.labels and name != "Cover":
            seen |= {v for v in sheet.column("Subject") if v is not None}
            assert "selected subjects (1): 002" in sheet.header_lines[2], name
    assert seen == {"002"}
    assert len(tables["L16.2.1 Disposition"].rows) == 1
    assert len(tables["Audit trail"].rows) > 0


def test_data_cut_leaves_out_later_data_and_unknown_ends(study_wb):
    tables = _tables(build_listings_workbook(study_wb, MONITOR, ListingOptions(data_cut=CUT)))
    assert tables["L16.2.1 Disposition"].column("Subject") == ["001", "002"]
    assert tables["L16.2.1 Disposition"].column("Status at data cut") == [
        "dosed",
        "early_termination",
    ]
    ae = tables["L16.2.7.1 AE by subject"]
    assert "Fatigue" not in ae.column("Verbatim term")
    rash = ae.column("Verbatim term").index("Rash")
    assert ae.column("End")[rash] is None and ae.column("Ongoing")[rash] == "Y"
    labs = tables["L16.2.8.2 Biochemistry"]
    assert all(d <= CUT.isoformat() for d in labs.column("Collection date"))
    assert tables["L16.2.9.2 Con meds"].column("Medication") == ["@SUM(A1)"]
    steroid = tables["L16.2.9.1 Corticosteroids"]
    assert steroid.column("Stop") == [None] and steroid.column("Ongoing") == ["Y"]
    assert tables["L16.2.4.1 Demographics"].header_lines[3].startswith("Data cut: 2025-04-30")


@pytest.mark.req("REQ-AUD-03", "REQ-AUD-06")
def test_audit_sheet_is_optional_and_filtered_by_date(study_wb):
    today = datetime.now(UTC).date()
    without = open_book(build_listings_workbook(study_wb, MONITOR, ListingOptions()))
    assert "Audit trail" not in without.sheetnames
    full = ListingOptions(include_audit=True, audit_from=today - timedelta(1), audit_to=today)
    later = ListingOptions(include_audit=True, audit_from=today + timedelta(1))
    rows = _tables(build_listings_workbook(study_wb, MONITOR, full))["Audit trail"].rows
    assert len(rows) > 100
    assert all(r[1][:10] <= today.isoformat() for r in rows)
    empty = _tables(build_listings_workbook(study_wb, MONITOR, later))["Audit trail"]
    assert empty.rows == [] and "Audit trail extract" in empty.header_lines[1]


@pytest.mark.req("REQ-AUD-04")
def test_the_export_itself_is_audited_with_its_options(study_wb):
    options = ListingOptions(data_cut=CUT, include_audit=True, audit_to=date(2030, 1, 1))
    export = build_listings_export(study_wb, MONITOR, options)
    with study_wb.engine.connect() as conn:
        row = conn.execute(text(
            "SELECT username, user_role, entity, new_value FROM auditevent "
            "WHERE action = 'export' ORDER BY id DESC LIMIT 1")).one()  # fmt: skip
        assert verify(conn).ok
    assert row[:3] == ("mon", "monitor", "listings")
    payload = json.loads(row[3])
    assert payload["options"]["data_cut"] == "2025-04-30"
    assert payload["options"]["include_audit"] is True
    assert payload["file_name"] == export.file_name
    assert payload["sheets"]["L16.2.1 Disposition"]["sha256"] == export.sheets[0].sha256


@pytest.mark.parametrize("role", ["monitor", "data_manager", "investigator", "admin"])
def test_roles_that_may_export(empty_wb, role):
    assert build_listings_workbook(empty_wb, _actor(role), ListingOptions())[:2] == b"PK"


@pytest.mark.req("REQ-SEC-01")
def test_roles_that_may_not(empty_wb):
    with pytest.raises(PermissionDenied):
        build_listings_workbook(empty_wb, _actor("coordinator"), ListingOptions())
    with pytest.raises(PermissionDenied):
        build_listings_workbook(
            empty_wb, _actor("investigator"), ListingOptions(include_audit=True)
        )


@pytest.mark.parametrize("options", [
    ListingOptions(subject_ids=(999,)),
    ListingOptions(subject_ids=()),
    ListingOptions(include_audit=True, audit_from=date(2025, 2, 1), audit_to=date(2025, 1, 1)),
])  # fmt: skip
def test_bad_options_are_refused_and_nothing_is_audited(empty_wb, options):
    with pytest.raises(ValidationFailed):
        build_listings_workbook(empty_wb, MONITOR, options)
    with empty_wb.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM auditevent")).scalar_one() == 0


def test_empty_study_still_has_every_sheet_with_headers(empty_wb):
    tables = _tables(build_listings_workbook(empty_wb, MONITOR, ListingOptions()))
    listing_sheets = [n for n in tables if n.startswith("L16.2.")]
    assert len(listing_sheets) == len(catalogue(empty_wb.study))
    for name in listing_sheets:
        assert tables[name].rows == [] and len(tables[name].labels) >= 5, name
        assert tables[name].header_lines[1].startswith("Listing 16.2.")


def test_file_name_carries_protocol_and_data_cut(empty_wb):
    assert listings_file_name(empty_wb.study, CUT) == (
        "LK-23-01_NCT06737380_listings_cut-2025-04-30.xlsx"
    )
    assert listings_file_name(empty_wb.study, None).endswith("_listings_all-data.xlsx")


def test_sheet_parts_continue_long_listings_under_valid_unique_names():
    assert sheet_parts("Audit trail", 5, 5) == [("Audit trail", range(5))]
    long_name = "L16.2.8.2 Biochemistry and more"  # 31 characters
    parts = sheet_parts(long_name, 11, 5)
    assert [name for name, _ in parts] == [long_name, "L16.2.8.2 Biochemistry and (2)",
                                           "L16.2.8.2 Biochemistry and (3)"]  # fmt: skip
    assert [list(rows) for _, rows in parts] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10]]
    assert all(len(name) <= 31 for name, _ in parts)


def test_a_listing_longer_than_a_sheet_continues_on_more_sheets(study_wb, monkeypatch):
    whole = _tables(build_listings_workbook(study_wb, MONITOR, ListingOptions(include_audit=True)))
    audit_rows = len(whole["Audit trail"].rows)
    monkeypatch.setattr("exports.listings.EXCEL_ROWS", 200)  # a small sheet, same rules
    export = build_listings_export(study_wb, MONITOR, ListingOptions(include_audit=True))
    tables = _tables(export.content)
    parts = [name for name in tables if name.startswith("Audit trail")]
    assert parts == ["Audit trail", *(f"Audit trail ({k})" for k in range(2, len(parts) + 1))]
    assert len(parts) > 2
    rows = [row for name in parts for row in tables[name].rows]
    assert rows[:audit_rows] == whole["Audit trail"].rows  # in order, none lost
    assert len(rows) == audit_rows + 1  # plus the audit row of the first export
    cover = {row[0]: row for row in tables["Cover"].rows}
    for name in parts:
        assert cover[name][3] == len(tables[name].rows) <= 200
        assert tables[name].header_lines[-1].startswith(f"Part {parts.index(name) + 1} of ")
        assert sheet_digest(tables[name].labels, tables[name].rows) == cover[name][4]
    assert "Audit trail (2)" in {r.name for r in export.sheets}


def test_the_audit_trail_is_not_cut_by_the_data_cut_and_the_cover_counts_it(study_wb):
    """Issue #10 defect 6: with a data cut (2025-04-30) the audit sheet held 0 rows, entered
    after the cut, while the listings showed the values those rows wrote."""
    options = ListingOptions(data_cut=CUT, include_audit=True)
    tables = _tables(build_listings_workbook(study_wb, MONITOR, options))
    rows = tables["Audit trail"].rows
    assert len(rows) > 100 and max(r[1][:10] for r in rows) > CUT.isoformat()
    cover = " ".join(tables["Cover"].header_lines)
    assert f"audit trail: included, {len(rows)} rows" in cover
    assert "WARNING" not in cover


def test_an_empty_audit_trail_beside_data_is_a_warning_on_the_cover(study_wb):
    later = date.today() + timedelta(days=2)
    options = ListingOptions(include_audit=True, audit_from=later)
    tables = _tables(build_listings_workbook(study_wb, MONITOR, options))
    assert tables["Audit trail"].rows == []
    cover = " ".join(tables["Cover"].header_lines)
    assert "included, 0 rows" in cover
    assert "WARNING: the audit trail holds 0 rows beside" in cover
