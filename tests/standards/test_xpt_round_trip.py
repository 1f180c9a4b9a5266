"""Every dataset written as XPT v5, read back by two independent readers (pyreadstat and
pandas' own SAS XPORT reader), compared with the dataset and with the database."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from sqlalchemy import text

from exports.sdtm.package import write_package

READERS = ("pyreadstat", "pandas")


@pytest.fixture(scope="module")
def folder(submission, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("package")
    write_package(submission, out)
    return out


PANDAS_ZERO = 16.0**-65
"""pandas 3.1 decodes the IBM float true zero (eight 0x00 bytes, as pyreadstat writes it and the
SAS XPORT spec defines it) as 16**-65; checked in test_pandas_reads_ibm_zero_as_16_to_minus_65."""


def _read(path: Path, reader: str) -> pd.DataFrame:
    if reader == "pyreadstat":
        frame, meta = pyreadstat.read_xport(str(path))
        assert meta.table_name == path.stem.upper()
        return frame
    frame = pd.read_sas(path, format="xport", encoding="ascii")
    return frame.map(lambda v: 0.0 if isinstance(v, float) and abs(v) == PANDAS_ZERO else v)


def test_pandas_reads_ibm_zero_as_16_to_minus_65(tmp_path):
    path = tmp_path / "zero.xpt"
    pyreadstat.write_xport(pd.DataFrame({"X": [0.0, 1.0]}), str(path), file_format_version=5)
    assert path.read_bytes()[-80:-72] == bytes(8)  # the IBM zero on disk
    assert pd.read_sas(path, format="xport")["X"].tolist() == [PANDAS_ZERO, 1.0]
    assert pyreadstat.read_xport(str(path))[0]["X"].tolist() == [0.0, 1.0]


def _cell(value: object) -> object:
    """Blank text and missing numbers compare equal to None (XPT stores "" and NaN); dates
    as SAS day numbers."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, date):  # pyreadstat applies the DATE9. format of ADaM dates
        return float((value - date(1960, 1, 1)).days)
    return value


def _cells(frame: pd.DataFrame) -> list[list[object]]:
    return [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def _all(submission):
    return [("sdtm", d) for d in submission.sdtm] + [("adam", d) for d in submission.adam]


def test_every_dataset_reads_back_identically_with_both_readers(submission, folder):
    for part, dataset in _all(submission):
        path = folder / part / f"{dataset.name.lower()}.xpt"
        expected = _cells(dataset.frame)
        for reader in READERS:
            frame = _read(path, reader)
            assert list(frame.columns) == [v.name for v in dataset.variables], (
                dataset.name,
                reader,
            )
            assert _cells(frame) == expected, (dataset.name, reader)


def test_the_files_are_xport_version_5(submission, folder):
    for part, dataset in _all(submission):
        head = (folder / part / f"{dataset.name.lower()}.xpt").read_bytes()[:80]
        assert head.startswith(b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!")
        assert b"LIBV8" not in head


def test_lab_results_match_the_database(demo_wb, folder):
    frame, _ = pyreadstat.read_xport(str(folder / "sdtm" / "lb.xpt"))
    with demo_wb.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT s.screening_number, l.test_code, l.value, l.unit FROM labresult l "
            "JOIN subject s ON s.id = l.subject_id"
        )).all()  # fmt: skip
    db = sorted((f"LK-23-01-{s}", t, v or "", u or "") for s, t, v, u in rows)
    xpt = sorted(zip(frame["USUBJID"], frame["LBTESTCD"], frame["LBORRES"], frame["LBORRESU"],
                     strict=True))  # fmt: skip
    assert len(db) > 1000
    assert xpt == db


def test_subjects_adverse_events_and_doses_match_the_database(demo_wb, folder):
    dm = pd.read_sas(folder / "sdtm" / "dm.xpt", format="xport", encoding="ascii")
    ae = pd.read_sas(folder / "sdtm" / "ae.xpt", format="xport", encoding="ascii")
    ex, _ = pyreadstat.read_xport(str(folder / "sdtm" / "ex.xpt"))
    with demo_wb.engine.connect() as conn:
        subjects = conn.execute(text("SELECT screening_number, sex FROM subject")).all()
        events = conn.execute(text("SELECT term, severity, serious FROM adverseevent")).all()
        doses = conn.execute(text("SELECT lot, cells_total FROM doseadministration")).all()
    assert sorted(zip(dm["SUBJID"], dm["SEX"], strict=True)) == sorted(subjects)
    assert sorted(zip(ae["AETERM"], ae["AESEV"], ae["AESER"], strict=True)) == sorted(
        (t, s, "Y" if serious else "N") for t, s, serious in events
    )
    assert sorted(zip(ex["EXLOT"], ex["EXDOSE"], strict=True)) == sorted(doses)


def test_vital_signs_match_the_database(demo_wb, folder):
    vs = pd.read_sas(folder / "sdtm" / "vs.xpt", format="xport", encoding="ascii")
    with demo_wb.engine.connect() as conn:
        rows = conn.execute(text("SELECT test_code, value_num FROM vitalsign")).all()
    assert sorted(zip(vs["VSTESTCD"], vs["VSSTRESN"], strict=True)) == sorted(rows)


def test_manage_py_export_sdtm_writes_the_folder_and_audits_it(demo_wb, tmp_path):
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    url = str(demo_wb.engine.url)
    out = tmp_path / "submission"
    done = subprocess.run(
        [sys.executable, "manage.py", "--db", url, "export", "sdtm", "--out", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "warning: ADSL.RACE [required]" in done.stderr
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {
        "sdtm/dm.xpt",
        "sdtm/json/dm.json",
        "sdtm/define.xml",
        "adam/adsl.xpt",
        "adam/adresp.xpt",
        "adam/define.xml",
        "conformance.txt",
        "manifest.json",
    } <= written
    with demo_wb.engine.connect() as conn:
        audit = conn.execute(text(
            "SELECT origin, new_value FROM auditevent WHERE action='export' AND entity='sdtm'"
        )).all()  # fmt: skip
    assert audit and audit[-1][0] == "cli" and "sdtm/dm.xpt" in audit[-1][1]
    # the manifest carries the chain head the datasets were read at (issue #13)
    from records.integrity import anchor_problems, read_anchor

    head = read_anchor(out / "manifest.json")
    with demo_wb.engine.connect() as conn:
        assert anchor_problems(conn, head) == []
        assert head.last_id < conn.execute(text("SELECT max(id) FROM auditevent")).scalar_one()
