"""The requirement catalogue (requirements.toml) and the tests that link to it by marker."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path(__file__).resolve().parent / "requirements.toml"
STATUSES = ("implemented", "not implemented")

# Every REQ id of spec/records.md §3 (Part 11, ICH E6(R3), FDA, EMA), in the order it gives them.
SPEC_IDS: tuple[str, ...] = (
    "REQ-VAL-01", "REQ-VAL-02", "REQ-EXP-01", "REQ-EXP-02", "REQ-SEC-05", "REQ-SEC-01",
    "REQ-AUD-01", "REQ-AUD-02", "REQ-AUD-03", "REQ-WF-01", "REQ-SEC-02", "REQ-SEC-06",
    "REQ-DOC-02", "REQ-DOC-03", "REQ-DOC-01", "REQ-SIG-01", "REQ-SIG-02", "REQ-SEC-03",
    "REQ-SIG-03", "REQ-SEC-04", "REQ-AUD-04", "REQ-AUD-05", "REQ-AUD-06", "REQ-AUD-07",
    "REQ-MON-01", "REQ-AUD-08", "REQ-EXP-03", "REQ-WF-02", "REQ-AUD-09", "REQ-SEC-07",
    "REQ-SEC-08", "REQ-AUD-10", "REQ-EXP-04",
)  # fmt: skip

_MARK = re.compile(r"pytest\.mark\.req\(([^)]*)\)")
_ID = re.compile(r"""["']([A-Z]{3}-[A-Z0-9-]+)["']""")


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    source: str
    text: str
    status: str = "implemented"
    justification: str = ""
    note: str = ""

    @property
    def implemented(self) -> bool:
        return self.status == "implemented"


def load(path: Path = CATALOGUE) -> tuple[Requirement, ...]:
    """The catalogue's requirements in file order; malformed entries raise ValueError."""
    entries = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("requirement", [])
    reqs = []
    for entry in entries:
        try:
            reqs.append(Requirement(**entry))
        except TypeError as err:
            raise ValueError(f"{path}: requirement {entry.get('id')!r}: {err}") from err
    return tuple(reqs)


def catalogue_problems(reqs: tuple[Requirement, ...]) -> list[str]:
    """Duplicates, unknown statuses, unjustified gaps and §3 ids missing from the catalogue."""
    problems = []
    ids = [r.id for r in reqs]
    problems += [
        f"{i}: listed more than once" for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    for r in reqs:
        if r.status not in STATUSES:
            problems.append(f"{r.id}: status must be one of {STATUSES}, not {r.status!r}")
        if r.status == "not implemented" and not r.justification.strip():
            problems.append(f"{r.id}: not implemented without a justification")
    problems += [
        f"{i}: in spec/records.md §3 but not in the catalogue" for i in SPEC_IDS if i not in ids
    ]
    return problems


def source_links(tests_dir: Path = ROOT / "tests") -> dict[str, set[str]]:
    """Requirement id -> test files whose source carries it in a `req` marker (a static view)."""
    links: dict[str, set[str]] = defaultdict(set)
    for path in sorted(Path(tests_dir).rglob("test_*.py")):
        for args in _MARK.findall(path.read_text(encoding="utf-8")):
            for req_id in _ID.findall(args):
                links[req_id].add(str(path.relative_to(ROOT)))
    return dict(links)


def link_problems(reqs: tuple[Requirement, ...], linked: set[str]) -> list[str]:
    """Implemented requirements no test verifies, and markers naming unknown requirements."""
    known = {r.id for r in reqs}
    problems = [
        f"{r.id}: no test carries this requirement (mark one, or mark it not implemented)"
        for r in reqs
        if r.implemented and r.id not in linked
    ]
    problems += [
        f"{i}: used in a req marker but not in the catalogue" for i in sorted(linked - known)
    ]
    return problems
