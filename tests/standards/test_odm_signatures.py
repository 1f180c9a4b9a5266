"""#11: the ODM archive carries each valid visit signature on every FormData of the visit."""

from __future__ import annotations

import dataclasses

from lxml import etree

from exports.odm.archive import export_odm
from models import SYSTEM_ACTOR
from records import auth
from records.context import Workbench
from records.signatures import sign
from records.subjects import screen_subject
from records.visits import calendar, record_visit_date
from records.vitals import load_vitals, save_vitals

NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}
PASSWORD = "odm signing pass phrase"
VITALS = {"SYSBP": 118, "DIABP": 74, "PULSE": 70, "RESP": 14, "TEMP": 36.8, "WEIGHT": 64}


def _signed_screening(wb: Workbench) -> tuple[Workbench, int, object]:
    policy = dataclasses.replace(wb.study.signatures, required_form_kinds=("vitals",))
    wb = Workbench(wb.engine, dataclasses.replace(wb.study, signatures=policy))
    values = {"username": "pi", "full_name": "Pat Investigator", "role": "investigator"}
    pi = auth.actor_for(auth.create_user(wb.engine, SYSTEM_ACTOR, values | {"password": PASSWORD}))
    subject = {"screening_number": "001-001", "sex": "F", "birth_year": 1980}
    made = screen_subject(wb, SYSTEM_ACTOR, {**subject, "consent_date": "2025-01-02"})
    scr = next(r.visit_id for r in calendar(wb, made.id) if r.visit_code == "SCR")
    record_visit_date(wb, SYSTEM_ACTOR, scr, "2025-01-03")
    save_vitals(wb, SYSTEM_ACTOR, visit_id=scr, values=VITALS)
    sign(wb, pi, subject_id=made.id, visit_id=scr, meaning_code="REVIEW", password=PASSWORD)
    return wb, scr, pi


def _signatures(path) -> list:
    root = etree.parse(str(path)).getroot()
    return root.findall(
        ".//odm:StudyEventData[@StudyEventOID='SE.SCR']/odm:FormData/odm:Signature", NS
    )


def test_valid_visit_signature_on_each_form_invalidated_one_left_out(wb, tmp_path):
    wb, scr, _ = _signed_screening(wb)
    export_odm(wb, SYSTEM_ACTOR, tmp_path / "signed.xml")
    signed = _signatures(tmp_path / "signed.xml")
    assert signed and all(s.find("odm:UserRef", NS).get("UserOID") == "USR.pi" for s in signed)
    save_vitals(wb, SYSTEM_ACTOR, visit_id=scr, values={**VITALS, "WEIGHT": 65},
                reason="correction", expected_version=load_vitals(wb, scr).version)  # fmt: skip
    export_odm(wb, SYSTEM_ACTOR, tmp_path / "invalidated.xml")
    assert _signatures(tmp_path / "invalidated.xml") == []
