"""The handle every use case takes: the engine plus the study definition it runs under."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, true

from records.lab_units import check_units
from records.wording import check_wording
from study.schema import StudyDefinition


@dataclass(frozen=True)
class Workbench:
    """Engine and study definition; cheap to pass, safe to share between threads.

    `site_ids` limits what reads return to those sites' subjects (None: every site); pages
    get a workbench scoped to the signed-in account (`records.sites.scoped`), so a list, a
    dashboard or a listing never shows another site's subjects. Writes are held to the
    writer's sites below the use cases, whatever workbench they come through
    (`models.site_scope`).
    """

    engine: Engine
    study: StudyDefinition
    site_ids: frozenset[int] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        check_units(self.study)  # a lab unit the workbench cannot convert: refused here
        check_wording(self.study)  # question text that does not fit its instrument: refused

    def subject_filter(self, site_column: Any) -> Any:
        """A WHERE clause keeping this workbench's sites (True when it sees every site)."""
        return true() if self.site_ids is None else site_column.in_(self.site_ids)
