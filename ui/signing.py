"""The signature panel of a visit or a casebook: manifestation, readiness and the signing form.

Every signature of the scope is shown (newest first), valid or "invalidated by change …", as
text (never Markdown: names are user text). Investigators sign here: the meaning comes from the
study definition; the password is asked every time, the username too at the first signing of a
session (21 CFR 11.200(a)(1)).
"""

from __future__ import annotations

import streamlit as st

from models import Actor
from records.context import Workbench
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.permissions import allowed
from records.signatures import meanings_for, readiness, sign, signatures_of
from ui import session


def history(wb: Workbench, subject_id: int, visit_id: int | None) -> None:
    """Every signature of the scope, newest first, with its validity."""
    if visit_id is None:
        sigs = signatures_of(wb, subject_id, casebook=True)
    else:
        sigs = signatures_of(wb, subject_id, visit_id)
    if not sigs:
        st.caption("Not signed.")
    for sig in reversed(sigs):
        with st.container(border=True, key=f"signature_{sig.id}"):
            mark = "VALID SIGNATURE" if sig.valid else "SIGNATURE INVALIDATED"
            st.caption(mark)
            st.text(sig.manifestation())


def panel(wb: Workbench, actor: Actor, subject_id: int, visit_id: int | None) -> None:
    """Signatures of a visit (visit_id) or casebook (None) and, for investigators, signing."""
    scope = "visit" if visit_id is not None else "casebook"
    key = f"sign_{scope}_{visit_id or subject_id}"
    history(wb, subject_id, visit_id)
    if not allowed(actor.role, "sign"):
        return
    ready = readiness(wb, subject_id, visit_id)
    for line in ready.incomplete[:12]:
        st.warning(f"Required form incomplete: {line}", icon=":material/pending:")
    if ready.open_queries:
        blocking = " (they must be closed before signing)" if ready.blocking_queries else ""
        st.info(f"{ready.open_queries} open data quer(ies) on this subject{blocking}.")
    meanings = {m.code: m.text for m in meanings_for(wb, scope)}
    first = not st.session_state.get(session.SIGNED_ONCE)
    with st.form(key, clear_on_submit=True, enter_to_submit=False):
        code = st.selectbox(
            "Meaning of the signature", list(meanings), format_func=meanings.get, key=f"{key}_m"
        )
        username = st.text_input("Username", key=f"{key}_u") if first else None
        password = st.text_input("Password", type="password", key=f"{key}_p")
        submitted = st.form_submit_button(
            f"Sign the {scope}", type="primary", disabled=not ready.ready
        )
    if submitted:
        try:
            sign(
                wb,
                actor,
                subject_id=subject_id,
                visit_id=visit_id,
                meaning_code=str(code),
                password=password or "",
                username=username if first else None,
            )
        except (PermissionDenied, ValidationFailed, NotFound) as err:
            st.error(str(err))
        else:
            st.session_state[session.SIGNED_ONCE] = True
            st.toast(f"The {scope} is signed.")
            st.rerun()
