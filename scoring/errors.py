"""The one error type the scoring library raises for bad input."""

from __future__ import annotations

from collections.abc import Iterable


class ScoringInputError(ValueError):
    """Bad input to a scoring function; the message names the field and what is allowed.

    A `ValueError` subclass so callers that only know the standard library can still catch it.
    """

    def __init__(self, field: str, value: object, allowed: str | Iterable[object]) -> None:
        allowed_text = allowed if isinstance(allowed, str) else ", ".join(map(str, allowed))
        super().__init__(f"{field}: {value!r} is not allowed; expected {allowed_text}")
        self.field = field
        self.value = value
        self.allowed = allowed_text
