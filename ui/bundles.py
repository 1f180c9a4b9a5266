"""Build-then-download panels for the subject casebook (PDF) and the site archive (zip).

Both are built on a click (seconds, not a page run), audited by their use case, and kept in the
session so the download survives the rerun the click causes.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import streamlit as st

from exports.casebook import build_casebook
from exports.site_archive import build_site_archive
from records.context import Workbench
from records.errors import PermissionDenied, ValidationFailed
from records.export_log import Actor
from records.permissions import allowed


def casebook_panel(wb: Workbench, actor: Actor, subject_id: int) -> None:
    """The subject's casebook: every form by visit, review record and audit history."""
    if not allowed(actor.role, "export"):
        st.caption("Your role cannot export; a monitor, data manager or investigator can.")
        return
    st.caption(
        "A certified copy of this subject's record: every form by visit with values, units "
        "and derived scores; adverse events and medications; queries, SDV and signatures "
        "with their manifestation; the audit history. Each page names the protocol, the "
        "subject and 'Page n of N'; the footer carries the audit-chain anchor and the content "
        "SHA-256. The export is recorded in the audit trail."
    )
    key = f"casebook_{subject_id}"
    if st.button("Build casebook PDF", key="casebook_build"):
        started = time.perf_counter()
        with st.spinner("Building the casebook…"):
            try:
                export = build_casebook(wb, actor, subject_id)
            except (ValidationFailed, PermissionDenied) as err:
                st.error(str(err))
            else:
                st.session_state[key] = export
                st.success(f"Casebook ready in {time.perf_counter() - started:.1f} s")
    export = st.session_state.get(key)
    if export is not None:
        st.download_button(
            f"Download {export.file_name}",
            data=export.content,
            file_name=export.file_name,
            mime="application/pdf",
            on_click="ignore",
            key="casebook_download",
        )
        st.caption(f"Content SHA-256 {export.book.content_sha256}")
        st.caption(export.book.anchor)


def site_archive_panel(wb: Workbench, actor: Actor) -> None:
    """Every casebook, the listings, the full audit trail and the ODM archive in one zip."""
    st.caption(
        "What the site keeps: every subject's casebook (PDF), the listings workbook, the full "
        "audit trail (CSV), the CDISC ODM archive, a README and a manifest with the SHA-256 of "
        "every file and the audit-chain anchor (`sha256sum -c SHA256SUMS` checks it anywhere; "
        "`manage.py verify --anchor` checks the database still extends it)."
    )
    if not (allowed(actor.role, "export") and allowed(actor.role, "read_audit")):
        st.caption("Your role cannot read the full audit trail, so it cannot make the archive.")
        return
    if st.button("Build site archive", key="archive_build"):
        folder = Path(tempfile.mkdtemp(prefix="site-archive-"))
        out = folder / f"site-archive-{wb.study.study.protocol}.zip"
        try:
            with st.status("Building the site archive…", expanded=True) as status:
                try:
                    archive = build_site_archive(wb, actor, out, progress=status.write)
                except (ValidationFailed, PermissionDenied, ValueError) as err:
                    status.update(label="Archive refused", state="error")
                    st.error(str(err))
                else:
                    status.update(label="Site archive ready", state="complete")
                    st.session_state["site_archive"] = (out.name, out.read_bytes(), archive.anchor)
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the zip lives in the session, not on disk
    made = st.session_state.get("site_archive")
    if made is not None:
        name, content, anchor = made
        st.download_button(
            f"Download {name}",
            data=content,
            file_name=name,
            mime="application/zip",
            on_click="ignore",
            key="archive_download",
        )
        st.caption(anchor)
