"""Submission exports in one call each: the SDTM/ADaM folder (or zip) and the ODM archive,
each read through the records use cases and recorded in the audit trail."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from exports.sdtm.package import PackageFile, package_zip, write_package
from records.context import Workbench
from records.export_log import Actor, audit_export
from records.standards.package import Submission, read_submission


def export_submission(
    wb: Workbench, actor: Actor, folder: Path, today: date | None = None
) -> tuple[Submission, list[PackageFile]]:
    """Write the SDTM/ADaM package into `folder`; audited with every file's digest."""
    submission = read_submission(wb, actor, today)
    files = write_package(submission, folder)
    payload = {"folder": str(folder), "files": {f.path: f.sha256 for f in files},
               "findings": len(submission.findings)}  # fmt: skip
    audit_export(wb, actor, "sdtm", payload)
    return submission, files


@dataclass(frozen=True, slots=True)
class SubmissionZip:
    """The zipped package, its file name and SHA-256, and what our conformance checks found."""

    content: bytes
    file_name: str
    sha256: str
    findings: tuple[str, ...]


def submission_zip(wb: Workbench, actor: Actor, today: date | None = None) -> SubmissionZip:
    """The package as one zip (the download button); audited with the zip's digest."""
    submission = read_submission(wb, actor, today)
    content = package_zip(submission)
    name = f"{wb.study.study.protocol}_{wb.study.study.id}_sdtm_adam.zip"
    digest = hashlib.sha256(content).hexdigest()
    findings = tuple(str(f) for f in submission.findings)
    audit_export(wb, actor, "sdtm", {"file_name": name, "sha256": digest,
                                     "findings": len(findings)})  # fmt: skip
    return SubmissionZip(content, name, digest, findings)
