"""Layouts of the clinician instruments: PGA, SLEDAI-2K and BILAG-2004 (spec/scoring.md §1, §2, §5).

Live values come from `records.derived.derive` as the boxes are ticked; lab-driven SLEDAI
suggestions are shown beside their descriptor with the triggering values and never ticked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import streamlit as st

from records.context import Workbench
from records.derived import Derived, derive
from records.instruments import ItemSpec, instrument
from records.labs import sledai_suggestions
from scoring import bilag, pga, sledai
from ui.capture import flow, sections, widgets
from ui.capture.assessment import View, item_values
from ui.capture.target import Target
from ui.capture.widgets import escape


def _reasons(derived: Derived) -> None:
    for warning in derived.warnings:
        st.warning(warning, icon=":material/warning:")
    if derived.reasons:
        with st.expander("How this was derived"):
            st.markdown("\n".join(f"- {r}" for r in derived.reasons))


def pga_view(wb: Workbench) -> View:
    """One exact two-decimal value on the 0–3 line with its four anchors (§5)."""

    def layout(form_id: str, specs: Sequence[ItemSpec], disabled: bool) -> None:
        st.markdown("Rate overall disease activity **before** looking at SLEDAI or serology.")
        for column, (value, name) in zip(st.columns(4), pga.ANCHORS, strict=True):
            column.markdown(f"**{value}** {name}")
        widgets.item_widget(
            form_id, specs[0], {}, None, disabled=disabled, label="PGA, 0.00 to 3.00"
        )
        live = derive(wb.study, "PGA", item_values(form_id, specs, frozenset()))
        if live.values.get("anchor"):
            st.caption(f"{live.values['pga']}: {live.values['anchor']}")

    return View(layout, live=True)


def _suggestion(found: sledai.Suggestion) -> None:
    evidence = "; ".join(e.rule for e in found.evidence)
    st.warning(
        f"Labs point to this descriptor: {evidence}. Confirm before ticking: {found.confirm}. "
        "It is not ticked for you.",
        icon=":material/science:",
    )


def _sledai_scores(live: Derived) -> None:
    total, clinical, band = st.columns(3)
    total.metric("SLEDAI-2K total", f"{live.values.get('total', '—')} / {sledai.MAXIMUM}")
    clinical.metric("Clinical SLEDAI", live.values.get("clinical", "—"))
    band.metric("Activity band", str(live.values.get("band", "—")))
    _reasons(live)


def sledai_view(wb: Workbench, target: Target) -> View:
    """24 descriptors by organ system with their definitions, lab hints and live totals."""
    protocol = wb.study.protocol
    hints = {s.descriptor: s for s in sledai_suggestions(wb, target.visit_id)}
    items = instrument("SLEDAI2K").items
    boxes = frozenset(sledai.DESCRIPTORS)

    def layout(form_id: str, specs: Sequence[ItemSpec], disabled: bool) -> None:
        top = st.empty()
        st.info(
            f"{protocol.sledai_variant}, look-back window {protocol.sledai_window_days} days: "
            "tick a descriptor only if present at the visit or within the window and attributed "
            "to SLE activity (not damage, infection or drugs).",
            icon=":material/info:",
        )

        def group_of(group: str) -> None:
            st.markdown(f"**{group.capitalize()}**")
            for item in (i for i in items if i.group == group):
                left, right = st.columns([3, 2])
                with left:
                    label = f"{item.number}. {item.label} (weight {item.weight})"
                    st.checkbox(label, key=flow.key(form_id, item.code), disabled=disabled)
                    st.caption(escape(sledai.definition(item.code, protocol.sledai_variant)))
                    flow.error(form_id, item.code)
                if item.code in hints:
                    with right:
                        _suggestion(hints[item.code])

        body, bottom = st.container(), st.empty()  # the total under the groups

        def draw(live: Derived) -> None:
            with top.container(border=True):
                _sledai_scores(live)
            bottom.markdown(
                f"**Total {live.values.get('total', '—')} / {sledai.MAXIMUM}** · clinical "
                f"{live.values.get('clinical', '—')} · {live.values.get('band', '—')}"
            )

        scores = sections.LiveScore(
            lambda: derive(wb.study, "SLEDAI2K", item_values(form_id, specs, boxes)), draw
        )
        with body:
            for group in instrument("SLEDAI2K").groups:
                sections.section(group, partial(group_of, group), (scores,))

    return View(layout, live=True, checkboxes=boxes)


def _domain(
    form_id: str, domain: str, specs: Mapping[str, ItemSpec], labels: widgets.Labels, disabled: bool
) -> None:
    """A domain's items, two per row; a measured item has its 'due to SLE' flag beside it."""
    inst = instrument("BILAG2004")
    codes = bilag.ITEMS_BY_DOMAIN[domain]
    st.button(
        "Code this domain's unanswered items 0 (not present)",
        key=flow.key(form_id, f"zero_{domain}"),
        on_click=_zero_unanswered,
        args=(form_id, [c for c in codes if c in bilag.ORDINAL_ITEMS]),
        disabled=disabled,
        help="Every BILAG-2004 item is coded: a form of grades alone is incomplete.",
    )
    for start in range(0, len(codes), 2):
        for column, code in zip(st.columns(2), codes[start : start + 2], strict=False):
            item = inst.item(code)
            with column:
                label = f"{item.number}. {item.label}"
                widgets.item_widget(
                    form_id,
                    specs[code],
                    labels.get(code, {}),
                    item.unit,
                    disabled=disabled,
                    label=label,
                )
                if f"{code}S" in specs:
                    flag = specs[f"{code}S"]
                    widgets.item_widget(
                        form_id,
                        flag,
                        labels.get(flag.code, {}),
                        None,
                        disabled=disabled,
                        label=f"{item.number}. due to SLE activity?",
                    )


def _zero_unanswered(form_id: str, codes: list[str]) -> None:
    """Fill the blank ordinal items with 0; answered items are never overwritten."""
    for code in codes:
        key = flow.key(form_id, code)
        if st.session_state.get(key) in (None, ""):
            st.session_state[key] = "0"


def _grades(form_id: str, specs: Mapping[str, ItemSpec], labels: widgets.Labels, off: bool):
    st.markdown("**Domain grades** (entered by the investigator)")
    columns = st.columns(3)
    for n, domain in enumerate(bilag.DOMAINS):
        code = bilag.GRADE_CODES[domain]
        with columns[n % 3]:
            widgets.item_widget(
                form_id,
                specs[code],
                labels.get(code, {}),
                None,
                disabled=off,
                label=f"{domain.capitalize()} grade",
            )


def bilag_view(wb: Workbench) -> View:
    """97 items by domain (0–4/ND, numbers, Y/N with 'due to SLE'), grades, live score."""
    labels = widgets.option_labels(wb.study, "BILAG2004")

    def layout(form_id: str, specs: Sequence[ItemSpec], disabled: bool) -> None:
        by_code = {s.code: s for s in specs}
        scores = st.empty()

        def draw(live: Derived) -> None:
            with scores.container(border=True):
                number, overall = st.columns(2)
                value = live.values.get("numeric_score")
                shown = "—" if value is None else f"{value} / {bilag.MAXIMUM}"
                number.metric("BILAG-2004 numeric score", shown)
                overall.metric("Overall grade", live.values.get("overall_grade") or "—")
                _reasons(live)

        score = sections.LiveScore(
            lambda: derive(wb.study, "BILAG2004", item_values(form_id, specs, frozenset())), draw
        )
        st.caption(
            "Last 4 weeks compared with the previous 4 weeks; only manifestations due to SLE "
            "activity. ND not done, 0 not present, 1 improving, 2 same, 3 worse, 4 new."
        )
        st.button(
            "Code every unanswered item 0 (not present), all domains",
            key=flow.key(form_id, "zero_all"),
            on_click=_zero_unanswered,
            args=(form_id, [c for c in bilag.ORDINAL_ITEMS if c in by_code]),
            disabled=disabled,
            help="For a visit where nothing else is present: answered items are kept.",
        )
        tabs = st.tabs([d.capitalize() for d in bilag.DOMAINS])
        for domain, tab in zip(bilag.DOMAINS, tabs, strict=True):
            with tab:
                sections.section(
                    domain, partial(_domain, form_id, domain, by_code, labels, disabled), (score,)
                )
        grades = partial(_grades, form_id, by_code, labels, disabled)
        sections.section("grades", grades, (score,))

    return View(layout, live=True)
