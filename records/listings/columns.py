"""Column definitions shared by many listings, so labels and rules read the same everywhere."""

from __future__ import annotations

from records.listings.model import STUDY_DAY_RULE, Column, Kind

SUBJECT = Column("subject", "Subject", "id", key=True)
SITE = Column("site", "Site", "id")
VISIT = Column("visit_code", "Visit", "code", key=True)
VISIT_NAME = Column(
    "visit_name",
    "Visit name",
    "text",
    origin="assigned",
    rule="Visit name from the study definition",
)
VISIT_REPEAT = Column(
    "visit_sequence",
    "Visit repeat",
    "int",
    origin="assigned",
    key=True,
    rule="1 for a subject's first visit of a code; 2, 3… for each repeated (unscheduled) visit",
)
DECODE_RULE = "Decode of the code column through the codelist named"
ENTERED_IN_ERROR = Column("error_reason", "Entered in error: why", "longtext")
"""A log row marked entered in error stays in its listing with the reason (never in SDTM)."""
SUBJECT_SORT = ("subject",)
VISIT_SORT = ("subject", "visit_order", "visit_sequence")


def day(name: str, of: str) -> Column:
    """The study day beside a date column."""
    return Column(name, f"Study day of {of.lower()}", "day", origin="derived", rule=STUDY_DAY_RULE)


def dated(name: str, label: str, kind: Kind = "date") -> tuple[Column, Column]:
    """A date column and its study day, always side by side."""
    return Column(name, label, kind), day(f"{name}_day", label.split(" (")[0])


def coded(
    name: str, label: str, codelist: str, origin: str = "collected", rule: str = ""
) -> tuple[Column, Column]:
    """A code column and its decoded label (code and label both shown, records §5.1)."""
    return (
        Column(name, label, "code", codelist=codelist, origin=origin, rule=rule),  # type: ignore[arg-type]
        Column(
            f"{name}_label",
            f"{label} (decode)",
            "text",
            codelist=codelist,
            origin="derived",
            rule=f"{DECODE_RULE} ({codelist})",
        ),
    )


def yes_no(name: str, label: str, origin: str = "collected", rule: str = "") -> Column:
    """A Y/N flag column (CDISC NY)."""
    return Column(name, label, "code", codelist="NY", origin=origin, rule=rule)  # type: ignore[arg-type]
