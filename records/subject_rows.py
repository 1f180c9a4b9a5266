"""Loading one of a subject's log rows (AE, medication, history) for an edit, safely."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any, TypeVar

from sqlmodel import Session

from models.db import read_session
from records.context import Workbench
from records.errors import NotFound
from records.write_path import stale

Row = TypeVar("Row")
Reader = Callable[[Session, Any], Any]


def edit_row(
    session: Session,
    model: type[Row],
    row_id: int,
    subject_id: int,
    expected_version: int | None,
    kind: str,
    read: Reader,
    values: Mapping[str, Any],
) -> Row:
    """The row with `values` set, if it is this subject's and still at the version the user
    loaded (the audit capture then records each changed field at flush)."""
    row = session.get(model, row_id)
    if row is None or row.subject_id != subject_id:  # type: ignore[attr-defined]
        raise NotFound(f"{kind} {row_id} does not exist for this subject")
    if row.version_id != expected_version:  # type: ignore[attr-defined]
        raise stale(kind, asdict(read(session, row)))
    for name, value in values.items():
        setattr(row, name, value)
    return row


def stored_values(
    wb: Workbench, model: type[Any], row_id: int | None, read: Reader
) -> dict[str, Any]:
    """What is saved now (for a conflict message), {} when nothing is."""
    with read_session(wb.engine) as session:
        row = session.get(model, row_id) if row_id else None
        return {} if row is None else asdict(read(session, row))
