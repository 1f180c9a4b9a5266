"""Electronic signatures of visits and casebooks (21 CFR 11.50, 11.70, 11.200; REQ-SIG-01..03).

Signing needs the `sign` permission (investigators), the signer's password every time (and the
username too at the first signing of a session: the page asks), every required form of the scope
complete, and, when the study definition says so, no open data query. The signature binds the
signed content by hash:

Canonical serialisation (version 1). The signed content is the list of every clinical row in
scope, each as {"table", "id", "values"} where "values" maps every column except `id` and
`version_id` to its canonical text (`models.audit_chain.as_text`: ISO dates, `true`/`false`,
`repr` of floats, None as null), sorted by (table, id). The scope of a visit is the visit row,
every row with that `visit_id`, and the items of its assessments; the scope of a casebook is
the subject row, every row with that `subject_id` and the items of its assessments. The
payload is the JSON object

    {"canonical_version", "scope", "subject_id", "visit_id", "username", "printed_name",
     "role", "meaning_code", "meaning", "signed_at", "chain_head", "records"}

dumped with sorted keys, separators (",", ":"), non-ASCII kept, encoded as UTF-8; `signed_at`
is UTC `YYYY-MM-DDTHH:MM:SSZ` and `chain_head` the audit-chain head *before* the signing's own
audit row (`rows:last_id:row_hash`). `content_hash` is the SHA-256 hex digest of that payload.
`verify_signatures` recomputes it for every valid signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, select
from sqlalchemy.orm import Session

from models import Actor, Signature, SignatureInvalidation, Subject, Visit
from models.accounts import aware
from models.audit_chain import append, as_text, chain_head
from models.base import ClinicalRecord, utc_now
from models.db import read_session
from models.site_scope import check_site
from records.auth import reauthenticate
from records.context import Workbench
from records.errors import NotFound, ValidationFailed
from records.forms_status import form_states
from records.holds import refuse_if_locked
from records.open_queries import open_query_count
from records.permissions import require
from records.sites import require_subject
from records.transaction import write
from study.schema import SignatureMeaning

CANONICAL_VERSION = 1
_SKIP = ("id", "version_id")


@dataclass(frozen=True, slots=True)
class SignatureRead:
    """A signature as shown: who, when, what it means, and whether a change invalidated it."""

    id: int
    scope: str
    subject_id: int
    visit_id: int | None
    username: str
    printed_name: str
    role: str
    meaning_code: str
    meaning: str
    signed_at: datetime
    content_hash: str
    chain_head: str
    invalidated_at: datetime | None
    invalidated_by: str | None
    invalidating_change: str | None

    @property
    def valid(self) -> bool:
        return self.invalidated_at is None

    def manifestation(self) -> str:
        """The printed form of 21 CFR 11.50: name, date and time (UTC), meaning."""
        when = self.signed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        text = f"Signed by {self.printed_name} ({self.username}, {self.role}) on {when}: "
        text += f"“{self.meaning}”"
        if not self.valid:
            assert self.invalidated_at is not None
            at = self.invalidated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            text += (
                f" — INVALIDATED by change {self.invalidating_change} ({self.invalidated_by}, {at})"
            )
        return text


def _clinical_tables() -> list[Table]:
    found: dict[str, Table] = {}
    stack: list[type] = [ClinicalRecord]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        table = getattr(cls, "__table__", None)
        if table is not None:
            found[table.name] = table
    return [found[name] for name in sorted(found)]


def _scope_rows(conn: Connection, subject_id: int, visit_id: int | None) -> Iterator[Any]:
    tables = {t.name: t for t in _clinical_tables()}
    header = tables["assessment"]
    for name, table in tables.items():
        if name == "subject":
            if visit_id is None:
                yield name, conn.execute(select(table).where(table.c.id == subject_id))
        elif name == "visit" and visit_id is not None:
            yield name, conn.execute(select(table).where(table.c.id == visit_id))
        elif "assessment_id" in table.c:
            owner = header.c.visit_id == visit_id if visit_id else header.c.subject_id == subject_id
            ids = select(header.c.id).where(owner)
            yield name, conn.execute(select(table).where(table.c.assessment_id.in_(ids)))
        elif visit_id is not None and "visit_id" in table.c:
            yield name, conn.execute(select(table).where(table.c.visit_id == visit_id))
        elif visit_id is None and "subject_id" in table.c:
            yield name, conn.execute(select(table).where(table.c.subject_id == subject_id))


def signed_content(conn: Connection, subject_id: int, visit_id: int | None) -> list[dict[str, Any]]:
    """Every clinical row in scope, canonical (see the module docstring), sorted."""
    records = []
    for name, result in _scope_rows(conn, subject_id, visit_id):
        for row in result.mappings():
            values = {k: as_text(v) for k, v in row.items() if k not in _SKIP}
            records.append({"table": name, "id": int(row["id"]), "values": values})
    return sorted(records, key=lambda r: (r["table"], r["id"]))


def _stamp(moment: datetime) -> str:
    return aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[union-attr]


def canonical_payload(sig: Any, records: list[dict[str, Any]]) -> bytes:
    """The bytes the content hash is taken over (module docstring)."""
    payload = {
        "canonical_version": sig.canonical_version,
        "scope": sig.scope,
        "subject_id": sig.subject_id,
        "visit_id": sig.visit_id,
        "username": sig.username,
        "printed_name": sig.printed_name,
        "role": sig.role,
        "meaning_code": sig.meaning_code,
        "meaning": sig.meaning,
        "signed_at": _stamp(sig.signed_at),
        "chain_head": sig.chain_head,
        "records": records,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def content_hash(sig: Any, records: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical_payload(sig, records)).hexdigest()


def meanings_for(wb: Workbench, scope: str) -> tuple[SignatureMeaning, ...]:
    """The meanings the study definition offers for this scope."""
    return tuple(m for m in wb.study.signatures.meanings if scope in m.scopes)


@dataclass(frozen=True, slots=True)
class Readiness:
    """What stands between a scope and its signature: incomplete forms, open queries."""

    incomplete: tuple[str, ...]
    open_queries: int
    blocking_queries: bool

    @property
    def ready(self) -> bool:
        return not self.incomplete and not (self.blocking_queries and self.open_queries)


def _incomplete(
    session: Session, wb: Workbench, subject_id: int, visit_id: int | None
) -> list[str]:
    kinds = wb.study.signatures.required_form_kinds
    states = form_states(session, wb.study, subject_id)
    visits = session.scalars(
        select(Visit).where(
            Visit.subject_id == subject_id, *([Visit.id == visit_id] if visit_id else [])
        )
    ).all()
    missing: list[str] = []
    for visit in visits:
        if visit_id is None and visit.status != "done":
            continue
        if visit.status != "done":
            missing.append(f"{visit.visit_code}: the visit has no date")
            continue
        for code in wb.study.visit(visit.visit_code).forms:
            form = wb.study.form(code)
            if form.kind not in kinds:
                continue
            if states.get((int(visit.id), code)) not in ("complete", "not_done"):  # type: ignore[arg-type]
                missing.append(f"{visit.visit_code}: {form.name}")
    return missing


def readiness(wb: Workbench, subject_id: int, visit_id: int | None = None) -> Readiness:
    """Whether this visit (or the whole casebook) may be signed now, and what is missing."""
    with read_session(wb.engine) as session:
        return readiness_in(session, wb, subject_id, visit_id)


def readiness_in(
    session: Session, wb: Workbench, subject_id: int, visit_id: int | None
) -> Readiness:
    return Readiness(
        incomplete=tuple(_incomplete(session, wb, subject_id, visit_id)),
        open_queries=open_query_count(session, subject_id, visit_id),  # type: ignore[arg-type]
        blocking_queries=wb.study.signatures.block_on_open_queries,
    )


def sign(
    wb: Workbench,
    actor: Actor,
    *,
    subject_id: int,
    visit_id: int | None,
    meaning_code: str,
    password: str,
    username: str | None = None,
) -> SignatureRead:
    """Sign a visit (visit_id given) or the subject's casebook, after re-authentication."""
    require(actor, "sign")
    scope = "visit" if visit_id is not None else "casebook"
    meaning = next((m for m in meanings_for(wb, scope) if m.code == meaning_code), None)
    if meaning is None:
        raise ValidationFailed({"meaning": f"choose one of the meanings for a {scope} signature"})
    if not password:
        raise ValidationFailed({"password": "enter your password to sign"})
    reauthenticate(wb.engine, actor, password, username)
    with write(wb, actor) as session:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise NotFound(f"subject {subject_id} does not exist")
        if visit_id is not None:
            visit = session.get(Visit, visit_id)
            if visit is None or visit.subject_id != subject_id:
                raise NotFound(f"visit {visit_id} is not a visit of this subject")
        refuse_if_locked(session, subject_id, visit_id, None)  # a freeze still allows signing
        check_site(session, actor, subject_id)
        ready = readiness_in(session, wb, subject_id, visit_id)
        if ready.incomplete:
            shown = "; ".join(ready.incomplete[:8])
            raise ValidationFailed({"forms": f"complete every required form first: {shown}"})
        if ready.blocking_queries and ready.open_queries:
            raise ValidationFailed(
                {"queries": f"{ready.open_queries} open data quer(ies) must be closed first"}
            )
        conn = session.connection()
        sig = Signature(
            scope=scope,
            subject_id=subject_id,
            visit_id=visit_id,
            user_id=actor.user_id,  # type: ignore[arg-type]
            username=actor.username,
            printed_name=actor.full_name,
            role=actor.role,
            meaning_code=meaning.code,
            meaning=meaning.text,
            signed_at=utc_now().replace(microsecond=0),
            chain_head=chain_head(conn).as_text(),
            canonical_version=CANONICAL_VERSION,
            content_hash="",
        )
        sig.content_hash = content_hash(sig, signed_content(conn, subject_id, visit_id))
        session.add(sig)
        session.flush()
        append(
            conn,
            [
                {
                    **actor.stamp(),
                    "action": "sign",
                    "entity": "signature",
                    "record_id": sig.id,
                    "subject_id": subject_id,
                    "visit_id": visit_id,
                    "field": "meaning",
                    "new_value": meaning.text,
                    "reason": f"{scope} signature, content sha256 {sig.content_hash}",
                    "study_version": wb.study.study.definition_version,
                }
            ],
        )
        return _to_read(sig, None)


def _to_read(sig: Signature, inv: SignatureInvalidation | None) -> SignatureRead:
    return SignatureRead(
        id=int(sig.id),  # type: ignore[arg-type]
        scope=sig.scope,
        subject_id=sig.subject_id,
        visit_id=sig.visit_id,
        username=sig.username,
        printed_name=sig.printed_name,
        role=sig.role,
        meaning_code=sig.meaning_code,
        meaning=sig.meaning,
        signed_at=aware(sig.signed_at),  # type: ignore[arg-type]
        content_hash=sig.content_hash,
        chain_head=sig.chain_head,
        invalidated_at=aware(inv.invalidated_at) if inv else None,
        invalidated_by=inv.username if inv else None,
        invalidating_change=inv.change if inv else None,
    )


def _query(session: Session, *where: Any) -> list[SignatureRead]:
    rows = session.execute(
        select(Signature, SignatureInvalidation)
        .outerjoin(SignatureInvalidation, SignatureInvalidation.signature_id == Signature.id)  # type: ignore[arg-type]
        .where(*where)
        .order_by(Signature.id)  # type: ignore[arg-type]
    ).all()
    return [_to_read(s, i) for s, i in rows]


def signatures_of(
    wb: Workbench,
    subject_id: int | None = None,
    visit_id: int | None = None,
    *,
    casebook: bool = False,
) -> list[SignatureRead]:
    """Signatures, valid and invalidated, oldest first: all, a subject's, a visit's, casebooks."""
    require_subject(wb, subject_id)
    where: list[Any] = []
    if subject_id is not None:
        where.append(Signature.subject_id == subject_id)
    if visit_id is not None:
        where.append(Signature.visit_id == visit_id)
    if casebook:
        where.append(Signature.scope == "casebook")
    with read_session(wb.engine) as session:
        return _query(session, *where)


def current(signatures: list[SignatureRead]) -> SignatureRead | None:
    """The newest signature of a scope (what the page shows first)."""
    return signatures[-1] if signatures else None


def verify_signatures(engine: Engine) -> tuple[int, tuple[str, ...]]:
    """Recompute every valid signature's hash; (how many checked, mismatches found)."""
    problems: list[str] = []
    checked = 0
    with Session(engine) as session:
        valid = _query(session, SignatureInvalidation.id.is_(None))  # type: ignore[union-attr]
        conn = session.connection()
        for sig in valid:
            checked += 1
            stored = session.get(Signature, sig.id)
            recomputed = content_hash(stored, signed_content(conn, sig.subject_id, sig.visit_id))
            if recomputed != sig.content_hash:
                where = f"visit {sig.visit_id}" if sig.visit_id else "casebook"
                problems.append(
                    f"signature {sig.id} (subject {sig.subject_id}, {where}): signed content "
                    "does not match its hash (changed outside the application?)"
                )
    return checked, tuple(problems)
