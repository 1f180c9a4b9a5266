"""What every audit row carries besides the change: UTC time, host and versions (issue #13)."""

from __future__ import annotations

import platform
import re

import pytest
from sqlalchemy import text

from tests.records.conftest import screen
from version import APP_VERSION


def _rows(wb):
    with wb.engine.connect() as conn:
        sql = (
            "SELECT ts_utc, host, app_version, study_version FROM auditevent "
            "WHERE entity = 'subject'"
        )
        return list(conn.execute(text(sql)))


@pytest.mark.req("REQ-AUD-07")
def test_times_are_stored_in_utc_as_iso_8601_with_z(wb, actor):
    screen(wb, actor)
    for ts, *_ in _rows(wb):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", ts), ts


@pytest.mark.req("REQ-SEC-06")
def test_every_row_names_the_host_it_was_written_on(wb, actor):
    screen(wb, actor)
    assert {r[1] for r in _rows(wb)} == {platform.node()[:100]}


@pytest.mark.req("REQ-DOC-01")
def test_every_clinical_row_is_stamped_with_the_app_and_study_definition_versions(wb, actor):
    screen(wb, actor)
    version = wb.study.study.definition_version
    assert {(r[2], r[3]) for r in _rows(wb)} == {(APP_VERSION, version)}
