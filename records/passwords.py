"""Password rules after NIST SP 800-63B §5.1.1.2: length, not the username, not a common one.

A password must have at least 12 characters and may have up to 128 (so pass phrases fit); it
is refused when it contains the username (of 3 characters or more), is on the bundled list of
common passwords (`common_passwords.txt`, compared without regard to case), or is one or two
characters repeated.
There are no composition rules (no "one digit, one capital"), as the guideline advises.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 128
_LIST = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list, case-folded."""
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().casefold() for x in lines if x.strip() and not x.startswith("#"))


def password_problem(password: str, username: str | None) -> str | None:
    """Why this password is refused for this username, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"must have at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must have at most {MAX_LENGTH} characters"
    folded = password.casefold()
    name = (username or "").strip().casefold()
    if len(name) >= 3 and name in folded:
        return "must not contain the username"
    if len(set(folded.strip())) <= 2:
        return "is too repetitive (one or two characters repeated)"
    if folded in common_passwords() or folded.strip() in common_passwords():
        return "is on the list of commonly used passwords; choose another"
    return None
