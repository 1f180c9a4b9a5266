"""A 500-subject study for the page benchmark: the demo, written once, then cloned.

`demo.build_demo` writes every row through the audited use cases (about 1 s per
subject here), too slow for 500 subjects in a benchmark run. So the 10-subject demo is built
normally and its clinical rows are copied 49 more times with shifted ids (raw SQL inserts, new
screening numbers), together with the audit rows the outcome pages read (record creation,
for the entry lag). The copies bypass the audit machinery and break the hash chain: acceptable
only in this benchmark database, which is deleted afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine

from demo import build_demo
from records.context import Workbench

TEMPLATE_SUBJECTS = 10
# table → foreign-key columns and the table each points to (insert order respects the keys).
TABLES: dict[str, dict[str, str]] = {
    "subject": {},
    "adverseevent": {"subject_id": "subject"},
    "visit": {"subject_id": "subject"},
    "assessment": {"subject_id": "subject", "visit_id": "visit"},
    "assessmentitem": {"assessment_id": "assessment"},
    "labresult": {"subject_id": "subject", "visit_id": "visit"},
    "vitalsign": {"subject_id": "subject", "visit_id": "visit"},
    "doseadministration": {
        "subject_id": "subject",
        "visit_id": "visit",
        "reaction_ae_id": "adverseevent",
    },
    "medication": {"subject_id": "subject"},
    "medicalhistory": {"subject_id": "subject"},
}
AUDIT_KEYS = {"subject_id": "subject", "visit_id": "visit"}


def _rows(conn: Connection, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id")
    return list(result.keys()), [tuple(row) for row in result]


def _shift(value: Any, offset: int) -> Any:
    return None if value is None else value + offset


def _copies(
    columns: list[str], rows: list[tuple[Any, ...]], keys: dict[str, str], offsets: dict[str, int]
) -> list[tuple[Any, ...]]:
    """One copy of the rows: ids and foreign keys shifted, screening numbers made unique."""
    position = {name: i for i, name in enumerate(columns)}
    out = []
    for row in rows:
        values = list(row)
        for column, target in keys.items():
            values[position[column]] = _shift(values[position[column]], offsets[target])
        if "screening_number" in position:
            i = position["screening_number"]
            values[i] = f"C{offsets['copy']:02d}-{row[i]}"
        out.append(tuple(values))
    return out


def _insert(conn: Connection, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    if rows:  # the demo alone (10 subjects) has nothing to copy
        conn.exec_driver_sql(sql, rows)


def _clone_audit(conn: Connection, copies: int, sizes: dict[str, int]) -> None:
    """Copy the 'record created' audit rows of clinical records, ids and keys shifted."""
    columns, rows = _rows(conn, "auditevent")
    position = {name: i for i, name in enumerate(columns)}
    wanted = [
        r for r in rows if r[position["action"]] == "create" and r[position["entity"]] in sizes
    ]
    next_id = max((r[0] for r in rows), default=0) + 1
    out = []
    for copy in range(1, copies + 1):
        for row in wanted:
            values = list(row)
            values[0], next_id = next_id, next_id + 1
            entity = row[position["entity"]]
            values[position["record_id"]] = _shift(row[position["record_id"]], copy * sizes[entity])
            for column, target in AUDIT_KEYS.items():
                values[position[column]] = _shift(row[position[column]], copy * sizes[target])
            out.append(tuple(values))
    _insert(conn, "auditevent", columns, out)


def build_outcomes_study(wb: Workbench, subjects: int = 500) -> int:
    """Write the demo and clone it up to `subjects` subjects; returns the number of subjects."""
    build_demo(wb, subjects=TEMPLATE_SUBJECTS, seed=1)
    copies = max(0, subjects // TEMPLATE_SUBJECTS - 1)
    engine: Engine = wb.engine
    with engine.begin() as conn:
        sizes = {
            table: int(conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar())
            for table in TABLES
        }
        for table, keys in TABLES.items():
            columns, rows = _rows(conn, table)
            for copy in range(1, copies + 1):
                offsets = {name: copy * size for name, size in sizes.items()} | {"copy": copy}
                _insert(
                    conn, table, columns, _copies(columns, rows, {"id": table, **keys}, offsets)
                )
        _clone_audit(conn, copies, sizes)
        conn.exec_driver_sql("ANALYZE")
    return TEMPLATE_SUBJECTS * (copies + 1)
