"""Medical and SLE history rows: partial start dates, before consent, form completion."""

from __future__ import annotations

import pytest

from records.clinical_dates import partial_date
from records.errors import ConflictError, NotFound, ValidationFailed
from records.history import list_history, save_history
from records.visits import calendar
from tests.records.conftest import TODAY, counts

SLE = {"category": "SLE", "term": "Systemic lupus erythematosus", "start": "2019-05",
       "ongoing": True, "note": "ACR 1997 criteria met"}  # fmt: skip


def save(wb, actor, subject_id, values, **kw):
    return save_history(wb, actor, subject_id=subject_id, values=values, today=TODAY, **kw)


def test_history_rows_and_form_completion(wb, actor, subject):
    read = save(wb, actor, subject.id, SLE)
    assert (read.category, read.start, read.ongoing) == ("SLE", "2019-05", True)
    save(wb, actor, subject.id, {"category": "GENERAL", "term": "Hypertension", "start": "2015"})
    assert [h.term for h in list_history(wb, subject.id, "GENERAL")] == ["Hypertension"]
    forms = next(r for r in calendar(wb, subject.id, TODAY) if r.visit_code == "SCR").forms
    assert forms["MH"] == forms["SLEHX"] == "complete"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "OTHER"}, "category"),
        ({"term": " "}, "term"),
        ({"term": "x" * 201}, "term"),
        ({"start": "2019-02-30"}, "start"),
        ({"start": "2025-03"}, "start"),  # after consent: an adverse event
        ({"start": "2019-05-01T10:00"}, "start"),
        ({"note": "bad\x00byte"}, "note"),
        ({"severity": "MILD"}, "severity"),
    ],
)
def test_each_invalid_field_named_nothing_written(wb, actor, subject, change, field):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.id, {**SLE, **change})
    assert field in err.value.errors and counts(wb) == before


def test_partial_date_forms():
    errors = {}
    assert partial_date(errors, "d", "2025---15").iso == "2025---15"
    assert partial_date(errors, "d", "2025-03-04T09:15", with_time=True).hour == 9
    assert partial_date(errors, "d", "2025-03-04T09:15:30", with_time=True) is None
    assert partial_date(errors, "x", "٢٠٢٥") is None and set(errors) == {"d", "x"}  # ASCII only


def test_edit_needs_reason_and_version(wb, actor, subject):
    first = save(wb, actor, subject.id, SLE)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.id, {**SLE, "start": "2018"}, history_id=first.id,
             expected_version=1)  # fmt: skip
    assert "reason" in err.value.errors
    save(wb, actor, subject.id, {**SLE, "start": "2018"}, history_id=first.id,
         expected_version=1, reason="diagnosis letter found")  # fmt: skip
    with pytest.raises(ConflictError):
        save(wb, actor, subject.id, {**SLE, "start": "2017"}, history_id=first.id,
             expected_version=1, reason="x")  # fmt: skip
    with pytest.raises(NotFound):
        save(wb, actor, 999, SLE)
