"""The page registry: which pages exist and which roles may see each one.

A page not passed to `st.navigation` is not routable, so this list is the first access check;
each page's guard and the records layer are the second and third (spec/streamlit.md §1.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent.parent / "app_pages"
ALL_ROLES = ("investigator", "coordinator", "monitor", "data_manager", "admin")
CLINICAL = ("investigator", "coordinator", "monitor", "data_manager", "admin")
CAPTURE = ("investigator", "coordinator", "monitor", "data_manager")
"""Data-capture pages: investigators and coordinators write, monitors and data managers read."""
CAPTURE_WRITE = ("investigator", "coordinator")


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    section: str
    roles: tuple[str, ...]

    @property
    def url_path(self) -> str:
        return self.file.removesuffix(".py")


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home.py", "Home", ":material/home:", "Study", ALL_ROLES),
    PageSpec("subjects.py", "Subjects", ":material/group:", "Study", CLINICAL),
    PageSpec("subject.py", "Subject", ":material/person:", "Study", CLINICAL),
    PageSpec("visit.py", "Visit", ":material/event:", "Study", CLINICAL),
    PageSpec("adverse_events.py", "Adverse events", ":material/emergency:", "Study", CAPTURE),
    PageSpec("medications.py", "Medications", ":material/medication:", "Study", CAPTURE),
    PageSpec("history.py", "Medical history", ":material/history_edu:", "Study", CAPTURE),
    PageSpec("patient_mode.py", "Patient mode", ":material/tablet:", "Study", CAPTURE_WRITE),
    PageSpec("timeline.py", "Subject timeline", ":material/timeline:", "Outcomes", CLINICAL),
    PageSpec("responses.py", "Response status", ":material/fact_check:", "Outcomes", CLINICAL),
    PageSpec("efficacy.py", "Efficacy summary", ":material/monitoring:", "Outcomes", CLINICAL),
    PageSpec("safety.py", "Safety summary", ":material/health_and_safety:", "Outcomes", CLINICAL),
    PageSpec(
        "export.py",
        "Export listings",
        ":material/download:",
        "Review",
        ("investigator", "monitor", "data_manager", "admin"),
    ),
    PageSpec(
        "audit.py",
        "Audit trail",
        ":material/history:",
        "Review",
        ("monitor", "data_manager", "admin"),
    ),
    PageSpec("signoff.py", "PI sign-off", ":material/signature:", "Review", ("investigator",)),
    PageSpec("review.py", "Queries and SDV", ":material/rule:", "Review", CAPTURE),  # 12
    PageSpec(
        "database_lock.py",
        "Database lock",
        ":material/lock:",
        "Review",
        ("monitor", "data_manager"),
    ),
    PageSpec("users.py", "Users", ":material/manage_accounts:", "Administration", ("admin",)),
    PageSpec("account.py", "My account", ":material/password:", "Account", ALL_ROLES),
)


PATIENT_MODE = next(p for p in PAGES if p.file == "patient_mode.py")
ACCOUNT = next(p for p in PAGES if p.file == "account.py")


def page(spec: PageSpec, default: bool = False) -> st.Page:
    return st.Page(
        PAGES_DIR / spec.file,
        title=spec.title,
        icon=spec.icon,
        url_path=spec.url_path,
        default=default,
    )


def pages_for(role: str) -> dict[str, list[st.Page]]:
    """Sections → pages the role may open; the first page is the default."""
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if role in spec.roles:
            sections.setdefault(spec.section, []).append(page(spec, default=not sections))
    return sections


def may_open(role: str, file: str) -> bool:
    """Whether the page is in the role's navigation (only then may a page link to it)."""
    return any(spec.file == file and role in spec.roles for spec in PAGES)


def link(file: str) -> str:
    """Path of a page for st.switch_page / st.page_link."""
    return str(PAGES_DIR / file)


def sign_in_pages() -> list[st.Page]:
    """The sign-in page at /login and at every page's address (hidden navigation).

    Opening a link while signed out shows the sign-in form at that address with its query
    (?subject=…&visit=…) kept; once signed in, the same address runs the page it names.
    """
    login = PAGES_DIR / "login.py"
    pages = [
        st.Page(login, title="Sign in", icon=":material/login:", url_path="login", default=True)
    ]
    for spec in PAGES:
        pages.append(
            st.Page(login, title="Sign in", icon=":material/login:", url_path=spec.url_path)
        )
    return pages
