"""Plain words for what a result names (#14 item 9): criteria, rules, inputs."""

from __future__ import annotations

from scoring import remission, responders, words
from scoring.verdict import ALL_RULES, IntercurrentEvents, rule_components


def test_every_rule_has_words_and_its_reason_uses_them():
    assert set(ALL_RULES) == set(words.RULES)
    events = IntercurrentEvents(rescue_therapy=True)
    found = {c.name: c.reason for c in rule_components(events, responders.DEFAULT_RULES)}
    assert found["rule:rescue_therapy"].startswith("rescue-therapy rule (")
    assert words.criterion("rule:withdrawal") == "withdrawal rule"


def test_every_criterion_the_indices_name_has_words():
    """Each index on inputs that leave every criterion not evaluable names them all."""
    sri = responders.sri(
        baseline_bilag=None, visit_bilag=None, baseline_sledai=None, visit_sledai=None,
        baseline_pga=None, visit_pga=None,
    )  # fmt: skip
    lldas = remission.lldas(
        descriptors=None, previous_descriptors=None, pga=None, prednisone_mg=None,
        gi_or_haemolysis=None, disallowed_therapy=None,
    )  # fmt: skip
    names = {c.name for r in (sri, lldas) for c in r.components}
    assert names - {f"rule:{r}" for r in ALL_RULES} <= set(words.CRITERIA)
    assert set(sri.missing) | set(lldas.missing) <= set(words.INPUTS)
    assert "visit SLEDAI-2K" in sri.reasons[1] and "_" not in " ".join(sri.reasons)
    assert sri.reasons[0] == "SRI-4: not evaluable (SLEDAI-2K, no BILAG-2004 worsening, PGA)"


def test_a_bilag_input_keeps_its_absent_domains():
    assert words.input_name("visit_bilag (Renal, Neuropsychiatric)") == (
        "visit BILAG-2004 grades (Renal, Neuropsychiatric)"
    )
