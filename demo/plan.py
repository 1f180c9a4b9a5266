"""One demo subject's plan: its profile, anchor dates, baseline levels and the ids written so far.

Its own module so the builder, the event writers and the value generators all read it without
importing one another in a circle.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from records.context import Workbench

PROFILES = "RRFNRERNRR"
"""Per subject index mod 10: R responder, N non-responder, F screen failure, E early termination."""


@dataclass
class Plan:
    """One demo subject: profile, anchor dates, baseline levels and ids written so far."""

    wb: Workbench
    today: date
    index: int
    rng: random.Random
    consent: date
    subject_id: int = 0
    sex: str = "F"
    dose: date | None = None
    visits: dict[str, int] = field(default_factory=dict)
    base: dict[str, float] = field(default_factory=dict)
    edits: int = 0

    @property
    def profile(self) -> str:
        return PROFILES[self.index % 10]

    @property
    def nephritis(self) -> bool:
        return self.index % 3 == 0

    def day(self, when: date) -> int:
        """Study day of a date (day 1 = dose; screening days negative, no day 0)."""
        if self.dose is None:
            return -1
        return (when - self.dose).days + (1 if when >= self.dose else 0)

    def activity(self, day: int) -> float:
        """Disease activity left (1.0 at baseline): falls for responders, one subject flares."""
        if self.profile == "R":
            return max(0.0, 1 - max(0, day - 1) / 140)
        return 1.4 if self.index % 10 == 7 and day >= 84 else 1.0
