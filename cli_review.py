"""`manage.py` commands of the review workflow (#12): review-status, database lock, edit checks.

Kept out of manage.py so the command table there grows by one line. The operator at the
terminal acts with the system role (identified by the OS account, origin cli), like every other
command; unlocking from the CLI needs no password for the same reason.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from models import Actor
from records.context import Workbench


def add_parsers(sub: Any, run: Callable[[argparse.Namespace], int]) -> None:
    """Register the review commands; `run` builds the workbench and operator, then dispatches."""
    rs = sub.add_parser(
        "review-status", help="database-lock checklist; exit 0 when ready to lock, 1 otherwise"
    )
    rs.set_defaults(func=run, review="status")
    for name, text in (
        ("lock-database", "lock the whole study (only when review-status is ready)"),
        ("unlock-database", "reopen a locked database"),
        ("freeze-database", "freeze the whole study (always possible)"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--reason", required=True)
        cmd.set_defaults(func=run, review=name.split("-")[0])
    checks = sub.add_parser("checks", help="edit checks: automatic data queries")
    checks.add_argument("action", choices=["run"])
    checks.set_defaults(func=run, review="checks")


def run(args: argparse.Namespace, wb: Workbench, operator: Actor) -> int:
    from records import review_status as rs

    if args.review == "status":
        status = rs.review_status(wb)
        print(status.as_text())
        return 0 if status.ready else 1
    if args.review == "checks":
        from records.edit_checks import run_checks

        result = run_checks(wb, operator)
        print(
            f"edit checks ({', '.join(wb.study.edit_checks)}): {result.raised} raised, "
            f"{result.closed} closed, {result.pending} still under a query"
        )
        return 0
    if args.review == "lock":
        hold = rs.lock_database(wb, operator, args.reason)
        print(f"database LOCKED at {hold.locked_at:%Y-%m-%d %H:%M} UTC by {hold.locked_by}")
    elif args.review == "unlock":
        rs.unlock_database(wb, operator, args.reason)
        print("database unlocked: LIVE")
    else:
        rs.freeze_study(wb, operator, args.reason)
        print("study frozen: no data changes; queries, SDV and signatures go on")
    return 0
