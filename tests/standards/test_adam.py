"""ADSL and ADRESP carry the outcome derivations unchanged (records.outcomes is the source)."""

from __future__ import annotations

import pandas as pd

from records.outcomes.snapshot import build_outcomes
from tests.standards.conftest import TODAY


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


def test_non_responses_name_their_reasons_and_rule_decisions_are_nri(submission):
    adresp = submission.dataset("ADRESP").frame
    no = adresp[adresp["AVALC"] == "N"]
    assert not no.empty and no["NRREAS"].notna().all()
    nri = no[no["DTYPE"] == "NRI"]
    assert not nri.empty and nri["NRREAS"].str.contains("rule:").all()
    assert not no[no["DTYPE"].isna()]["NRREAS"].str.contains("rule:").any()


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
