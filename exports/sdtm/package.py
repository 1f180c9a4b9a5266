"""The submission folder: SDTM and ADaM as XPT v5 and Dataset-JSON v1.1, a define.xml per
standard, our conformance report and a manifest of SHA-256 digests.

Layout (documented in the README):
    sdtm/<name>.xpt, sdtm/define.xml, sdtm/json/<name>.json
    adam/<name>.xpt, adam/define.xml, adam/json/<name>.json
    conformance.txt, manifest.json
Every dataset is checked against the XPT v5 limits and each define.xml against the Define-XML
2.1 schema before anything is written, so a refused export leaves no partial folder behind.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from exports.define.define_xml import define_xml
from exports.define.schema import schema_errors
from exports.sdtm.dataset_json import dataset_json_bytes
from exports.sdtm.xpt import XportLimitError, v5_problems, xpt_bytes
from records.standards.model import Dataset
from records.standards.package import Submission


@dataclass(frozen=True, slots=True)
class PackageFile:
    """One written file: path relative to the folder, size, SHA-256 and rows (datasets)."""

    path: str
    size: int
    sha256: str
    rows: int | None = None


def package_files(submission: Submission, created: datetime | None = None) -> dict[str, bytes]:
    """Every file of the package by relative path, after all checks passed."""
    created = created or datetime.now(UTC)
    problems = [p for d in (*submission.sdtm, *submission.adam) for p in v5_problems(d)]
    if problems:
        raise XportLimitError(problems)
    files: dict[str, bytes] = {}
    oid = submission.study.study.protocol
    for folder, datasets in (("sdtm", submission.sdtm), ("adam", submission.adam)):
        define = define_xml(submission.study, datasets, submission.codelists, created)
        errors = schema_errors(define, "define-2.1")
        if errors:
            raise ValueError(f"{folder}/define.xml fails the Define-XML 2.1 schema: {errors[:3]}")
        files[f"{folder}/define.xml"] = define
        for d in datasets:
            files[f"{folder}/{d.name.lower()}.xpt"] = xpt_bytes(d)
            files[f"{folder}/json/{d.name.lower()}.json"] = dataset_json_bytes(d, oid, created)
    files["conformance.txt"] = conformance_text(submission).encode("utf-8")
    return files


def conformance_text(submission: Submission) -> str:
    """What our own checks found, and what they do not cover (CDISC CORE does not run here)."""
    lines = [
        "Conformance checks run by the workbench (records/standards/conformance.py):",
        "required variables populated, --TESTCD <= 8 / --TEST <= 40, controlled terms,",
        "--DY against DM.RFSTDTC (no day 0), key uniqueness; XPT v5 limits (names <= 8,",
        "labels <= 40, values <= 200 bytes, ASCII) and the Define-XML 2.1 schema are enforced",
        "before writing. Not checked: the CDISC CORE rule set, MedDRA/WHODrug coding.",
        "",
        f"Findings: {len(submission.findings)}",
        *(f"  - {f}" for f in submission.findings),
    ]
    return "\n".join(lines) + "\n"


def _datasets(submission: Submission) -> dict[str, Dataset]:
    return {d.name.lower(): d for d in (*submission.sdtm, *submission.adam)}


def manifest(files: dict[str, bytes], submission: Submission) -> list[PackageFile]:
    """Size, SHA-256 and (for datasets) row count of every file, in path order."""
    by_name = _datasets(submission)
    out = []
    for path in sorted(files):
        stem = Path(path).stem
        rows = len(by_name[stem].frame) if path.endswith((".xpt", ".json")) else None
        out.append(PackageFile(path, len(files[path]), hashlib.sha256(files[path]).hexdigest(),
                               rows))  # fmt: skip
    return out


def write_package(
    submission: Submission, folder: Path, created: datetime | None = None
) -> list[PackageFile]:
    """Write the package into `folder` (created if needed) and return its manifest."""
    files = package_files(submission, created)
    listed = manifest(files, submission)
    files["manifest.json"] = json.dumps(
        {
            "anchor": submission.anchor.split(": ", 1)[-1],  # `verify --anchor manifest.json`
            "anchor_line": submission.anchor,
            "files": [_as_dict(f) for f in listed],
        },
        indent=1,
    ).encode("utf-8")
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return listed


def _as_dict(f: PackageFile) -> dict[str, object]:
    return {"path": f.path, "size": f.size, "sha256": f.sha256, "rows": f.rows}


def package_zip(submission: Submission, created: datetime | None = None) -> bytes:
    """The same package as one zip (for the download button)."""
    with tempfile.TemporaryDirectory() as tmp:
        write_package(submission, Path(tmp), created)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(tmp).as_posix())
        return buffer.getvalue()
