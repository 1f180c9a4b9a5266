"""One subject's casebook (REQ-EXP-01, a certified copy): what is printed, read in one snapshot.

The casebook is assembled from the same listings the workbook holds (scoped to one subject, read
in one transaction with the audit trail and the chain head), so a value reads the same in both.
It is reorganised the way a reviewer reads a subject: identity first, then every visit with its
forms, then adverse events and medications, the review record (queries, SDV, signatures with
their manifestation) and the audit history. The renderer (exports/casebook) only lays this out;
every value is turned into text here, once, without rounding.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any, Literal

import pandas as pd

from models.audit import Actor
from records.cells import missing
from records.context import Workbench
from records.listings.model import Column, Listing, Scope
from records.listings.snapshot import AuditRange, Snapshot, read_snapshot
from records.permissions import require
from records.sites import site_label
from records.subjects import get_subject
from version import APP_VERSION

Layout = Literal["table", "record"]

SUBJECT_LISTINGS = ("16.2.1", "16.2.4.1", "16.2.4.2")
EVENT_LISTINGS = ("16.2.7.1", "16.2.9.1", "16.2.9.2")
REVIEW_LISTINGS = ("16.2.10.1", "16.2.10.2", "16.2.10.3")
# AEs again by SOC; SLEDAI-2K and BILAG-2004 by visit are folded from their item listings, which
# the casebook shows in full; the dictionary and codelists are workbook aids
SKIPPED = ("16.2.7.2", "16.2.6.1", "16.2.6.2", "DD", "CL")
WIDE = 10  # more columns than this print as one labelled record per row, not as a table


@dataclass(frozen=True, slots=True)
class Block:
    """One form, or one list of records, as printed: a title, a caption and rows of text."""

    title: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    layout: Layout


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the casebook: the subject, one visit, events, review, audit history."""

    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Casebook:
    """Everything printed for one subject, plus who extracted it, when, and from which chain."""

    protocol: str
    study_id: str
    study_title: str
    sponsor: str
    subject: str
    site: str
    database_status: str
    anchor: str
    extracted_at: str
    extracted_by: str
    versions: str
    sections: tuple[Section, ...]

    @property
    def content_sha256(self) -> str:
        """SHA-256 over the printed content (sections as canonical JSON, UTF-8).

        The extraction time and user are left out, so two casebooks of unchanged data carry
        the same digest and a reviewer can tell a changed casebook from a re-printed one."""
        payload = [asdict(s) for s in self.sections]
        text = json.dumps([self.protocol, self.subject, payload], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def file_name(self) -> str:
        return f"casebook-{self.protocol}-{self.subject}.pdf"


def read_casebook(wb: Workbench, actor: Actor, subject_id: int) -> Casebook:
    """The casebook of one subject. Any role that may export may have it: it is the site's
    certified copy, audit history included (ICH E6(R3): the investigator keeps copies of the
    site's data that need no special skills to read)."""
    require(actor, "export")
    subject = get_subject(wb, subject_id)  # NotFound for a subject of another site
    snapshot = read_snapshot(wb.engine, wb.study, Scope((subject_id,)), AuditRange())
    return assemble(wb, actor, subject.screening_number, snapshot, site_label(wb, subject.site_id))


def assemble(wb: Workbench, actor: Actor, subject: str, snapshot: Snapshot, site: str) -> Casebook:
    """Lay a one-subject snapshot out as casebook sections."""
    s = wb.study.study
    by_number = {listing.number: listing for listing in snapshot.sheets}
    audit = by_number.pop("AUDIT")
    sections = (
        Section("Subject", tuple(_blocks(by_number, SUBJECT_LISTINGS))),
        *_visit_sections(wb, by_number),
        Section("Adverse events and medications", tuple(_blocks(by_number, EVENT_LISTINGS))),
        Section(
            "Review: queries, source data verification, signatures",
            tuple(_blocks(by_number, REVIEW_LISTINGS)),
        ),
        Section("Audit history", tuple(audit_history(audit))),
    )
    return Casebook(
        protocol=s.protocol,
        study_id=s.id,
        study_title=s.title,
        sponsor=s.sponsor,
        subject=subject,
        site=site,
        database_status=snapshot.database_status,
        anchor=snapshot.anchor,
        extracted_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        extracted_by=f"{actor.full_name} ({actor.username}, {actor.role})",
        versions=f"application {APP_VERSION}; study definition {s.definition_version}",
        sections=sections,
    )


def _blocks(listings: dict[str, Listing], numbers: Iterable[str]) -> Iterator[Block]:
    for number in numbers:
        listing = listings[number]
        yield block(listing, listing.frame, listing.title, fold=False)


VISIT_IDENTITY = ("subject", "visit_code", "visit_sequence", "visit_name")


def _visit_sections(wb: Workbench, listings: dict[str, Listing]) -> Iterator[Section]:
    """One section per visit (schedule order, unscheduled visits after), each form a block.

    A visit is its code and repeat: two unscheduled visits are two sections, never merged."""
    placed = set(SUBJECT_LISTINGS + EVENT_LISTINGS + REVIEW_LISTINGS + SKIPPED)
    per_visit = [
        listing
        for number, listing in listings.items()
        if number not in placed and {"visit_code", "visit_sequence"} <= set(listing.frame.columns)
    ]
    rank = {v.code: i for i, v in enumerate(wb.study.visits)}
    keyed = [(listing, _visit_keys(listing.frame)) for listing in per_visit]
    seen = {key for _, keys in keyed for key in keys if key[0] is not None}
    for code, seq in sorted(seen, key=lambda v: (rank.get(v[0], len(rank)), v[0], v[1])):
        blocks = []
        name = ""
        for listing, keys in keyed:
            rows = listing.frame[[key == (code, seq) for key in keys]]
            if len(rows):
                if "visit_name" in rows.columns and not name:
                    name = str(rows["visit_name"].iloc[0])
                blocks.append(block(listing, rows, listing.title))
        if blocks:
            title = f"Visit {code}" + (f" #{seq}" if seq > 1 else "")
            yield Section(title + (f" · {name}" if name else ""), tuple(blocks))


def _visit_keys(frame: pd.DataFrame) -> list[tuple[str | None, int]]:
    """Each row's visit as (code, repeat); a missing repeat is the first."""
    return [
        (None if missing(code) else str(code), 1 if missing(seq) else int(seq))
        for code, seq in zip(frame["visit_code"], frame["visit_sequence"], strict=True)
    ]


def block(listing: Listing, frame: pd.DataFrame, title: str, fold: bool = True) -> Block:
    """A listing's rows as printed: decodes instead of codes, dates with their study day,
    empty columns left out and, in a form (`fold`), columns constant over its rows (date,
    form status) said once in the caption. Signatures and queries keep every column on every
    row: each signature shows its own manifestation."""
    shown = [c for c in listing.columns if _shown(c, listing.columns)]
    cells = [[cell(row[c.name], c, row) for c in shown] for _, row in frame.iterrows()]
    caption: list[str] = []
    keep = []
    for i, column in enumerate(shown):
        values = {r[i] for r in cells}
        if values == {""} or not cells:
            continue
        if fold and len(cells) > 1 and len(values) == 1:
            caption.append(f"{_header(column)}: {values.pop()}")
            continue
        keep.append(i)
    headers = tuple(_header(shown[i]) for i in keep)
    rows = tuple(tuple(r[i] for i in keep) for r in cells)
    layout: Layout = "record" if len(headers) > WIDE else "table"
    note = "no records" if not cells else "; ".join(caption)
    return Block(f"{listing.number} {title}", note, headers, rows, layout)


def _shown(column: Column, columns: tuple[Column, ...]) -> bool:
    """Identity columns are in the section heading; a decode replaces its code; a study day
    is printed beside its date; a study code is left out beside its named twin (test code
    beside test). Dictionary codes (MedDRA PT/SOC codes, kind "id") are evidence and stay."""
    names = {c.name for c in columns}
    if column.name in VISIT_IDENTITY or column.kind == "day":
        return False
    if column.name.endswith("_label") and column.name[: -len("_label")] in names:
        return False
    stem = column.name[: -len("_code")] if column.name.endswith("_code") else None
    return column.kind != "code" or stem not in names


def _header(column: Column) -> str:
    return column.label


def cell(value: Any, column: Column, row: pd.Series) -> str:
    """One value as text: the decode where there is one, the study day beside a date,
    numbers in full (never rounded), nothing for a missing value."""
    label = row.get(f"{column.name}_label")
    if not missing(label):
        return str(label)
    text = as_text(value)
    day = row.get(f"{column.name}_day")
    if text and not missing(day):
        text += f" (day {as_text(day)})"
    return text


def as_text(value: Any) -> str:
    """Missing as empty; floats shortest-exact (15.0 as 15); dates and times in ISO form."""
    if missing(value):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and math.isfinite(value) else repr(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


ENTRY = "create"


def audit_history(audit: Listing) -> Iterator[Block]:
    """Entries summarised per form and save; every later change, signature, SDV and query
    step in full (old value, new value, reason, who, when, chain hash).

    A value entered and never changed reads in the forms above; who entered it and when is
    the entry line of its form. Its later history is each change row."""
    frame = pd.concat(list(audit.frames(20_000)), ignore_index=True)
    entries: list[tuple[str, ...]] = []
    changes: list[tuple[str, ...]] = []
    rows = frame.itertuples(index=False)
    for is_entry, group in groupby(rows, key=lambda r: r.action == ENTRY):
        if is_entry:
            for key, saved in groupby(group, key=_entry_key):
                ids = [as_text(r.id) for r in saved]
                entries.append((*key[:3], str(len(ids)), ids[0]))
            continue
        for row in group:
            changes.append((
                as_text(row.id), as_text(row.ts_utc), _who(row), as_text(row.action_label),
                _where(row), as_text(row.field), as_text(row.old_value), as_text(row.new_value),
                as_text(row.reason), as_text(row.row_hash)[:16],
            ))  # fmt: skip
    yield Block(
        "Entries",
        f"{len(frame)} audit rows for this subject; values entered and never changed read in "
        "the forms above, each save of a form is one line here",
        ("Time (UTC)", "Entered by", "Visit and form", "Values", "First audit row"),
        tuple(entries),
        "table",
    )
    yield Block(
        "Changes, signatures, verification and queries",
        "every audit row other than a first entry, in full; row hash = first 16 hex digits "
        "of the SHA-256 chain hash (the full hash is in the audit trail of the site archive)",
        (
            "Audit row",
            "Time (UTC)",
            "By",
            "Action",
            "Visit and form",
            "Field",
            "Old value",
            "New value",
            "Reason",
            "Row hash",
        ),
        tuple(changes),
        "table",
    )


def _who(row: Any) -> str:
    return f"{as_text(row.user_name)} ({as_text(row.username)}, {as_text(row.user_role)})"


def _where(row: Any) -> str:
    where = " ".join(x for x in (as_text(row.visit_code), as_text(row.form)) if x)
    return where or as_text(row.entity)


def _entry_key(row: Any) -> tuple[str, ...]:
    """One save of one form: same second, same person, same form (or table)."""
    return (str(row.ts_utc)[:19], _who(row), _where(row), as_text(row.entity))
