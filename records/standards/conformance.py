"""The conformance checks we run ourselves on the SDTM/ADaM datasets (records §4.4, §4.5, §4.8).

CDISC CORE cannot run here (README); these are the rules we can check without it: required
variables populated, --TESTCD ≤ 8 and --TEST ≤ 40, controlled terms, the --DY rule against
DM.RFSTDTC (no day 0), and key uniqueness. Each finding names dataset, variable and rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from records.standards import timing
from records.standards.model import Dataset
from records.standards.terms import Codelist


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule: where, which rule, and what is wrong."""

    dataset: str
    variable: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.dataset}.{self.variable} [{self.rule}] {self.message}"


def check(datasets: Iterable[Dataset], codelists: Mapping[str, Codelist]) -> list[Finding]:
    """Every finding over all datasets (empty when all pass)."""
    datasets = list(datasets)
    rf = _reference_dates(datasets)
    out: list[Finding] = []
    for d in datasets:
        out += required(d) + test_lengths(d) + terms(d, codelists) + keys_unique(d)
        out += study_days(d, rf)
    return out


def required(d: Dataset) -> list[Finding]:
    """Req variables are present on every record."""
    return [
        Finding(d.name, v.name, "required", f"{int(blank.sum())} record(s) blank")
        for v in d.variables
        if v.core == "Req" and (blank := d.frame[v.name].map(timing.missing)).any()
    ]


def test_lengths(d: Dataset) -> list[Finding]:
    """--TESTCD ≤ 8 characters, starting with a letter; --TEST ≤ 40 characters."""
    out = []
    for v in d.variables:
        limit = 8 if v.name.endswith("TESTCD") else 40 if v.name.endswith("TEST") else 0
        if not limit:
            continue
        long = [x for x in d.frame[v.name].dropna().unique() if len(x) > limit]
        bad = [x for x in d.frame[v.name].dropna().unique() if limit == 8 and not x[:1].isalpha()]
        if long or bad:
            out.append(Finding(d.name, v.name, "test-length", f"invalid values {(long + bad)[:5]}"))
    return out


def terms(d: Dataset, codelists: Mapping[str, Codelist]) -> list[Finding]:
    """Values of a variable with a non-empty codelist are terms of that codelist."""
    out = []
    for v in d.variables:
        codelist = codelists.get(v.codelist or "")
        if codelist is None or not codelist.terms:
            continue
        used = set(d.frame[v.name].dropna().unique())
        unknown = sorted(str(x) for x in used - codelist.values)
        if unknown:
            out.append(Finding(d.name, v.name, "controlled-terms",
                               f"not in {codelist.name}: {unknown[:5]}"))  # fmt: skip
    return out


def keys_unique(d: Dataset) -> list[Finding]:
    """The dataset's keys identify each record once."""
    keys = [k for k in d.keys if k in d.frame.columns]
    dupes = d.frame.duplicated(keys, keep=False) if keys and not d.frame.empty else None
    if dupes is None or not dupes.any():
        return []
    sample = d.frame.loc[dupes, keys].head(3).to_dict("records")
    return [Finding(d.name, ",".join(keys), "key-unique",
                    f"{int(dupes.sum())} records share keys, e.g. {sample}")]  # fmt: skip


def _reference_dates(datasets: list[Dataset]) -> dict[str, str | None]:
    dm = next((d for d in datasets if d.name == "DM"), None)
    if dm is None:
        return {}
    return dict(zip(dm.frame["USUBJID"], dm.frame["RFSTDTC"], strict=True))


def study_days(d: Dataset, rf: Mapping[str, str | None]) -> list[Finding]:
    """Each --DY/--STDY/--ENDY equals the SDTMIG rule applied to its --DTC; never day 0."""
    out = []
    for day_var, dtc_var in _day_pairs(d):
        expected = [
            timing.study_day(dtc, rf.get(u))
            for dtc, u in zip(d.frame[dtc_var], d.frame["USUBJID"], strict=True)
        ]
        got = d.frame[day_var].tolist()
        wrong = [i for i, (e, g) in enumerate(zip(expected, got, strict=True)) if not _same(e, g)]
        zero = int(pd.Series(got).eq(0).sum())
        if wrong or zero:
            message = f"{len(wrong)} value(s) differ from the rule, {zero} day 0"
            out.append(Finding(d.name, day_var, "study-day", message))
    return out


def _day_pairs(d: Dataset) -> list[tuple[str, str]]:
    names = {v.name for v in d.variables}
    if "USUBJID" not in names:
        return []
    pairs = []
    for name in names:
        if name.endswith("DY") and name not in ("VISITDY",):
            dtc = name[:-2] + "DTC"
            if dtc in names:
                pairs.append((name, dtc))
    return sorted(pairs)


def _same(expected: int | None, got: object) -> bool:
    if expected is None:
        return timing.missing(got)
    return not timing.missing(got) and int(got) == expected  # type: ignore[call-overload]
