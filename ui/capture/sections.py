"""Parts of a long form that rerun alone, and the live scores they keep current (#14 item 3).

A whole form already reruns on its own (`ui.capture.forms.render`), but a browser redraws
every widget a run sends, and BILAG-2004 has about 120 of them: choosing one item cost half a
second. A section (a BILAG-2004 domain, a SLEDAI-2K organ group, one lab test's row) is drawn
as a fragment nested in the form's, so an entry reruns its section alone. A score the whole
form feeds is drawn into a placeholder made before the sections (`st.empty`), from all the
entries in session state; a section's run draws it again there when it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

Draw = Callable[[], None]


@st.fragment
def section(name: str, draw: Draw, scores: Sequence[LiveScore] = ()) -> None:
    """Draw a part of a form as a fragment of its own; then the live scores it feeds."""
    draw()
    for score in scores:
        score(name)


class LiveScore:
    """A score drawn into its placeholder by every section, again only when it changed.

    Streamlit lets a fragment write to a container made outside it only if it wrote there in
    the last full run, so each section draws the score on its first call with this object (the
    form's layout makes a new one on each of its runs). After that, a run of one section draws
    it only if it changed: a BILAG-2004 item never changes the score, which the grades make.
    """

    def __init__(self, compute: Callable[[], object], draw: Callable[[Any], None]) -> None:
        self.compute, self.draw = compute, draw
        self.shown: object = None
        self.sections: set[str] = set()

    def __call__(self, section: str) -> None:
        value = self.compute()
        if section not in self.sections or value != self.shown:
            self.sections.add(section)
            self.shown = value
            self.draw(value)
