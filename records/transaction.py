"""The write transaction every use case runs in, with audit failures turned into user messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from models import Actor, ReasonRequired
from models.accounts import AccountNotCurrent
from models.db import unit_of_work
from models.entered_in_error import EnteredInError
from models.review_rules import TOUCHED, RecordHeld
from models.site_scope import OutsideSites
from records.context import Workbench
from records.errors import ConflictError, Held, PermissionDenied, ValidationFailed


@contextmanager
def write(wb: Workbench, actor: Actor, reason: str | None = None) -> Iterator[Session]:
    """An audited unit of work stamped with the study-definition version."""
    try:
        with unit_of_work(
            wb.engine, actor, reason=reason, study_version=wb.study.study.definition_version
        ) as session:
            yield session
        _after_commit(wb, session)
    except (AccountNotCurrent, OutsideSites) as err:
        raise PermissionDenied(str(err)) from err
    except ReasonRequired as err:
        raise ValidationFailed({"reason": "give a reason for changing saved data"}) from err
    except RecordHeld as err:
        raise Held(str(err)) from err
    except EnteredInError as err:
        raise ValidationFailed({"error_reason": str(err)}) from err
    except StaleDataError as err:
        raise ConflictError("this record was changed by someone else; nothing was saved") from err


def _after_commit(wb: Workbench, session: Session) -> None:
    """Edit checks for the subjects a committed save changed (automatic queries, #12)."""
    touched = session.info.get(TOUCHED)
    if touched:
        from records.edit_checks import after_save

        after_save(wb, touched)
