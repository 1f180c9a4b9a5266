"""Command line: migrate, create-user, users, demo, backup, restore, copy, verify, export.

Every command takes --db URL (default: $WORKBENCH_DB_URL or the local SQLite file) and exits
0 on success, 1 when a check finds problems or input is refused, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date
from pathlib import Path

from models import Actor
from models.db import database_url, make_engine, upgrade
from records.context import Workbench
from records.errors import RecordsError, ValidationFailed
from study import DEFAULT_DEFINITION, StudyDefinitionError, load_study

ROLES_HELP = "investigator, coordinator, monitor, data_manager or admin"


def _operator() -> Actor:
    """The person at the terminal: audited by their OS account name, origin cli."""
    name = os.environ.get("USER") or getpass.getuser() or "operator"
    return Actor(
        user_id=None,
        username=f"os:{name}"[:64],
        full_name=f"CLI operator {name}",
        role="system",
        origin="cli",
    )


def _workbench(args: argparse.Namespace) -> Workbench:
    engine = make_engine(database_url(args.db))
    upgrade(engine)
    return Workbench(engine=engine, study=load_study(args.study))


def cmd_migrate(args: argparse.Namespace) -> int:
    engine = make_engine(database_url(args.db))
    upgrade(engine)
    print(f"schema is up to date: {engine.url.render_as_string(hide_password=True)}")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from records import auth

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    wb = _workbench(args)
    user = auth.create_user(
        wb.engine,
        _operator(),
        {
            "username": args.username,
            "full_name": args.full_name,
            "role": args.role,
            "password": password,
        },
    )
    print(f"created {user.role} account {user.username!r} ({user.full_name})")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """Account administration from the terminal, audited as the OS operator (origin cli)."""
    from records import auth

    wb = _workbench(args)
    user_id = auth.user_id_of(wb.engine, args.username)
    if args.action == "reset-password":
        one_time = auth.reset_password(wb.engine, _operator(), user_id, args.reason)
        print(f"one-time password for {args.username} (shown once; must be changed at sign-in):")
        print(one_time)
    elif args.action == "unlock":
        auth.unlock(wb.engine, _operator(), user_id, args.reason)
        print(f"{args.username} unlocked")
    elif args.action == "set-sites":
        from records.sites import set_sites

        codes = [c.strip() for c in (args.sites or "").split(",") if c.strip()]
        sites = set_sites(wb, _operator(), user_id, codes, args.reason)
        print(f"{args.username} works at: {', '.join(sites) or 'no site'}")
    else:
        current = auth.user_frame(wb.engine).set_index("id").loc[user_id]
        role = args.role if args.action == "set-role" else str(current["role"])
        if args.action == "set-role" and not role:
            raise ValidationFailed({"role": f"give --role ({ROLES_HELP})"})
        active = bool(current["active"]) if args.action == "set-role" else False
        user = auth.set_role(wb.engine, _operator(), user_id, role, active, args.reason)
        print(f"{user.username}: role {user.role}, {'active' if user.active else 'deactivated'}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from demo import build_demo
    from records.subjects import subject_frame

    wb = _workbench(args)
    existing = len(subject_frame(wb))
    if existing:
        raise ValueError(
            f"this database already holds {existing} subject(s) (a demo, a half-built demo or "
            "real data); the demo is built only on an empty database: use a new --db file, or "
            "`make demo`, which recreates data/demo.db"
        )
    summary = build_demo(wb, subjects=args.subjects, seed=args.seed)
    print("demo study written:")
    for name, count in asdict(summary).items():
        print(f"  {name.replace('_', ' ')}: {count}")
    print("demo accounts (this database only; passwords are new on every run):")
    accounts = _demo_accounts(wb)
    for username, role, password in accounts:
        print(f"  {username:<18} {role:<13} {password}")
    _demo_signatures(wb, accounts)
    return 0


def _demo_signatures(wb: Workbench, accounts: list[tuple[str, str, str]]) -> None:
    """Signed visits and casebooks, one invalidated by a correction (issue #11)."""
    from demo.events import COORDINATOR
    from demo.signatures import sign_demo

    pi = next(((u, p) for u, role, p in accounts if role == "investigator"), None)
    if pi is not None:
        done = sign_demo(wb, pi[0], pi[1], COORDINATOR)
        print(f"  signatures: {done.signed} ({done.invalidated} invalidated by a correction)")


def _demo_accounts(wb: Workbench) -> list[tuple[str, str, str]]:
    """One account per role with a random password, created only where none exists."""
    import secrets

    from records import auth

    made = []
    existing = set(auth.user_frame(wb.engine)["username"])
    for role in auth.ROLES:
        username = f"demo_{role}"
        if username in existing:
            continue
        password = secrets.token_urlsafe(12)
        auth.create_user(
            wb.engine,
            _operator(),
            {
                "username": username,
                "role": role,
                "full_name": f"Demo {role.replace('_', ' ')}",
                "password": password,
            },
        )
        made.append((username, role, password))
    return made


def cmd_backup(args: argparse.Namespace) -> int:
    from records.maintenance import backup

    wb = _workbench(args)
    report = backup(wb.engine, Path(args.out))
    return _report(report, f"backup written to {args.out} and verified")


def cmd_verify(args: argparse.Namespace) -> int:
    """Checks only: never migrates or creates the file it is asked to check."""
    from records.integrity import read_anchor
    from records.maintenance import check

    url = database_url(args.db)
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    if path and path != ":memory:" and not Path(path).is_file():
        print(f"PROBLEMS FOUND:\n  - no database file at {path}", file=sys.stderr)
        return 1
    anchor = read_anchor(Path(args.anchor)) if args.anchor else None
    report = check(make_engine(url), anchor)
    ok = (
        "database, audit chain, audit replay, append-only triggers, account seals and "
        "signature hashes are intact"
    )
    if anchor is not None and report.head is not None:
        since = report.head.rows - anchor.rows
        ok += f"; the chain extends the anchor {anchor.as_text()} by {since} row(s)"
    return _report(report, ok)


def cmd_copy(args: argparse.Namespace) -> int:
    """Copy the study (--db, usually the SQLite file) into an empty database at --to."""
    from records.copy_study import copy_study

    source = make_engine(database_url(args.db))  # read only: never migrated by a copy
    target = make_engine(args.to)
    try:
        report = copy_study(source, target)
    finally:
        source.dispose()
        target.dispose()
    tables = sum(1 for n in report.rows.values() if n)
    print(
        f"copied {sum(report.rows.values()):,} rows in {tables} tables to "
        f"{target.url.render_as_string(hide_password=True)}; both verify, chain head "
        f"{report.head.as_text()} on both"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from records.restore import restore

    url = database_url(args.db)
    if not url.startswith("sqlite:///"):
        raise ValueError("restore is for SQLite files; use pg_restore for PostgreSQL")
    result = restore(Path(url.split("///", 1)[1]), Path(args.source), _operator(), args.reason)
    kept = f"; the replaced file is kept as {result.kept_aside}" if result.kept_aside else ""
    print(
        f"restored {result.restored_from} (verified, {result.audit_rows} audit rows, "
        f"anchor {result.head.as_text()}){kept}"
    )
    return 0


def _report(report: object, ok_text: str) -> int:
    problems = getattr(report, "problems", ())
    if problems:
        print("PROBLEMS FOUND:", *(f"  - {p}" for p in problems), sep="\n", file=sys.stderr)
        return 1
    print(f"{ok_text} ({getattr(report, 'audit_rows', 0)} audit rows)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from exports.listings import ListingOptions, build_listings_workbook

    if args.what in ("casebook", "archive"):
        from exports.bundles_cli import run_bundle_export

        return run_bundle_export(
            _workbench(args), _operator(), args.what, Path(args.out), args.subject or [],
            bool(args.data_cut or args.audit), _subject_ids,
        )  # fmt: skip
    if args.what != "listings":
        from exports.standards_cli import run_standards_export

        scoped = bool(args.subject or args.data_cut or args.audit)
        return run_standards_export(
            _workbench(args), _operator(), args.what, Path(args.out), scoped
        )
    wb = _workbench(args)
    subjects = tuple(args.subject) if args.subject else None
    options = ListingOptions(
        subject_ids=_subject_ids(wb, subjects), data_cut=args.data_cut, include_audit=args.audit
    )
    data = build_listings_workbook(wb, _operator(), options)
    Path(args.out).write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from cli_review import run

    return run(args, _workbench(args), _operator())


def _subject_ids(wb: Workbench, numbers: tuple[str, ...] | None) -> tuple[int, ...] | None:
    if numbers is None:
        return None
    from records.subjects import subject_frame

    frame = subject_frame(wb)
    known = dict(zip(frame["screening_number"], frame["id"], strict=True))
    unknown = [n for n in numbers if n not in known]
    if unknown:
        raise ValidationFailed({"subject": f"unknown screening numbers: {', '.join(unknown)}"})
    return tuple(int(known[n]) for n in numbers)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="manage.py", description=__doc__.splitlines()[0])
    p.add_argument("--db", help="database URL (default: $WORKBENCH_DB_URL or data/workbench.db)")
    p.add_argument("--study", default=str(DEFAULT_DEFINITION), help="study-definition file")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="upgrade the schema").set_defaults(func=cmd_migrate)
    cu = sub.add_parser("create-user", help="create an account")
    cu.add_argument("--username", required=True)
    cu.add_argument("--full-name", required=True)
    cu.add_argument("--role", required=True, help=ROLES_HELP)
    cu.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    cu.set_defaults(func=cmd_create_user)
    us = sub.add_parser(
        "users", help="reset a password, unlock, deactivate, change a role or the sites"
    )
    us.add_argument(
        "action", choices=["reset-password", "unlock", "deactivate", "set-role", "set-sites"]
    )
    us.add_argument("--username", required=True)
    us.add_argument("--reason", required=True)
    us.add_argument("--role", help=f"for set-role: {ROLES_HELP}")
    us.add_argument("--sites", help="for set-sites: site codes, comma-separated (empty: none)")
    us.set_defaults(func=cmd_users)
    demo = sub.add_parser("demo", help="fill the database with a synthetic demo study")
    demo.add_argument("--subjects", type=int, default=10)
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(func=cmd_demo)
    bk = sub.add_parser("backup", help="online backup of the SQLite file, verified")
    bk.add_argument("--out", required=True)
    bk.set_defaults(func=cmd_backup)
    ve = sub.add_parser("verify", help="integrity check, audit chain, triggers, account seals")
    ve.add_argument(
        "--anchor", help="a backup, its manifest or an export: the chain must extend it"
    )
    ve.set_defaults(func=cmd_verify)
    cp = sub.add_parser(
        "copy", help="copy the study into an empty (PostgreSQL) database, audit trail intact"
    )
    cp.add_argument("--to", required=True, help="URL of the empty target database")
    cp.set_defaults(func=cmd_copy)
    rs = sub.add_parser("restore", help="put a verified backup in place of the database")
    rs.add_argument("--from", dest="source", required=True, help="the backup file")
    rs.add_argument("--reason", required=True, help="why (audited)")
    rs.set_defaults(func=cmd_restore)
    ex = sub.add_parser(
        "export",
        help="export listings, SDTM/ADaM (folder), ODM (file), a casebook (PDF) or the site "
        "archive (zip)",
    )
    ex.add_argument("what", choices=["listings", "sdtm", "odm", "casebook", "archive"])
    ex.add_argument("--out", required=True)
    ex.add_argument(
        "--subject", action="append", help="screening number (repeatable; one for a casebook)"
    )
    ex.add_argument("--data-cut", type=date.fromisoformat, help="YYYY-MM-DD")
    ex.add_argument("--audit", action="store_true", help="include the audit-trail sheet")
    ex.set_defaults(func=cmd_export)
    from cli_review import add_parsers

    add_parsers(sub, cmd_review)  # review-status, lock-/unlock-/freeze-database (#12)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationFailed as err:
        for field, message in err.errors.items():
            print(f"error: {field}: {message}", file=sys.stderr)
        return 1
    except (RecordsError, StudyDefinitionError, FileExistsError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
