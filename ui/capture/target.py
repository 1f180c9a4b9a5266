"""Where a form is entered: subject, visit and whether the signed-in role may write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Target:
    """The subject and visit a form belongs to; `writable` when the role holds write_clinical."""

    subject_id: int
    visit_id: int
    visit_code: str
    visit_date: date | None
    writable: bool

    @property
    def name(self) -> str:
        """Identity of the widgets' content: reseeded when the visit changes."""
        return f"visit:{self.visit_id}"
