"""Which subjects changed (`records.outcomes.subject_keys`, #18): keys brought up to date from a
mark equal the keys read whole, on both engines, and a mark that no longer fits is not trusted."""

from __future__ import annotations

import random

from sqlalchemy import text

from models import Actor, Subject
from records.context import Workbench
from records.outcomes.per_subject import OutcomeMemo
from records.outcomes.snapshot import build_outcomes
from records.outcomes.subject_keys import Mark, current_keys, keys_since, mark_of, subject_keys
from tests.records.test_outcomes_data import TODAY, Trial, small_study


def _read(wb: Workbench, known: tuple[Mark, dict[int, str]] | None = None):
    with wb.engine.connect() as conn:
        if known is None:
            return mark_of(conn), subject_keys(conn)
        return mark_of(conn), keys_since(conn, *known)


def test_keys_from_a_mark_equal_the_keys_read_whole_after_writes(wb: Workbench, actor: Actor):
    ids = small_study(wb, actor)
    trial, rng = Trial(wb, actor), random.Random(18)
    known = _read(wb)
    for step in range(6):
        who = rng.choice((ids["A"], ids["B"], ids["C"]))
        trial.ae(who, term=f"Headache {step}")
        if step == 3:
            trial.subject("001-004")  # a new subject is found from its own audit rows
        mark, since = _read(wb, known)
        _, whole = _read(wb)
        assert since == whole
        assert since[who] != known[1][who]
        known = (mark, since)
    assert _read(wb, known)[1] == known[1]  # nothing written since: the same keys


def test_a_mark_that_no_longer_fits_the_trail_is_not_trusted(wb: Workbench, actor: Actor):
    small_study(wb, actor)
    mark, keys = _read(wb)
    with wb.engine.connect() as conn:
        assert keys_since(conn, Mark(mark.audit_id, "another database"), keys) is None
        assert keys_since(conn, Mark(mark.audit_id + 10_000, mark.audit_hash), keys) is None
        assert keys_since(conn, mark, {k: v for k, v in list(keys.items())[1:]}) is None
        # not trusted: the keys are read whole
        assert current_keys(conn, (Mark(mark.audit_id, "x"), {}))[1] == keys


def test_a_subject_without_audit_rows_is_accounted_for(wb: Workbench, actor: Actor):
    """A row written around the use cases has no audit rows: the count tells, and the keys are
    read whole, the new subject keyed "" as before."""
    small_study(wb, actor)
    known = _read(wb)
    copied = [c.name for c in Subject.__table__.columns if c.name not in ("id", "screening_number")]
    columns = ", ".join(copied)
    with wb.engine.begin() as conn:
        conn.execute(text(
            f"INSERT INTO subject (screening_number, {columns}) "
            f"SELECT '001-099', {columns} FROM subject ORDER BY id LIMIT 1"
        ))  # fmt: skip
    with wb.engine.connect() as conn:
        assert keys_since(conn, *known) is None
        _, keys = current_keys(conn, known)
        assert len(keys) == 4 and "" in keys.values()


def test_the_latest_outcomes_are_those_last_brought_up_to_date(wb: Workbench, actor: Actor):
    ids = small_study(wb, actor)
    memo = OutcomeMemo()
    first = memo.outcomes(wb, TODAY)
    assert memo.latest(wb, TODAY) is first
    Trial(wb, actor).ae(ids["B"], term="Cough")
    assert memo.latest(wb, TODAY) is first  # not read again until brought up to date
    now = memo.outcomes(wb, TODAY)
    assert memo.recomputed == (ids["B"],) and memo.latest(wb, TODAY) is now
    assert (
        now.data.adverse_events.shape[0] == build_outcomes(wb, TODAY).data.adverse_events.shape[0]
    )
    assert (
        OutcomeMemo().latest(wb, TODAY).data.adverse_events.shape == now.data.adverse_events.shape
    )
