"""ADSL and ADRESP carry the outcome derivations unchanged (records.outcomes is the source)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlmodel import Session, select

from demo import build_demo
from demo.events import INVESTIGATOR
from models.db import make_engine, upgrade
from models.subjects import Subject, Visit
from records.context import Workbench
from records.medications import save_medication
from records.outcomes.snapshot import build_outcomes
from records.standards.package import read_submission
from tests.standards.conftest import EXPORTER, TODAY


def test_adresp_verdicts_are_the_outcome_verdicts(demo_wb, submission):
    adresp = submission.dataset("ADRESP").frame
    table = build_outcomes(demo_wb, TODAY).with_sri((4, 5, 6, 7, 8))
    expected = {}
    for (_sid, vid, index), result in table.cells.items():
        code = index.replace("-", "")
        if code in {"SRI4", "SRI5", "SRI6", "SRI7", "SRI8", "BICLA", "LLDAS", "DORIS"}:
            expected[(vid, code)] = {True: "Y", False: "N", None: None}[result.responder]
    got = adresp[adresp["PARAMCD"].isin({c for _, c in expected})]
    assert len(got) == len(expected) > 50
    counts = got["AVALC"].value_counts(dropna=False).to_dict()
    want = pd.Series(list(expected.values())).value_counts(dropna=False).to_dict()
    assert counts == want
    assert set(got["AVAL"].dropna()) <= {0.0, 1.0}
    assert (got["AVALC"].eq("Y") == got["AVAL"].eq(1.0)).all()


@pytest.fixture(scope="module")
def rescued(tmp_path_factory, study):
    """The four-subject demo plus an IV methylprednisolone pulse (rescue, spec §3.3 (b)) given to
    the non-responding subject after its V5, so rule-decided non-responses exist to be read."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('rescued') / 'demo.db'}")
    upgrade(engine)
    wb = Workbench(engine, study)
    build_demo(wb, subjects=4, seed=1, today=TODAY)
    with Session(engine) as session:
        subject_id, v5 = session.exec(
            select(Subject.id, Visit.actual_date)
            .join(Visit, Visit.subject_id == Subject.id)
            .where(Subject.screening_number == "001-004", Visit.visit_code == "V5")
        ).one()
    pulse = {"drug": "methylprednisolone", "dose": 500, "dose_unit": "mg", "frequency": "QD",
             "route": "INTRAVENOUS", "indication": "SLE flare", "corticosteroid": True,
             "pulse": True, "start": v5 + timedelta(days=1), "stop": v5 + timedelta(days=1),
             "ongoing": False}  # fmt: skip
    save_medication(wb, INVESTIGATOR, subject_id=subject_id, values=pulse, today=TODAY)
    return read_submission(wb, EXPORTER, TODAY)


def test_non_responses_name_their_reasons_and_rule_decisions_are_nri(submission, rescued):
    for adresp in (submission.dataset("ADRESP").frame, rescued.dataset("ADRESP").frame):
        no = adresp[adresp["AVALC"] == "N"]
        assert not no.empty and no["NRREAS"].notna().all()
        nri = no[no["DTYPE"] == "NRI"]
        assert nri["NRREAS"].str.contains("rule:").all()
        assert not no[no["DTYPE"].isna()]["NRREAS"].str.contains("rule:").any()


def test_a_rescue_pulse_makes_later_visits_rule_decided_non_responses(rescued):
    adresp = rescued.dataset("ADRESP").frame
    sri4 = adresp[(adresp["USUBJID"].str.endswith("001-004")) & (adresp["PARAMCD"] == "SRI4")]
    later = sri4[sri4["AVISITN"] > sri4.loc[sri4["AVISIT"] == "V5", "AVISITN"].iloc[0]]
    assert not later.empty
    assert (later["AVALC"] == "N").all() and (later["DTYPE"] == "NRI").all()
    assert later["NRREAS"].str.contains("rule:").all()
    assert later["NRREAS"].str.contains("methylprednisolone|pulse|rescue", case=False).all()


def test_sri4_components_and_scores_with_change_from_baseline(submission):
    adresp = submission.dataset("ADRESP").frame
    assert {"SRI4SLD", "SRI4BLG", "SRI4PGA", "SLEDAI", "PGA"} <= set(adresp["PARAMCD"])
    sledai = adresp[adresp["PARAMCD"] == "SLEDAI"]
    base = sledai[sledai["ABLFL"] == "Y"]
    assert base.duplicated("USUBJID").sum() == 0 and len(base) == 3
    after = sledai.dropna(subset=["CHG"])
    assert ((after["AVAL"] - after["BASE"]).round(6) == after["CHG"].round(6)).all()


def test_adsl_populations(submission):
    adsl = submission.dataset("ADSL").frame.set_index("SUBJID")
    assert adsl["SAFFL"].value_counts().to_dict() == {"Y": 3, "N": 1}
    assert adsl.loc[adsl["SAFFL"] == "N", "DCSREAS"].tolist() == ["SCREEN FAILURE"]
    assert (adsl.loc[adsl["SAFFL"] == "Y", "TRTSDT"] > 23000).all()
    assert set(adsl["EOSSTT"]) == {"COMPLETED", "DISCONTINUED", "ONGOING"}
