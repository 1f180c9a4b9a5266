"""A second, independent spreadsheet application reads the listings workbook cell for cell.

LibreOffice Calc (headless, from Debian) opens the workbook and saves it again as xlsx; every
sheet's values read from its copy must equal ours. This catches package or cell XML that
openpyxl tolerates and a real spreadsheet would repair or misread. `make test` and CI install
`libreoffice-calc-nogui`; elsewhere the test is skipped, unless CI is set, where it must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from exports import ListingOptions, build_listings_export
from tests.exports.conftest import MONITOR, PAYLOADS
from tests.exports.reading import sheet_values

SOFFICE = shutil.which("soffice")


def _trimmed(rows: list[tuple]) -> list[tuple]:
    """Rows without trailing blank cells (a spreadsheet keeps no empty cells)."""
    out = [tuple(row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)])
           for row in rows]  # fmt: skip
    while out and not out[-1]:
        out.pop()
    return out


@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) not installed"
)
def test_libreoffice_reads_every_cell_as_written(study_wb, tmp_path: Path):
    assert SOFFICE, "CI must install libreoffice-calc-nogui (see .ci/run)"
    export = build_listings_export(study_wb, MONITOR, ListingOptions(include_audit=True))
    source = tmp_path / "listings.xlsx"
    source.write_bytes(export.content)
    out = tmp_path / "saved"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
         str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    ours, theirs = sheet_values(export.content), sheet_values((out / source.name).read_bytes())
    assert list(theirs) == list(ours)
    for name, rows in ours.items():
        assert _trimmed(theirs[name]) == _trimmed(rows), name
    found = {v for rows in theirs.values() for row in rows for v in row}
    assert set(PAYLOADS) <= found
