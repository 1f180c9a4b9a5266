"""Tampering with a PostgreSQL database is reported by `check` (issue #16).

The SQLite twin (tests/records/test_tampering.py) edits the file; here a tamperer with a
superuser connection drops, disables or defuses the triggers that keep the audit trail and the
signature manifests append-only, or edits rows behind them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from records.maintenance import check
from tests.records.conftest import screen
from tests.tamper import lift_append_only

pytestmark = [pytest.mark.req("REQ-AUD-02", "REQ-VAL-02"), pytest.mark.postgresql_only]

# Each scenario: the tamperer's statements, then the finding `check` must report.
SCENARIOS: dict[str, tuple[str, ...]] = {
    "the TRUNCATE refusal dropped": (
        "DROP TRIGGER auditevent_no_truncate ON auditevent",
        "trigger auditevent_no_truncate is missing",
    ),
    "the row refusal disabled": (
        "ALTER TABLE signature DISABLE TRIGGER signature_append_only",
        "trigger signature_append_only is disabled",
    ),
    "the row refusal set to fire on replicas only": (
        "ALTER TABLE auditevent ENABLE REPLICA TRIGGER auditevent_append_only",
        "trigger auditevent_append_only is disabled",
    ),
    "the refusal kept in words but never reached": (
        "CREATE OR REPLACE FUNCTION workbench_no_truncate() RETURNS trigger AS "
        "$$ BEGIN IF false THEN RAISE EXCEPTION 'no'; END IF; RETURN NULL; END $$ "
        "LANGUAGE plpgsql",
        "trigger auditevent_no_truncate no longer refuses",
    ),
    "the refusing function defused": (
        "CREATE OR REPLACE FUNCTION auditevent_append_only() RETURNS trigger AS "
        "$$ BEGIN RETURN OLD; END $$ LANGUAGE plpgsql",
        "trigger auditevent_append_only no longer refuses",
    ),
    "the trigger recreated for INSERT only": (
        "DROP TRIGGER signatureinvalidation_append_only ON signatureinvalidation",
        "CREATE TRIGGER signatureinvalidation_append_only BEFORE INSERT ON signatureinvalidation "
        "FOR EACH ROW EXECUTE FUNCTION signatureinvalidation_append_only()",
        "trigger signatureinvalidation_append_only was replaced",
    ),
    "an extra trigger on the audit table": (
        "CREATE TRIGGER sneaky AFTER INSERT ON auditevent "
        "FOR EACH ROW EXECUTE FUNCTION auditevent_append_only()",
        "unexpected trigger sneaky",
    ),
}


def test_an_untouched_database_checks_clean(wb, actor):
    screen(wb, actor, "001-001")
    assert check(wb.engine).problems == ()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=list(SCENARIOS))
def test_lifted_protection_is_reported(wb, actor, scenario):
    *statements, expected = SCENARIOS[scenario]
    screen(wb, actor, "001-001")
    with wb.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    problems = check(wb.engine).problems
    assert any(expected in p for p in problems), problems


def test_a_row_edited_behind_a_disabled_trigger_is_reported(wb, actor):
    screen(wb, actor, "001-001")
    with wb.engine.begin() as conn:
        lift_append_only(conn)
        conn.execute(text("UPDATE auditevent SET new_value = 'M' WHERE field = 'sex'"))
        conn.execute(text("ALTER TABLE auditevent ENABLE TRIGGER auditevent_append_only"))
    problems = check(wb.engine).problems
    assert any("does not match its hash" in p for p in problems), problems
