"""Site and user accounts. Users are deactivated, never deleted (REQ-SEC-03)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import utc_now

ROLES: tuple[str, ...] = ("investigator", "coordinator", "monitor", "data_manager", "admin")


class Site(SQLModel, table=True):
    """An investigational site of the study, as its definition lists it (synced by code)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=200)
    timezone: str = Field(default="UTC", max_length=64)


class SiteMember(SQLModel, table=True):
    """An account's membership of a site: whose subjects it sees and may change (#16).

    An account without memberships works at the only site while the study has one; once it
    has several, an account sees and changes the sites it is a member of, and no others.
    """

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    site_id: int = Field(foreign_key="site.id", primary_key=True)


class User(SQLModel, table=True):
    """A local account: argon2id hash, role, lockout counters."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
    last_login_at: datetime | None = None
    must_change_password: bool = Field(default=False)
    password_changed_at: datetime | None = None
