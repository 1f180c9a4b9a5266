"""Sites as a scope (#16): which sites an account works at, and the write rule that holds it.

An account sees and changes the subjects of its sites only. Memberships are read in the
transaction that uses them, so a membership taken away stops the next write at once, like a
deactivated account (`models.accounts`). Actors without an account (the CLI operator, the
system, imports) work at every site. While the study has a single site, an account without
memberships works at it (a one-site study needs no assignment); once there are several, an
account without memberships works at none: access is granted, never assumed.

The write rule (order 5, before locks and every consequence) refuses a clinical change to a
subject outside the writer's sites, whatever use case, page or command makes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from models.audit import Actor
from models.audit_capture import AuditError
from models.identity import Site, SiteMember
from models.subjects import Subject
from models.write_rules import Change, register

_MEMBER = SiteMember.__table__  # type: ignore[attr-defined]
_SITE = Site.__table__  # type: ignore[attr-defined]
_SUBJECT = Subject.__table__  # type: ignore[attr-defined]


class OutsideSites(AuditError):
    """The writer's account is not a member of the subject's site."""


def site_ids_of(conn: Connection, actor: Actor) -> frozenset[int] | None:
    """The ids of the sites this actor works at now; None means every site."""
    if actor.user_id is None:
        return None
    return member_site_ids(conn, actor.user_id)


def member_site_ids(conn: Connection, user_id: int) -> frozenset[int]:
    """An account's sites: its memberships, or the only site while there is one."""
    mine = frozenset(
        conn.execute(select(_MEMBER.c.site_id).where(_MEMBER.c.user_id == user_id)).scalars()
    )
    if mine:
        return mine
    sites = conn.execute(select(_SITE.c.id).limit(2)).scalars().all()
    return frozenset(sites) if len(sites) == 1 else frozenset()


@register("site_scope", 5)
def only_own_sites(session: Session, changes: Sequence[Change]) -> None:
    """Refuse the flush if any change touches a subject of a site the writer is not at."""
    actor: Actor = session.info["actor"]
    if actor.user_id is None:
        return
    conn = session.connection()
    allowed = member_site_ids(conn, actor.user_id)
    # A subject's own row names its site (a new one has no id yet; a moved one, its new site).
    new_subjects = {id(c.obj): c.obj.site_id for c in changes if isinstance(c.obj, Subject)}
    subject_ids = {c.subject_id for c in changes if c.subject_id is not None}
    query = select(_SUBJECT.c.id, _SUBJECT.c.site_id).where(_SUBJECT.c.id.in_(subject_ids))
    site_of = {subject: site for subject, site in conn.execute(query)}
    touched = set(new_subjects.values()) | {site_of[s] for s in subject_ids if s in site_of}
    outside = touched - allowed
    if outside:
        codes = conn.execute(select(_SITE.c.code).where(_SITE.c.id.in_(outside))).scalars().all()
        raise OutsideSites(
            f"{actor.username} does not work at site {', '.join(sorted(codes)) or outside}: "
            "nothing was saved"
        )


def check_site(session: Session, actor: Actor, subject_id: int) -> None:
    """Refuse review and sign-off acts (queries, SDV, signatures) outside the actor's sites.

    Those rows are not clinical data, so the flush rule does not see them; each such use case
    calls this inside its write transaction.
    """
    if actor.user_id is None:
        return
    conn = session.connection()
    site = conn.execute(select(_SUBJECT.c.site_id).where(_SUBJECT.c.id == subject_id)).scalar()
    if site is not None and site not in member_site_ids(conn, actor.user_id):
        code = conn.execute(select(_SITE.c.code).where(_SITE.c.id == site)).scalar()
        raise OutsideSites(f"{actor.username} does not work at site {code}: nothing was saved")


def check_scope(session: Session, actor: Actor, subject_id: int | None, what: str) -> None:
    """A subject's site for a subject-level act; every site for a study-wide one (a database
    freeze or lock reaches every site's subjects)."""
    if subject_id is not None:
        check_site(session, actor, subject_id)
        return
    if actor.user_id is None:
        return
    conn = session.connection()
    every = set(conn.execute(select(_SITE.c.id)).scalars())
    if every - member_site_ids(conn, actor.user_id):
        raise OutsideSites(f"{what} reaches every site: only an account at every site")
