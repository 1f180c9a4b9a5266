"""The handle every use case takes: the engine plus the study definition it runs under."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from study.schema import StudyDefinition


@dataclass(frozen=True)
class Workbench:
    """Engine and study definition; cheap to pass, safe to share between threads."""

    engine: Engine
    study: StudyDefinition
