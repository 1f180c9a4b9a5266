"""What a use case reports back instead of a half-written row."""

from __future__ import annotations

from collections.abc import Mapping


class RecordsError(Exception):
    """Base of every expected failure a page or the CLI shows to the user."""


class ValidationFailed(RecordsError):
    """Input refused: `errors` maps each field to a message shown next to it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class PermissionDenied(RecordsError):
    """The user's role may not do this (checked here, not only in the UI)."""


class NotFound(RecordsError):
    """The subject, visit or record does not exist."""


class ConflictError(RecordsError):
    """Someone else saved this record since it was loaded; nothing was overwritten."""

    def __init__(self, message: str, current: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.current = dict(current or {})


class Held(RecordsError):
    """The data are frozen or locked (study, subject, visit or form): nothing was saved (#12)."""
