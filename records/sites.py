"""Sites (#16): the study definition's sites in the database, who works where, per-site numbers.

The definition lists the sites; `sync_sites` adds the ones the database lacks (by code) and
keeps their names and time zones as the definition says, audited as the system. Accounts are
members of sites (`models.site_scope` explains the rule); administrators grant and withdraw
memberships with a reason, audited like role changes. When the study grows from one site to
several, accounts that worked at the only site implicitly are made members of it explicitly
first, so growing a study never widens nor silently removes anyone's access.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import Engine, delete, insert, select
from sqlmodel import Session

from models import SYSTEM_ACTOR, Actor, Site, SiteMember, Subject, User, Visit
from models.audit_chain import append
from models.db import read_session, writer
from models.site_scope import member_site_ids, site_ids_of
from records.context import Workbench
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.permissions import require
from study.schema import SiteInfo

_MEMBER = SiteMember.__table__  # type: ignore[attr-defined]


def sync_sites(wb: Workbench) -> dict[str, int]:
    """Make the database's sites those of the definition; their ids by code.

    Read first: the write lock is taken only when the definition lists a site the database
    lacks or names one differently (pages call this on every run)."""
    with read_session(wb.engine) as session:
        known = {s.code: s for s in session.scalars(select(Site))}
    if not _pending(wb, known):
        return {code: int(site.id) for code, site in known.items()}  # type: ignore[arg-type]
    with Session(writer(wb.engine), expire_on_commit=False) as session, session.begin():
        conn = session.connection()
        known = {s.code: s for s in session.scalars(select(Site))}  # again, under the lock
        pending = _pending(wb, known)
        if pending is None:
            return {code: int(site.id) for code, site in known.items()}  # type: ignore[arg-type]
        wanted, changed = pending
        if len(known) == 1 and wanted:
            _make_implicit_explicit(session, next(iter(known.values())))
        rows = []
        for info in wanted:
            site = Site(code=info.code, name=info.name, timezone=info.timezone)
            session.add(site)
            session.flush()
            known[info.code] = site
            rows.append(_site_audit(site, "site_create", "name", None, info.name))
        for info in changed:
            site = known[info.code]
            for field in ("name", "timezone"):
                if getattr(site, field) != getattr(info, field):
                    rows.append(_site_audit(site, "site_update", field, getattr(site, field),
                                            getattr(info, field)))  # fmt: skip
                    setattr(site, field, getattr(info, field))
        session.flush()
        append(conn, rows)
        return {code: int(site.id) for code, site in known.items()}  # type: ignore[arg-type]


def _pending(wb: Workbench, known: dict[str, Site]) -> tuple[list[SiteInfo], list[SiteInfo]] | None:
    """(sites to add, sites to rename) by the definition; None when the database agrees."""
    wanted = [s for s in wb.study.sites if s.code not in known]
    changed = [
        s
        for s in wb.study.sites
        if s.code in known and (known[s.code].name, known[s.code].timezone) != (s.name, s.timezone)
    ]
    return (wanted, changed) if wanted or changed else None


def _site_audit(site: Site, action: str, field: str, old: str | None, new: str | None) -> dict:
    return {**SYSTEM_ACTOR.stamp(), "action": action, "entity": "site", "record_id": site.id,
            "field": field, "old_value": old, "new_value": new,
            "reason": "as the study definition lists it"}  # fmt: skip


def _make_implicit_explicit(session: Session, only: Site) -> None:
    conn = session.connection()
    members = set(conn.execute(select(_MEMBER.c.user_id)).scalars())
    users = [u for u in session.scalars(select(User)) if u.id not in members]
    if not users:
        return
    conn.execute(insert(_MEMBER), [{"user_id": u.id, "site_id": only.id} for u in users])
    append(
        conn,
        [
            {**SYSTEM_ACTOR.stamp(), "action": "site_access", "entity": "user",
             "record_id": u.id, "field": "sites", "old_value": None, "new_value": only.code,
             "reason": "the study gains a second site: the only site so far, made explicit"}
            for u in users
        ],
    )  # fmt: skip


def site_id(wb: Workbench, code: str) -> int:
    """The database id of the site with this code (synced from the definition first)."""
    ids = sync_sites(wb)
    if code not in ids:
        raise NotFound(f"unknown site {code!r}; known: {', '.join(sorted(ids))}")
    return ids[code]


def scoped(wb: Workbench, actor: Actor) -> Workbench:
    """The workbench as this actor sees it: reads limited to the actor's sites now."""
    with wb.engine.connect() as conn:
        return replace(wb, site_ids=site_ids_of(conn, actor))


def with_site(wb: Workbench, code: str | None) -> Workbench:
    """Narrow a workbench to one site by code (None: leave it as it is), within its scope."""
    if code is None:
        return wb
    wanted = site_id(wb, code)
    if wb.site_ids is not None and wanted not in wb.site_ids:
        raise NotFound(f"site {code} is not one of yours")
    return replace(wb, site_ids=frozenset({wanted}))


def site_codes(wb: Workbench) -> list[str]:
    """The codes of the sites this workbench sees, in the definition's order."""
    ids = sync_sites(wb)
    return [s.code for s in wb.study.sites if wb.site_ids is None or ids[s.code] in wb.site_ids]


def member_sites(engine: Engine, user_id: int) -> tuple[str, ...]:
    """The codes of the sites an account works at now (memberships, or the only site)."""
    with engine.connect() as conn:
        ids = member_site_ids(conn, user_id)
        codes = conn.execute(select(Site.code).where(Site.id.in_(ids))).scalars()  # type: ignore[attr-defined]
        return tuple(sorted(codes))


def set_sites(
    wb: Workbench, actor: Actor, user_id: int, codes: list[str], reason: str
) -> tuple[str, ...]:
    """Replace an account's site memberships (administrators), audited with the reason."""
    require(actor, "manage_users")
    ids = sync_sites(wb)
    errors = {}
    unknown = sorted(set(codes) - set(ids))
    if unknown:
        errors["sites"] = f"unknown site(s) {', '.join(unknown)}; known: {', '.join(sorted(ids))}"
    if not (reason or "").strip():
        errors["reason"] = "is required"
    if user_id == actor.user_id:
        errors["sites"] = "another administrator changes your own sites"
    if errors:
        raise ValidationFailed(errors)
    from records.auth import checked  # one account check for every account change

    with Session(writer(wb.engine), expire_on_commit=False) as session, session.begin():
        checked(session, actor)
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"user {user_id} does not exist")
        conn = session.connection()
        by_id = {v: k for k, v in ids.items()}
        old = sorted(by_id[i] for i in conn.execute(
            select(_MEMBER.c.site_id).where(_MEMBER.c.user_id == user_id)).scalars())  # fmt: skip
        new = sorted(set(codes))
        if old == new:
            return tuple(new)
        conn.execute(delete(_MEMBER).where(_MEMBER.c.user_id == user_id))
        if new:
            conn.execute(insert(_MEMBER), [{"user_id": user_id, "site_id": ids[c]} for c in new])
        append(conn, [{**actor.stamp(), "action": "site_access", "entity": "user",
                       "record_id": user_id, "field": "sites", "old_value": ",".join(old) or None,
                       "new_value": ",".join(new) or None, "reason": reason.strip()}])  # fmt: skip
        return tuple(new)


def next_screening_number(wb: Workbench, code: str) -> str:
    """The site's next free screening number, `<site>-NNN` (numbers are per site)."""
    pattern = re.compile(rf"^{re.escape(code)}-(\d+)$")
    with wb.engine.connect() as conn:
        numbers = conn.execute(
            select(Subject.screening_number).where(
                Subject.screening_number.like(f"{code}-%")  # type: ignore[attr-defined]
            )
        ).scalars()
        taken = [int(m.group(1)) for n in numbers if (m := pattern.match(n))]
    return f"{code}-{max(taken, default=0) + 1:03d}"


def subject_ids_in(wb: Workbench, wanted: tuple[int, ...] | None) -> tuple[int, ...] | None:
    """A data selection held to the workbench's sites (None: every subject, every site).

    A wanted subject outside the sites is refused by name, never silently left out.
    """
    if wb.site_ids is None:
        return wanted
    with wb.engine.connect() as conn:
        rows = conn.execute(select(Subject.id, Subject.site_id)).all()
    visible = tuple(sorted(i for i, site in rows if site in wb.site_ids))
    if wanted is None:
        return visible
    outside = sorted(set(wanted) - set(visible))
    if outside:
        raise NotFound(f"subject(s) {outside} are not at your sites")
    return wanted


def sees_every_site(wb: Workbench) -> bool:
    """Whether this workbench's reader is at every site of the study."""
    return wb.site_ids is None or not (set(sync_sites(wb).values()) - wb.site_ids)


def require_every_site(wb: Workbench, what: str) -> None:
    """Study-wide outputs (SDTM, ODM, the site archive) need an account at every site."""
    if not sees_every_site(wb):
        raise PermissionDenied(f"{what} covers the whole study: only an account at every site")


def site_label(wb: Workbench, site_id: int) -> str:
    """`001 Medical University of …`: a site as casebooks and headers name it."""
    with wb.engine.connect() as conn:
        row = conn.execute(select(Site.code, Site.name).where(Site.id == site_id)).first()
    return f"{row[0]} {row[1]}" if row else f"site {site_id}"


def require_subject(wb: Workbench, subject_id: int | None) -> None:
    """NotFound for a subject of a site this workbench does not see (the per-subject reads
    check it in records, not only the pages that open a subject by id, #16)."""
    if wb.site_ids is None or subject_id is None:
        return
    with wb.engine.connect() as conn:
        site = conn.execute(select(Subject.site_id).where(Subject.id == subject_id)).scalar()
    if site is not None and site not in wb.site_ids:
        raise NotFound(f"subject {subject_id} does not exist")


def require_visit(wb: Workbench, visit_id: int) -> None:
    """`require_subject` for the subject of a visit."""
    if wb.site_ids is None:
        return
    with wb.engine.connect() as conn:
        subject = conn.execute(select(Visit.subject_id).where(Visit.id == visit_id)).scalar()
    require_subject(wb, subject)
