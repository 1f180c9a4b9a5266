"""The demo study generator (`build_demo`), written through the records use cases."""

from demo.build import DemoSummary, build_demo
from demo.plan import Plan

__all__ = ["DemoSummary", "Plan", "build_demo"]
