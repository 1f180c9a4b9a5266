"""The baseline of each measure and the change from it (spec/study.md: V1 is baseline).

[DESIGN] Baseline = the value at the protocol's baseline visit; when that visit lacks it, the
latest value from a screening visit (pre-dose by definition), named in `<column>_from`. Composite
indices (SRI, BICLA, KDIGO) read the same baseline values, so every table agrees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from records.cells import missing
from records.outcomes.catalogue import MEASURES
from records.outcomes.measures import BILAG_GRADE_COLUMNS
from study.schema import StudyDefinition

OBJECT_COLUMNS = (
    "sledai_descriptors",
    "pga_text",
    "bilag_overall",
    "gi_haemolysis",
    *BILAG_GRADE_COLUMNS.values(),
)
"""Non-numeric columns carried at baseline (descriptors, exact PGA text, BILAG grades)."""
BASELINE_COLUMNS = (*(m.key for m in MEASURES), *OBJECT_COLUMNS)


@dataclass(frozen=True, slots=True)
class BaselineRule:
    """Which visit is baseline, which visits may stand in, and the rule in words."""

    visit: str
    fallback: tuple[str, ...]

    @property
    def text(self) -> str:
        """The rule as shown on the pages."""
        others = ", ".join(self.fallback) or "none"
        return (
            f"Baseline is the value recorded at {self.visit}. When {self.visit} lacks a value, "
            f"the latest value from a screening visit ({others}) stands in and is named. "
            "A subject without any baseline value has no change and is not evaluable."
        )


def baseline_rule(study: StudyDefinition) -> BaselineRule:
    """The study's baseline rule: protocol baseline visit, screening visits as fallback."""
    screening = tuple(v.code for v in study.visits if v.kind == "screening")
    return BaselineRule(study.protocol.baseline_visit, screening)


def _present(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series):  # NaN is a number's only missing value
        return series.notna()
    return series.map(lambda v: not missing(v)).astype(bool)


def baselines(measures: pd.DataFrame, rule: BaselineRule) -> pd.DataFrame:
    """One row per subject: each baseline column's value and the visit it came from."""
    rank = {rule.visit: 0, **{code: 1 + i for i, code in enumerate(rule.fallback)}}
    wanted = ["subject_id", "visit_code", "sequence", "visit", *BASELINE_COLUMNS]
    rows = measures.loc[measures["visit_code"].isin(list(rank)), wanted].copy()
    rows["rank"] = rows["visit_code"].map(rank)
    rows = rows.sort_values(["subject_id", "rank", "sequence"], ascending=[True, True, False])
    subjects = pd.Index(measures["subject_id"].drop_duplicates(), name="subject_id")
    ids = rows["subject_id"].to_numpy()
    visit = rows["visit"].array
    out: dict[str, object] = {"subject_id": subjects}
    for column in BASELINE_COLUMNS:
        first = _first_present(ids, _present(rows[column]).to_numpy())
        # each subject's row in `rows`, -1 for a subject without a value: missing after take
        where = np.full(len(subjects), -1, dtype=np.intp)
        where[subjects.get_indexer(ids[first])] = first
        out[column] = _taken(rows[column].array, where)
        out[f"{column}_from"] = _taken(visit, where)
    return pd.DataFrame(out)


def _taken(values: pd.api.extensions.ExtensionArray, where: np.ndarray) -> object:
    """`values` at positions `where` (-1: missing), one array operation; a column missing for
    some subject takes the type a left join gives it (integers and booleans become float or
    object), so the frame is the same whichever subjects are computed together."""
    if (where >= 0).all():
        return values.take(where)
    return pd.Series(values).reindex(pd.RangeIndex(-1, len(values))).array.take(where + 1)


def _first_present(ids: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Positions of each subject's first row with a value (rows grouped by subject, in order of
    preference): one array operation per column instead of a filter and a de-duplication."""
    found = np.flatnonzero(present)
    if not len(found):
        return found
    return found[np.r_[True, ids[found][1:] != ids[found][:-1]]]


def with_change(measures: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Measures plus `<key>_baseline` and `<key>_change` (visit − baseline; NaN if either is)."""
    keys = [m.key for m in MEASURES]
    renamed = base[["subject_id", *keys]].rename(columns={k: f"{k}_baseline" for k in keys})
    frame = measures.merge(renamed, on="subject_id", how="left")
    for key in keys:
        frame[f"{key}_change"] = frame[key] - frame[f"{key}_baseline"]
    return frame
