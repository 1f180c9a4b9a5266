"""Excel listings for sponsors and regulators: choose the scope, build, download (audited)."""

from __future__ import annotations

import time
from datetime import date

import pandas as pd
import streamlit as st

from exports import ListingOptions, build_listings_export
from exports.standards import submission_zip
from records.errors import PermissionDenied, ValidationFailed
from records.permissions import allowed
from records.subjects import subject_frame
from ui import bundles, session
from ui.resources import workbench

actor = session.require("export")
wb = workbench()
st.title("Export listings")
st.caption(
    "One workbook: cover with per-sheet SHA-256, listings numbered after ICH E3 16.2, "
    "data dictionary and codelists. Text is never written as a formula. "
    "Every export is recorded in the audit trail."
)

subjects = subject_frame(wb)
numbers = dict(zip(subjects["screening_number"], subjects["id"], strict=True))
chosen = st.multiselect("Subjects (leave empty for all)", list(numbers), key="exp_subjects")
data_cut = st.date_input("Data cut", value=date.today(), key="exp_cut")
can_audit = allowed(actor.role, "read_audit")
include_audit = st.checkbox(
    "Include the audit trail",
    key="exp_audit",
    disabled=not can_audit,
    help=None if can_audit else "Your role cannot read the audit trail.",
)
audit_from = audit_to = None
if include_audit:
    c1, c2 = st.columns(2)
    audit_from = c1.date_input("Audit trail from", value=None, key="exp_audit_from")
    audit_to = c2.date_input("Audit trail to", value=None, key="exp_audit_to")

if st.button("Build workbook", type="primary", key="exp_build"):
    options = ListingOptions(
        subject_ids=tuple(int(numbers[n]) for n in chosen) or None,
        data_cut=data_cut,
        include_audit=include_audit,
        audit_from=audit_from,
        audit_to=audit_to,
    )
    started = time.perf_counter()
    with st.status("Building the workbook…", expanded=False) as status:
        try:
            export = build_listings_export(wb, actor, options)
        except (ValidationFailed, PermissionDenied) as err:
            status.update(label="Export refused", state="error")
            st.error(str(err))
        else:
            seconds = time.perf_counter() - started
            status.update(label=f"Workbook ready in {seconds:.1f} s", state="complete")
            st.session_state["exp_result"] = {
                "content": export.content,
                "file_name": export.file_name,
                "sheets": [
                    {"Sheet": s.name, "Rows": s.rows, "SHA-256": s.sha256} for s in export.sheets
                ],
            }

result = st.session_state.get("exp_result")
if result:
    st.download_button(
        f"Download {result['file_name']}",
        data=result["content"],
        file_name=result["file_name"],
        on_click="ignore",
        key="exp_download",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.dataframe(pd.DataFrame(result["sheets"]), hide_index=True, key="exp_sheets")

st.divider()
st.subheader("Submission package: SDTM, ADaM, define.xml")
st.caption(
    "SDTM and ADaM (ADSL, responders) as SAS XPORT v5 and Dataset-JSON v1.1, a Define-XML 2.1 "
    "per standard, the conformance report and a SHA-256 manifest, in one zip. All data, no cut."
)
if st.button("Build submission package", key="exp_sdtm_build"):
    with st.spinner("Building the SDTM/ADaM package…"):
        try:
            package = submission_zip(wb, actor)
        except (ValidationFailed, PermissionDenied, ValueError) as err:
            st.error(str(err))
        else:
            st.session_state["exp_sdtm"] = package
package = st.session_state.get("exp_sdtm")
if package:
    for finding in package.findings:
        st.warning(f"Conformance: {finding}")
    st.download_button(
        f"Download {package.file_name}",
        data=package.content,
        file_name=package.file_name,
        on_click="ignore",
        key="exp_sdtm_download",
        mime="application/zip",
    )
    st.caption(f"SHA-256 {package.sha256}")

st.divider()
st.subheader("Site archive: casebooks, listings, audit trail, ODM")
bundles.site_archive_panel(wb, actor)
