"""`ui.capture.sections`: sections draw their part; a live score fed by all of them is drawn by
each section on its first call (Streamlit's rule for writing outside a fragment), and after
that only when what it shows changed."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _form() -> None:
    import streamlit as st

    from ui.capture import sections

    drawn = st.session_state.setdefault("drawn", [])
    top = st.empty()

    def draw(total: int) -> None:
        drawn.append(total)
        top.markdown(f"total {total}")

    score = sections.LiveScore(
        lambda: sum(int(st.session_state.get(k) or 0) for k in ("a", "b", "c")), draw
    )
    for name in ("a", "b", "c"):
        sections.section(name, lambda n=name: st.selectbox(n, ["0", "1", "2"], key=n), (score,))


def test_each_section_draws_the_score_once_and_it_follows_the_entries():
    at = AppTest.from_function(_form).run()
    assert [m.value for m in at.markdown] == ["total 0"]
    assert at.session_state["drawn"] == [0, 0, 0]  # one drawing per section
    at.selectbox(key="b").select("2").run()
    assert [m.value for m in at.markdown] == ["total 2"]
    assert [s.value for s in at.selectbox] == ["0", "2", "0"]


def test_a_section_run_redraws_the_score_only_when_it_changed():
    from ui.capture.sections import LiveScore

    drawn: list[int] = []
    value = {"now": 1}
    score = LiveScore(lambda: value["now"], drawn.append)
    for name in ("a", "b"):
        score(name)  # the first call of each section draws
    score("a")  # a later run, nothing changed
    value["now"] = 2
    score("b")
    assert drawn == [1, 1, 2]
