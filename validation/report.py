"""Build the validation report: `python -m validation.report` (what `make validate` runs).

Runs every test that carries a `req` marker (browser tests excepted; `--results FILE` reuses the
outcomes of a run already made, `--collect-only` links without running), then writes under
validation/report/: validation-report.html, validation-report.pdf and results.json.

Exit 0 when every implemented requirement has tests and all of them passed, else 1.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import platform
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from validation.catalogue import (
    ROOT,
    Requirement,
    catalogue_problems,
    link_problems,
    load,
)

OUT = ROOT / "validation" / "report"
STUDY = ROOT / "study" / "nct06737380.toml"
SELECTION = "req and not e2e"


@dataclass
class Evidence:
    """Everything the report shows, gathered once and rendered to HTML and PDF."""

    generated: str
    reqs: tuple[Requirement, ...]
    tests: dict[str, dict[str, Any]]
    installation: list[tuple[str, str]]
    packages: list[tuple[str, str, str]]
    problems: list[str] = field(default_factory=list)
    ran: bool = True

    def tests_of(self, req_id: str) -> list[tuple[str, str]]:
        return sorted((n, t["outcome"]) for n, t in self.tests.items() if req_id in t["reqs"])

    def verdict(self, req: Requirement) -> str:
        if not req.implemented:
            return "NOT IMPLEMENTED"
        outcomes = {o for _, o in self.tests_of(req.id)}
        if not outcomes:
            return "NO TEST"
        if outcomes & {"failed", "skipped"}:
            return "FAIL"
        return "PASS" if outcomes == {"passed"} else "NOT RUN"

    @property
    def ok(self) -> bool:
        verdicts = {self.verdict(r) for r in self.reqs}
        bad = {"FAIL", "NO TEST"} | ({"NOT RUN"} if self.ran else set())
        return not self.problems and not (verdicts & bad)


def run_tests(results: Path, collect_only: bool) -> None:
    """pytest on the req-marked tests, outcomes recorded by validation.plugin."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "validation.plugin",
        f"--validation-results={results}",
        "-m",
        SELECTION,
    ]
    if collect_only:
        command.append("--collect-only")
    quiet = subprocess.DEVNULL if collect_only else None
    subprocess.run(command, cwd=ROOT, check=False, stdout=quiet)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "(missing)"


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return "(not a git checkout)"
    return done.stdout.strip()


def installation() -> list[tuple[str, str]]:
    """Installation qualification: where and on what this copy runs."""
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return [
        ("Platform", platform.platform()),
        ("Machine", f"{platform.machine()} ({platform.node()})"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Python executable", sys.executable),
        ("Commit", _git("rev-parse", "HEAD") + (" (with local changes)" if dirty else "")),
        ("Study definition", f"{STUDY.relative_to(ROOT)} SHA-256 {_sha256(STUDY)}"),
        ("requirements.txt", f"SHA-256 {_sha256(ROOT / 'requirements.txt')}"),
        ("requirements-dev.txt", f"SHA-256 {_sha256(ROOT / 'requirements-dev.txt')}"),
    ]


def packages() -> list[tuple[str, str, str]]:
    """Each installed distribution: name, version, SHA-256 of its RECORD (hashes of its files)."""
    rows = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"] or "?"
        record = dist.read_text("RECORD") or ""
        digest = hashlib.sha256(record.encode("utf-8")).hexdigest() if record else "(no RECORD)"
        rows[name.lower()] = (name, dist.version, digest)
    return [rows[k] for k in sorted(rows)]


def gather(results: Path | None, collect_only: bool) -> Evidence:
    reqs = load()
    with tempfile.TemporaryDirectory() as tmp:
        path = results or Path(tmp) / "results.json"
        if results is None:
            run_tests(path, collect_only)
        tests = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    evidence = Evidence(
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        reqs=reqs,
        tests=tests,
        installation=installation(),
        packages=packages(),
        ran=not collect_only,
    )
    if not tests:
        evidence.problems.append("no test results: the test run did not complete")
    linked = {i for t in tests.values() for i in t["reqs"]}
    evidence.problems += catalogue_problems(reqs) + link_problems(reqs, linked)
    return evidence


# ---- HTML ----

_CSS = """body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #999;padding:2px 6px;
vertical-align:top;text-align:left}th{background:#eee}.PASS{color:#060}.FAIL,.NO{color:#b00}
code{font-size:12px}"""


def _e(value: object) -> str:
    return html.escape(str(value))


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]], raw: bool = False) -> str:
    cells = "".join(
        "<tr>" + "".join(f"<td>{c if raw else _e(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{''.join(f'<th>{_e(h)}</th>' for h in head)}</tr>{cells}</table>"


def render_html(ev: Evidence) -> str:
    verdicts = defaultdict(int)
    for r in ev.reqs:
        verdicts[ev.verdict(r)] += 1
    summary = ", ".join(f"{v}: {n}" for v, n in sorted(verdicts.items()))
    outcome = "ACCEPTED" if ev.ok else "NOT ACCEPTED"
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Validation report</title>"
        f"<style>{_CSS}</style></head><body>",
        "<h1>Validation report: lupus trial investigator workbench</h1>",
        f"<p>Generated {_e(ev.generated)}. Outcome: <b>{outcome}</b> ({_e(summary)}; "
        f"{len(ev.tests)} tests linked{'' if ev.ran else ', collected but not run'}). "
        "Browser (e2e) tests are not part of this run.</p>",
    ]
    if ev.problems:
        parts.append("<h2>Problems</h2><ul>")
        parts += [f"<li>{_e(p)}</li>" for p in ev.problems]
        parts.append("</ul>")
    parts.append("<h2>1. Installation qualification</h2>")
    parts.append(_table(("Item", "Value"), ev.installation))
    parts.append(f"<h3>Installed packages ({len(ev.packages)})</h3>")
    parts.append(_table(("Package", "Version", "SHA-256 of its RECORD"), ev.packages))
    parts.append("<h2>2. Operational qualification</h2>")
    rows = []
    for r in ev.reqs:
        v = ev.verdict(r)
        tests = "<br>".join(f"<code>{_e(n)}</code>: {_e(o)}" for n, o in ev.tests_of(r.id))
        text = _e(r.text) + (f"<br><i>{_e(r.note)}</i>" if r.note else "")
        rows.append(
            (
                f"<b>{_e(r.id)}</b>",
                _e(r.source),
                text,
                tests or "-",
                f"<b class='{v.split()[0]}'>{v}</b>",
            )
        )
    parts.append(
        _table(("Requirement", "Source", "Text", "Tests and results", "Verdict"), rows, raw=True)
    )
    parts.append("<h2>3. Traceability matrix</h2>")
    parts.append(
        _table(
            ("Requirement", "Tests", "Passed", "Verdict"),
            [
                (
                    r.id,
                    str(len(ev.tests_of(r.id))),
                    str(sum(o == "passed" for _, o in ev.tests_of(r.id))),
                    ev.verdict(r),
                )
                for r in ev.reqs
            ],
        )
    )
    parts.append("<h2>4. Requirements without a test</h2>")
    missing = [r for r in ev.reqs if r.implemented and not ev.tests_of(r.id)]
    parts.append(
        _table(("Requirement", "Text"), [(r.id, r.text) for r in missing])
        if missing
        else "<p>None.</p>"
    )
    parts.append("<h2>5. Requirements not implemented</h2>")
    parts.append(
        _table(
            ("Requirement", "Source", "Text", "Justification"),
            [(r.id, r.source, r.text, r.justification) for r in ev.reqs if not r.implemented],
        )
    )
    parts.append("</body></html>")
    return "\n".join(parts)


# ---- PDF ----

_LATIN = str.maketrans({"–": "-", "—": "-", "…": "...", "≥": ">=", "≤": "<=", "×": "x", "→": "->",
                        "‘": "'", "’": "'", "“": '"', "”": '"', "·": "."})  # fmt: skip


def _latin(value: object) -> str:
    return str(value).translate(_LATIN).encode("latin-1", "replace").decode("latin-1")


def _grouped(tests: list[tuple[str, str]], limit: int = 12) -> str:
    """Tests by function (parametrised cases counted together), at most `limit` lines."""
    groups: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, outcome in tests:
        groups[name.split("[")[0]][outcome] += 1
    lines = [
        f"{name.split('::', 1)[-1]} ({name.split('::')[0].removeprefix('tests/')}): "
        + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
        for name, outcomes in groups.items()
    ]
    more = [f"... and {len(lines) - limit} more test functions"] if len(lines) > limit else []
    return "\n".join(lines[:limit] + more) or "-"


def render_pdf(ev: Evidence) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font("helvetica", "B", size)
        pdf.multi_cell(0, 7, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 8)

    def table(head: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...]) -> None:
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=4) as t:
            header = t.row()
            for h in head:
                header.cell(_latin(h))
            for row in rows:
                cells = t.row()
                for value in row:
                    cells.cell(_latin(value))

    heading("Validation report: lupus trial investigator workbench", 16)
    outcome = "ACCEPTED" if ev.ok else "NOT ACCEPTED"
    pdf.multi_cell(
        0,
        5,
        _latin(f"Generated {ev.generated}. Outcome: {outcome}."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for problem in ev.problems:
        pdf.multi_cell(0, 5, _latin(f"Problem: {problem}"), new_x="LMARGIN", new_y="NEXT")
    heading("1. Installation qualification")
    table(("Item", "Value"), ev.installation, (1, 4))
    heading("Installed packages")
    table(("Package", "Version", "SHA-256 of its RECORD"), ev.packages, (2, 1, 4))
    heading("2. Operational qualification")
    table(
        ("Requirement", "Source", "Text", "Tests and results", "Verdict"),
        [
            (
                r.id,
                r.source,
                r.text + (f" ({r.note})" if r.note else ""),
                _grouped(ev.tests_of(r.id)),
                ev.verdict(r),
            )
            for r in ev.reqs
        ],
        (2, 2, 4, 6, 2),
    )
    heading("3. Traceability matrix")
    table(
        ("Requirement", "Tests", "Passed", "Verdict"),
        [
            (
                r.id,
                str(len(ev.tests_of(r.id))),
                str(sum(o == "passed" for _, o in ev.tests_of(r.id))),
                ev.verdict(r),
            )
            for r in ev.reqs
        ],
        (2, 1, 1, 2),
    )
    heading("4. Requirements without a test")
    missing = [(r.id, r.text) for r in ev.reqs if r.implemented and not ev.tests_of(r.id)]
    if missing:
        table(("Requirement", "Text"), missing, (1, 5))
    else:
        pdf.multi_cell(0, 5, "None.", new_x="LMARGIN", new_y="NEXT")
    heading("5. Requirements not implemented")
    table(
        ("Requirement", "Source", "Text", "Justification"),
        [(r.id, r.source, r.text, r.justification) for r in ev.reqs if not r.implemented],
        (2, 2, 4, 5),
    )
    return bytes(pdf.output())


def write(ev: Evidence, out: Path = OUT) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    page, pdf = out / "validation-report.html", out / "validation-report.pdf"
    page.write_text(render_html(ev), encoding="utf-8")
    pdf.write_bytes(render_pdf(ev))
    (out / "results.json").write_text(json.dumps(ev.tests, indent=1, sort_keys=True), "utf-8")
    return page, pdf


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="validation.report", description=__doc__.splitlines()[0])
    p.add_argument("--results", type=Path, help="outcomes from an earlier run (validation.plugin)")
    p.add_argument("--collect-only", action="store_true", help="link tests without running them")
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    ev = gather(args.results, args.collect_only)
    page, pdf = write(ev, args.out)
    print(f"validation report: {page} and {pdf}: {'ACCEPTED' if ev.ok else 'NOT ACCEPTED'}")
    for problem in ev.problems:
        print(f"  - {problem}", file=sys.stderr)
    return 0 if ev.ok else 1


if __name__ == "__main__":
    sys.exit(main())
