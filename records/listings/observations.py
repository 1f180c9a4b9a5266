"""Listings 16.2.9.3–16.2.9.6: vital signs, ECG, physical examination and kidney imaging."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from models import VitalSign
from records.listings import columns as C
from records.listings import frames as F
from records.listings.assessments import ItemInfo, item_listing
from records.listings.model import Column, Listing, ListingSource, make_listing

NOTE_SUFFIX = "_NOTE"  # storage suffix of an item's note (records/instruments)

MEASURED_RULE = "Measurement time, else the visit date"
VITAL_COLUMNS = (
    C.SUBJECT, C.VISIT, C.VISIT_REPEAT, C.VISIT_NAME,
    Column("measured", "Measured at (site time)", "datetime", rule=MEASURED_RULE),
    C.day("measured_day", "Measured at"),
    Column("timepoint", "Time point", "code"),
    Column("test_code", "Test code", "code", key=True),
    Column("test", "Test", "text", origin="assigned", rule="Test name from the study definition"),
    Column("value_num", "Result", "float"),
    Column("unit", "Unit", "code"),
)  # fmt: skip


def vital_signs(src: ListingSource) -> Listing:
    """Vital signs by subject, visit, time and test (pre/post dose time points on day 1)."""
    vs = VitalSign.__table__  # type: ignore[attr-defined]
    frame = F.with_subject(src.read(src.only_scope(select(vs), vs.c.subject_id)), src)
    frame = F.with_visit(frame, src, ["visit_date"])
    frame["measured_at"] = F.site_local(frame["measured_at"], src)
    frame["measured"] = (
        frame["measured_at"].astype(object).where(frame["measured_at"].notna(), frame["visit_date"])
    )
    frame = F.cut_rows(frame, src, "measured")
    frame["measured_day"] = F.study_day(frame, "measured")
    tests = {t.code: t for t in src.study.vital_tests}
    frame["test"] = F.lookup(frame["test_code"], {c: t.name for c, t in tests.items()})
    frame["test_order"] = frame["test_code"].map({c: i for i, c in enumerate(tests)})
    points = {p: i for codes in src.study.vital_timepoints.values() for i, p in enumerate(codes)}
    frame["point_order"] = frame["timepoint"].map(points)
    frame["sort_date"] = frame["measured"].map(lambda d: None if F.missing(d) else str(d))
    frame = F.ordered(
        frame,
        [*C.VISIT_SORT, "sort_date", "point_order", "timepoint", "test_order", "test_code", "id"],
    )
    head = ("16.2.9.3", "L16.2.9.3 Vital signs", "Vital signs", "VS")
    return make_listing(src, head, VITAL_COLUMNS, frame)


def form_items(src: ListingSource, form_code: str) -> dict[str, ItemInfo]:
    """ItemInfo of a study form's items (and their `_NOTE` items), decoded via the study."""
    form = src.study.form(form_code)
    out = {}
    for n, item in enumerate(form.items, start=1):
        decodes = dict(src.study.codelists.get(item.codelist, ())) if item.codelist else {}
        out[item.code] = ItemInfo(
            order=10 * n,
            number=n,
            label=item.label,
            codelist=item.codelist,
            unit=item.unit,
            decodes=decodes,
        )
        if item.note:
            out[f"{item.code}{NOTE_SUFFIX}"] = ItemInfo(
                order=10 * n + 1, number=n, label=f"{item.label}: note"
            )
    return out


def items_form(
    number: str, sheet: str, form_code: str, source: str
) -> Callable[[ListingSource], Listing]:
    """The listing function of a study form made of items (ECG, PE, kidney imaging)."""

    def listing(src: ListingSource) -> Listing:
        title = src.study.form(form_code).name
        head = (number, sheet, title, source)
        return item_listing(src, head, (form_code,), form_items(src, form_code))

    listing.__doc__ = f"Form {form_code}: item results by subject and visit."
    return listing
