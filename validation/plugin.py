"""pytest plugin: record each `req`-marked test's requirement ids and outcome as JSON.

pytest -p validation.plugin --validation-results=FILE
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--validation-results", help="write req-marked test outcomes to this JSON")


class _Recorder:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.tests: dict[str, dict[str, Any]] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            ids = sorted({i for m in item.iter_markers("req") for i in m.args})
            if ids:
                self.tests[item.nodeid] = {"reqs": ids, "outcome": "not run", "seconds": 0.0}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        test = self.tests.get(report.nodeid)
        if test is None:
            return
        test["seconds"] = round(test["seconds"] + report.duration, 3)
        if report.failed:
            test["outcome"] = "failed"
        elif report.skipped and test["outcome"] != "failed":
            test["outcome"] = "skipped"
        elif report.when == "call" and report.passed and test["outcome"] == "not run":
            test["outcome"] = "passed"

    def pytest_sessionfinish(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.write_text(json.dumps(self.tests, indent=1, sort_keys=True), encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    out = config.getoption("--validation-results")
    if out:
        config.pluginmanager.register(_Recorder(Path(out)), "validation-recorder")
