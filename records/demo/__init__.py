"""The demo study generator (`build_demo`), written through the records use cases."""

from records.demo.build import DemoSummary, Plan, build_demo

__all__ = ["DemoSummary", "Plan", "build_demo"]
