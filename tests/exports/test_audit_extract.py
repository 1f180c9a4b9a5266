"""The audit-trail extract is read after the snapshot, in windows, yet shows the snapshot:
no row written later, and subjects labelled as they were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from exports import ListingOptions, build_listings_export
from models import Subject
from models.db import make_engine, unit_of_work, upgrade
from records.context import Workbench
from records.listings import Scope
from records.listings.snapshot import AuditRange, read_snapshot
from study import load_study
from tests.exports.conftest import MONITOR, WRITER, build_study
from tests.exports.reading import tables


@pytest.fixture
def wb(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    upgrade(engine)
    build_study(engine)
    yield Workbench(engine=engine, study=load_study())
    engine.dispose()


def _rename(wb: Workbench, old: str, new: str) -> None:
    with unit_of_work(wb.engine, WRITER, reason="Typo in screening number") as session:
        subject = session.scalars(select(Subject).where(Subject.screening_number == old)).one()
        subject.screening_number = new


def test_windows_read_later_show_exactly_the_snapshot(wb):
    snapshot = read_snapshot(wb.engine, wb.study, Scope(), AuditRange())
    audit = next(s for s in snapshot.sheets if s.sheet == "Audit trail")
    _rename(wb, "001", "101")  # after the snapshot: new audit rows and a new label
    frames = list(audit.frames(7))
    assert len(frames) > 10 and all(len(f) <= 7 for f in frames)
    ids = [int(i) for f in frames for i in f["id"]]
    assert len(ids) == audit.row_count and ids == sorted(set(ids))
    subjects = {s for f in frames for s in f["subject"].dropna()}
    assert "001" in subjects and "101" not in subjects
    fresh = read_snapshot(wb.engine, wb.study, Scope(), AuditRange())
    later = next(s for s in fresh.sheets if s.sheet == "Audit trail")
    assert later.row_count > audit.row_count


def test_an_audit_extract_longer_than_a_sheet_and_a_window_loses_nothing(wb, monkeypatch):
    whole = tables(build_listings_export(wb, MONITOR, ListingOptions(include_audit=True)).content)
    monkeypatch.setattr("exports.listings.EXCEL_ROWS", 150)  # small sheets, same rules
    monkeypatch.setattr("exports.listings.BLOCK_ROWS", 37)  # windows cross sheet boundaries
    split = tables(build_listings_export(wb, MONITOR, ListingOptions(include_audit=True)).content)
    parts: dict[str, list[str]] = {}
    for name in split:
        parts.setdefault(re.sub(r" \(\d+\)$", "", name), []).append(name)
    assert set(parts) == set(whole) and len(parts["Audit trail"]) > 3
    for base, names in parts.items():
        rows = [row for name in names for row in split[name].rows]
        if base == "Audit trail":  # plus one row: the first export's own audit row
            assert rows[:-1] == whole[base].rows and rows[-1][5] == "export"
        elif base != "Cover":
            assert rows == whole[base].rows, base
