"""The listings cover anchors the audit chain; `verify --anchor` reads it back (issue #13)."""

from __future__ import annotations

from exports.listings import ListingOptions, build_listings_export
from models.audit_chain import chain_head
from records.integrity import ANCHOR_LABEL, read_anchor
from records.maintenance import check
from tests.exports.conftest import MONITOR


def test_the_cover_carries_the_chain_head_read_with_the_data(study_wb, tmp_path):
    with study_wb.engine.connect() as conn:
        before = chain_head(conn)
    export = build_listings_export(study_wb, MONITOR, ListingOptions())
    path = tmp_path / export.file_name
    path.write_bytes(export.content)
    anchor = read_anchor(path)
    assert anchor == before  # the head the sheets were read with, before the export's own row
    report = check(study_wb.engine, anchor)  # this fixture's data do not all replay: see anchors
    assert not [p for p in report.problems if p.startswith("anchor")]
    assert report.head.rows == before.rows + 1


def test_a_text_file_with_the_anchor_line_is_an_anchor(study_wb, tmp_path):
    with study_wb.engine.connect() as conn:
        head = chain_head(conn)
    note = tmp_path / "anchor.txt"
    note.write_text(f"filed with the TMF\n{ANCHOR_LABEL}: {head.as_text()}\n")
    assert read_anchor(note) == head
