"""The site archive (REQ-EXP-04): every part present and re-hashed against its manifest, the
anchor it was read at checked by `verify --anchor`, refusal when the chain moves while it is
made, one audit row, and the command line."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from exports import site_archive
from exports.csv_file import frame_to_exact_csv_bytes
from exports.site_archive import build_site_archive
from models import Actor, AuditEvent, Subject
from models.db import read_session
from records.errors import PermissionDenied, ValidationFailed
from records.integrity import anchor_problems, current_anchor, read_anchor
from records.queries import raise_query
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.req("REQ-EXP-04")

DM = Actor(user_id=None, username="dm", full_name="Dana Manager", role="data_manager",
           origin="cli")  # fmt: skip
PI = Actor(user_id=None, username="pi", full_name="Ivy Investigator", role="investigator",
           origin="cli")  # fmt: skip


@pytest.fixture(scope="module")
def archive(cli_demo, tmp_path_factory):
    wb, _ = cli_demo
    anchor = current_anchor(wb.engine)
    out = tmp_path_factory.mktemp("archive") / "site.zip"
    said: list[str] = []
    made = build_site_archive(wb, DM, out, progress=said.append)
    return wb, out, made, anchor, said


def test_every_part_is_there_and_matches_its_manifest(archive):
    wb, out, made, anchor, said = archive
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        for entry in manifest["files"]:
            data = zf.read(entry["path"])
            digest = hashlib.sha256(data).hexdigest()
            assert (len(data), digest) == (entry["bytes"], entry["sha256"])
        sums = zf.read("SHA256SUMS").decode().splitlines()
    with read_session(wb.engine) as session:
        numbers = set(session.scalars(select(Subject.screening_number)))
    books = {n for n in names if n.startswith("casebooks/")}
    assert {n.rsplit("-", 2)[-2] + "-" + n.rsplit("-", 1)[-1][:-4] for n in books} == numbers
    assert any(n.startswith("listings/") and n.endswith(".xlsx") for n in names)
    assert any(n.startswith("odm/") and n.endswith(".xml") for n in names)
    assert {"README.txt", "manifest.json", "SHA256SUMS"} <= names
    assert {e["path"] for e in manifest["files"]} == names - {"manifest.json", "SHA256SUMS"}
    assert sorted(line.split("  ", 1)[1] for line in sums) == sorted(
        e["path"] for e in manifest["files"]
    )
    assert manifest["anchor_line"] == anchor == made.anchor
    assert len(said) == len(numbers) + 3  # progress: each casebook, listings, audit, ODM


def test_the_audit_trail_is_whole_at_the_anchor(archive):
    _, out, made, anchor, _ = archive
    rows = int(anchor.split(": ", 1)[1].split(":")[0])
    with zipfile.ZipFile(out) as zf:
        name = next(n for n in zf.namelist() if n.startswith("audit/"))
        text = zf.read(name).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(table) == rows == made.audit_rows
    ids = [int(r["Audit row"]) for r in table]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(len(r["Row hash (SHA-256 chain)"]) == 64 for r in table)


def test_casebooks_in_the_archive_are_readable_pdfs(archive):
    _, out, _, anchor, _ = archive
    with zipfile.ZipFile(out) as zf:
        name = sorted(n for n in zf.namelist() if n.startswith("casebooks/"))[0]
        reader = PdfReader(io.BytesIO(zf.read(name)))
    text = "".join(p.extract_text() for p in reader.pages)
    assert f"Page 1 of {len(reader.pages)}" in text
    assert anchor.split(": ", 1)[1][:20] in text.replace("\n", "")


def test_verify_anchor_accepts_the_archive_and_the_export_is_logged_once(archive):
    wb, out, _, anchor, _ = archive
    head = read_anchor(out)
    assert f"{head.rows}:{head.last_id}:{head.row_hash}" == anchor.split(": ", 1)[1]
    with wb.engine.connect() as conn:
        assert anchor_problems(conn, head) == []
    with read_session(wb.engine) as session:
        after = session.scalars(select(AuditEvent).where(AuditEvent.id > head.last_id)).all()
    assert [(e.action, e.entity) for e in after] == [("export", "archive")]


def test_refused_when_the_chain_moves_while_it_is_made(cli_demo, tmp_path):
    wb, _ = cli_demo
    with read_session(wb.engine) as session:
        subject_id = session.scalars(select(Subject.id)).first()
    moved: list[str] = []

    def meanwhile(text: str) -> None:  # someone writes while the archive is being made
        if not moved:
            raise_query(wb, DM, entity="subject", record_id=subject_id, field=None,
                        text="Please confirm the consent date")  # fmt: skip
        moved.append(text)

    out = tmp_path / "site.zip"
    with pytest.raises(ValidationFailed, match="changed while the archive"):
        build_site_archive(wb, DM, out, progress=meanwhile)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_an_investigator_cannot_make_it(cli_demo, tmp_path):
    wb, _ = cli_demo
    with read_session(wb.engine) as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(PermissionDenied):
        build_site_archive(wb, PI, tmp_path / "site.zip")
    with read_session(wb.engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_command_line(cli_demo, tmp_path):
    _, url = cli_demo
    out = tmp_path / "site.zip"
    done = subprocess.run(
        [sys.executable, "manage.py", "--db", url, "export", "archive", "--out", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "casebooks" in done.stdout and zipfile.is_zipfile(out)
    verify = subprocess.run(
        [sys.executable, "manage.py", "--db", url, "verify", "--anchor", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert verify.returncode == 0 and "extends the anchor" in verify.stdout


def test_an_archive_whose_export_cannot_be_logged_is_not_left_on_disk(
    cli_demo, tmp_path, monkeypatch
):
    """The audit row is written before the zip is moved in place: no row, no archive."""
    wb, _ = cli_demo

    def refused(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(site_archive, "audit_export", refused)
    with pytest.raises(RuntimeError, match="audit trail unavailable"):
        build_site_archive(wb, DM, tmp_path / "site.zip")
    assert list(tmp_path.iterdir()) == []


def test_the_archived_audit_csv_keeps_values_exactly():
    """Evidence is not neutralised for spreadsheets: a leading = or + stays as stored."""
    frame = pd.DataFrame({"Reason": ["=HYPERLINK(1)", "+1", "plain"], "Rows": [1, 2, 3]})
    table = list(csv.DictReader(io.StringIO(
        frame_to_exact_csv_bytes(frame).decode("utf-8-sig"), newline="")))  # fmt: skip
    assert [r["Reason"] for r in table] == ["=HYPERLINK(1)", "+1", "plain"]
