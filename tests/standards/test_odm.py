"""ODM 1.3.2: schema-valid archive, an AuditRecord on every value, the signature seam, and an
import into an empty database that reproduces every clinical record."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import text

from exports.define.schema import schema_errors
from exports.odm.archive import export_odm, odm_document
from exports.odm.signatures import SignatureRecord
from models import Actor
from models.db import make_engine, upgrade
from records.context import Workbench
from records.errors import PermissionDenied, ValidationFailed
from records.integrity import anchor_problems, read_anchor
from records.standards.odm_data import read_archive
from records.standards.odm_import import import_odm
from tests.standards.conftest import EXPORTER

pytestmark = pytest.mark.req("REQ-EXP-02")

NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}
IMPORTER = Actor(user_id=None, username="imp", full_name="Ian Importer", role="investigator")
DERIVED_OR_CLOCK = {"id", "version_id", "entered_at", "completed_at", "site_id"}


@pytest.fixture(scope="module")
def odm_file(demo_wb, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("odm") / "archive.xml"
    export_odm(demo_wb, EXPORTER, out)
    return out


def test_the_archive_passes_the_odm_1_3_2_schema(odm_file):
    assert schema_errors(odm_file.read_bytes(), "odm-1.3.2") == []


def test_the_archive_carries_the_chain_head_it_was_read_at(demo_wb, odm_file):
    """`verify --anchor FILE.xml` finds the anchor (an XML comment: the schema has no field)."""
    head = read_anchor(odm_file)
    with demo_wb.engine.connect() as conn:
        assert anchor_problems(conn, head) == []
        logged = conn.execute(text(
            "SELECT id FROM auditevent WHERE action='export' AND entity='odm' ORDER BY id DESC"
        )).scalar()  # fmt: skip
    assert logged is not None and head.last_id < logged  # read before its own export row


def test_every_item_value_carries_an_audit_record_from_the_trail(demo_wb, odm_file):
    root = etree.parse(str(odm_file)).getroot()
    items = root.findall(".//odm:ItemData", NS)
    assert len(items) > 10_000
    audits = [i.find("odm:AuditRecord", NS) for i in items]
    assert all(a is not None for a in audits)
    ids = {int(a.findtext("odm:SourceID", namespaces=NS).removeprefix("audit:")) for a in audits}
    with demo_wb.engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, username FROM auditevent")).all())
    assert ids <= set(rows)
    users = {u.get("OID") for u in root.iterfind(".//odm:AdminData/odm:User", NS)}
    assert {a.find("odm:UserRef", NS).get("UserOID") for a in audits} <= users
    corrected = [a for a in audits if a.findtext("odm:ReasonForChange", namespaces=NS)]
    assert corrected  # the demo's corrections keep their reasons


def test_study_metadata_comes_from_the_study_definition(study, odm_file):
    root = etree.parse(str(odm_file)).getroot()
    events = {e.get("OID") for e in root.iterfind(".//odm:StudyEventDef", NS)}
    assert events == {"SE.SUBJECT", *(f"SE.{v.code}" for v in study.visits)}
    forms = {f.get("OID") for f in root.iterfind(".//odm:FormDef", NS)}
    assert {f"F.{f.code}" for f in study.forms if f.kind != "log"} <= forms
    sledai = root.find(".//odm:ItemDef[@OID='IT.SLEDAI2K.seizure']", NS)
    assert sledai is not None and sledai.get("DataType") == "text"
    assert root.find(".//odm:CodeList[@OID='CL.AESEV']", NS) is not None


def test_signatures_are_written_through_the_seam(demo_wb, study):
    archive = read_archive(demo_wb, EXPORTER)
    subject = archive.subjects[0]
    visit = next(e for e in subject.events if e.oid == "SE.V1")
    form = next(f for f in visit.forms if f.oid == "F.SLEDAI2K")
    record = SignatureRecord("pi", "Pat Investigator", "2026-03-01T10:00:00Z",
                             "Investigator approval of the form", subject.key, visit.oid,
                             visit.repeat_key, form.oid)  # fmt: skip
    document = odm_document(study, archive, [record])
    assert schema_errors(document, "odm-1.3.2") == []
    root = etree.fromstring(document)
    signatures = root.findall(".//odm:FormData/odm:Signature", NS)
    assert len(signatures) == 1
    assert signatures[0].find("odm:UserRef", NS).get("UserOID") == "USR.pi"
    assert signatures[0].getparent().get("FormOID") == "F.SLEDAI2K"
    definition = root.find(".//odm:AdminData/odm:SignatureDef", NS)
    assert definition.findtext("odm:Meaning", namespaces=NS) == record.meaning


def test_the_odm_archive_needs_the_audit_permission(demo_wb, tmp_path):
    with pytest.raises(PermissionDenied):
        export_odm(demo_wb, IMPORTER, tmp_path / "x.xml")
    assert not (tmp_path / "x.xml").exists()


def _dump(path: str) -> dict[str, list[tuple]]:
    """Every clinical table with foreign keys replaced by natural keys (ids differ on import)."""
    c = sqlite3.connect(path)
    c.row_factory = sqlite3.Row
    subj = dict(c.execute("SELECT id, screening_number FROM subject").fetchall())
    vis = {r["id"]: (subj[r["subject_id"]], r["visit_code"], r["sequence"])
           for r in c.execute("SELECT * FROM visit")}  # fmt: skip
    ass = {
        r["id"]: (vis[r["visit_id"]], r["form_code"]) for r in c.execute("SELECT * FROM assessment")
    }
    aes = {
        r["id"]: (subj[r["subject_id"]], r["sequence"])
        for r in c.execute("SELECT * FROM adverseevent")
    }
    keys = {"subject_id": subj, "visit_id": vis, "assessment_id": ass, "reaction_ae_id": aes}
    out = {}
    tables = ("subject", "visit", "assessment", "assessmentitem", "labresult", "vitalsign",
              "doseadministration", "medication", "medicalhistory", "adverseevent")  # fmt: skip
    for table in tables:
        rows = []
        for r in c.execute(f"SELECT * FROM {table}"):
            rows.append(tuple(sorted(
                (k, repr(keys[k].get(r[k]) if k in keys else r[k]))
                for k in r.keys() if k not in DERIVED_OR_CLOCK  # noqa: SIM118 (sqlite3.Row)
            )))  # fmt: skip
        out[table] = sorted(rows)
    return out


def test_import_into_an_empty_database_gives_the_same_data(demo_wb, study, odm_file, tmp_path):
    path = tmp_path / "imported.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    target = Workbench(engine, study)
    report = import_odm(target, IMPORTER, odm_file.read_bytes())
    assert report.subjects == 4
    source = _dump(str(demo_wb.engine.url.database))
    imported = _dump(str(path))
    for table, rows in source.items():
        assert imported[table] == rows, table
    assert sum(len(rows) for rows in source.values()) > 3000
    with engine.connect() as conn:
        # Every row is the import's, but the site rows the study definition creates (#16).
        clinical = "FROM auditevent WHERE entity <> 'site'"
        origins = set(conn.scalars(text(f"SELECT DISTINCT origin {clinical}")))
        writers = set(conn.scalars(text(f"SELECT DISTINCT username {clinical}")))
    assert origins == {"import"} and writers == {"imp"}
    with pytest.raises(ValidationFailed, match="without subjects"):
        import_odm(target, IMPORTER, odm_file.read_bytes())


def test_import_refuses_what_is_not_odm(wb):
    with pytest.raises(ValidationFailed, match="well-formed"):
        import_odm(wb, IMPORTER, b"<ODM")
    with pytest.raises(ValidationFailed, match=r"ODM 1\.3\.2"):
        import_odm(wb, IMPORTER, b"<x/>")
    monitor = replace(IMPORTER, role="monitor")
    with pytest.raises(PermissionDenied):
        import_odm(wb, monitor, b"<x/>")


def test_manage_py_export_odm(demo_wb, tmp_path):
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    out = tmp_path / "archive.xml"
    done = subprocess.run(
        [sys.executable, "manage.py", "--db", str(demo_wb.engine.url), "export", "odm",
         "--out", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "CDISC ODM 1.3.2, schema-valid" in done.stdout
    assert schema_errors(out.read_bytes(), "odm-1.3.2") == []


def test_listing_options_are_refused_for_the_standards_exports(tmp_path):
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    db = f"sqlite:///{tmp_path / 'empty.db'}"
    done = subprocess.run(
        [sys.executable, "manage.py", "--db", db, "export", "sdtm", "--out", str(tmp_path / "o"),
         "--data-cut", "2026-01-01"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "apply to listings" in done.stderr and not (tmp_path / "o").exists()
