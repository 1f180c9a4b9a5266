"""Screening, editing and listing subjects; creating each subject's planned visits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from models import Actor, Subject, Visit
from models.db import read_session
from models.subjects import SUBJECT_STATUSES
from records import fields, words
from records.context import Workbench
from records.errors import ConflictError, NotFound, ValidationFailed
from records.permissions import require
from records.transaction import write


@dataclass(frozen=True, slots=True)
class SubjectRead:
    """A subject as pages and exports see it (detached from any session)."""

    id: int
    screening_number: str
    sex: str
    birth_date: date | None
    birth_year: int | None
    consent_date: date
    consent_time: str | None
    status: str
    dose_date: date | None
    status_date: date | None
    status_reason: str | None
    version_id: int
    site_id: int


def _read(s: Subject) -> SubjectRead:
    return SubjectRead(**{f: getattr(s, f) for f in SubjectRead.__dataclass_fields__})


def _site_for(wb: Workbench, actor: Actor, code: str | None, number: str) -> int:
    """The site a new subject is screened at, and its screening number checked against it.

    A one-site study needs no choice. With several, the site is the one given, or the only
    one the screener works at; the screening number starts with the site code, so numbers
    are per site and never collide across sites.
    """
    from records.sites import member_sites, site_id

    sites = [s.code for s in wb.study.sites]
    if len(sites) == 1:
        return site_id(wb, sites[0])
    mine = list(member_sites(wb.engine, actor.user_id)) if actor.user_id is not None else sites
    code = code or (mine[0] if len(mine) == 1 else None)
    if code is None:
        raise ValidationFailed({"site": f"choose the site: one of {', '.join(mine or sites)}"})
    if code not in sites:
        raise ValidationFailed({"site": f"unknown site {code}; one of {', '.join(sites)}"})
    if not number.startswith(f"{code}-"):
        raise ValidationFailed({"screening_number": f"must start with the site code: {code}-NNN"})
    return site_id(wb, code)


def _version(wb: Workbench) -> str:
    return wb.study.study.definition_version


# Ages at consent outside this range are typing errors, not screen failures (issue #13);
# the study's own age criterion is an eligibility check.
PLAUSIBLE_AGE = (12, 110)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def validate_screening(wb: Workbench, values: dict[str, Any], today: date) -> dict[str, Any]:
    """Typed screening fields, or ValidationFailed naming each bad field."""
    errors: fields.Errors = {}
    clean = {
        "screening_number": fields.text(
            errors,
            "screening_number",
            values.get("screening_number"),
            required=True,
            max_length=20,
            identifier=True,
        ),
        "sex": fields.choice(
            errors, "sex", values.get("sex"), wb.study.codes("SEX"), required=True
        ),
        "birth_date": fields.a_date(
            errors, "birth_date", values.get("birth_date"), not_after=today
        ),
        "birth_year": fields.integer(
            errors, "birth_year", values.get("birth_year"), minimum=1900, maximum=today.year
        ),
        "consent_date": fields.a_date(
            errors, "consent_date", values.get("consent_date"), required=True, not_after=today
        ),
        "consent_time": fields.a_time(errors, "consent_time", values.get("consent_time")),
    }
    if (
        clean["birth_date"] is None
        and clean["birth_year"] is None
        and not ({"birth_date", "birth_year"} & errors.keys())
    ):
        errors["birth_date"] = "give the birth date or at least the birth year"
    if (
        clean["birth_date"]
        and clean["birth_year"]
        and clean["birth_date"].year != clean["birth_year"]
    ):
        errors["birth_year"] = "does not match the birth date"
    birth = clean["birth_date"] or (
        date(clean["birth_year"], 1, 1) if clean["birth_year"] else None
    )
    if birth and clean["consent_date"] and birth >= clean["consent_date"]:
        errors["consent_date"] = "must be after the birth date"
    elif birth and clean["consent_date"]:
        age = _age(birth, clean["consent_date"])
        if not PLAUSIBLE_AGE[0] <= age <= PLAUSIBLE_AGE[1]:
            errors["birth_date" if clean["birth_date"] else "birth_year"] = (
                f"gives an age of {age} at consent: check the birth date "
                f"(plausible: {PLAUSIBLE_AGE[0]} to {PLAUSIBLE_AGE[1]})"
            )
    if errors:
        raise ValidationFailed(errors)
    if clean["birth_date"] is not None:
        clean["birth_year"] = clean["birth_date"].year
    return clean


def screen_subject(
    wb: Workbench, actor: Actor, values: dict[str, Any], today: date | None = None
) -> SubjectRead:
    """Create a screened subject and its planned visit calendar in one audited transaction."""
    require(actor, "enrol")
    clean = validate_screening(wb, values, today or date.today())
    site_id = _site_for(wb, actor, values.get("site") or None, clean["screening_number"])
    with write(wb, actor) as session:
        taken = session.scalar(
            select(func.count())
            .select_from(Subject)
            .where(Subject.screening_number == clean["screening_number"])
        )
        if taken:
            raise ValidationFailed({"screening_number": "is already used by another subject"})
        subject = Subject(site_id=site_id, status="screening", **clean)
        session.add(subject)
        session.flush()
        for visit in wb.study.visits:
            if visit.planned:
                session.add(
                    Visit(
                        subject_id=subject.id, visit_code=visit.code, planned_day=visit.target_day
                    )
                )
        session.flush()
        return _read(subject)


def update_subject(
    wb: Workbench,
    actor: Actor,
    subject_id: int,
    values: dict[str, Any],
    reason: str,
    expected_version: int,
    today: date | None = None,
) -> SubjectRead:
    """Correct screening fields; needs a reason and refuses a stale edit."""
    require(actor, "enrol")
    clean = validate_screening(wb, values, today or date.today())
    with write(wb, actor, reason) as session:
        subject = _get(session, subject_id)
        _check_version(subject, expected_version)
        for name, value in clean.items():
            setattr(subject, name, value)
        try:
            session.flush()
        except StaleDataError as err:
            raise ConflictError("this subject was changed by someone else; reload") from err
        return _read(subject)


def set_status(
    wb: Workbench,
    actor: Actor,
    subject_id: int,
    status: str,
    status_date: date,
    reason: str,
    expected_version: int | None = None,
) -> SubjectRead:
    """Move a subject to a new status (e.g. early termination) with its date and reason."""
    require(actor, "enrol")
    errors: fields.Errors = {}
    fields.choice(errors, "status", status, SUBJECT_STATUSES, required=True)
    fields.text(errors, "reason", reason, required=True, max_length=500)
    if errors:
        raise ValidationFailed(errors)
    with write(wb, actor, reason) as session:
        subject = _get(session, subject_id)
        if expected_version is not None:
            _check_version(subject, expected_version)
        if status_date < subject.consent_date:
            raise ValidationFailed({"status_date": "cannot be before the consent date"})
        subject.status, subject.status_date, subject.status_reason = status, status_date, reason
        session.flush()
        return _read(subject)


def _get(session: Any, subject_id: int) -> Subject:
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFound(f"subject {subject_id} does not exist")
    return subject


def _check_version(subject: Subject, expected_version: int) -> None:
    if subject.version_id != expected_version:
        raise ConflictError(
            "this subject was changed by someone else since you opened it; nothing was saved",
            current=asdict(_read(subject)),
        )


def get_subject(wb: Workbench, subject_id: int) -> SubjectRead:
    """One subject, or NotFound (also for a subject of a site this workbench does not see)."""
    with read_session(wb.engine) as session:
        subject = _get(session, subject_id)
        if wb.site_ids is not None and subject.site_id not in wb.site_ids:
            raise NotFound(f"subject {subject_id} does not exist")
        return _read(subject)


def subject_frame(wb: Workbench) -> pd.DataFrame:
    """All subjects with their status, one row each, sorted by screening number."""
    query = (
        select(
            Subject.id,
            Subject.screening_number,
            Subject.sex,
            Subject.birth_year,
            Subject.consent_date,
            Subject.status,
            Subject.dose_date,
        )
        .where(wb.subject_filter(Subject.site_id))
        .order_by(Subject.screening_number)
    )
    with wb.engine.connect() as conn:
        return pd.read_sql(query, conn)


def subject_table(
    wb: Workbench, frame: pd.DataFrame, next_visit: Mapping[int, str]
) -> pd.DataFrame:
    """`subject_frame` for people: labelled columns, sex and status decoded, and each
    subject's next visit with its window (blank when none is to come)."""
    return pd.DataFrame(
        {
            "Screening number": frame["screening_number"],
            "Sex": frame["sex"].map(lambda c: wb.study.decode("SEX", c) or c),
            "Birth year": frame["birth_year"],
            "Consent": frame["consent_date"],
            "Status": frame["status"].map(words.subject_status),
            "Day 1 (dose)": frame["dose_date"],
            "Next visit": [next_visit.get(int(i), "") for i in frame["id"]],
        }
    )


def counts_by_status(wb: Workbench) -> dict[str, int]:
    """Number of subjects per status (every status present, zero when none)."""
    with wb.engine.connect() as conn:
        rows = conn.execute(
            select(Subject.status, func.count())
            .where(wb.subject_filter(Subject.site_id))
            .group_by(Subject.status)
        ).all()
    found = {status: int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in SUBJECT_STATUSES}
