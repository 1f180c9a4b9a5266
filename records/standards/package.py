"""The submission package as data: SDTM and ADaM datasets, codelists and conformance findings.

One call reads everything an export needs; the SDTM datasets come from one read transaction
(the listings snapshot), ADaM from the outcome derivations read right after in their own
transaction (a write landing in between would show in ADaM only). Exporting is
audited (who, when, what, digests), like the listings workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models import Actor
from models.audit_chain import chain_head
from records.context import Workbench
from records.integrity import anchor_line
from records.listings.model import Scope
from records.outcomes.snapshot import build_outcomes
from records.permissions import require
from records.sites import require_every_site
from records.standards import adam, adresp, conformance
from records.standards.model import Dataset
from records.standards.sdtm import read_sdtm
from records.standards.source import SdtmSource
from records.standards.terms import Codelist, codelists, data_codelists
from study.schema import StudyDefinition


@dataclass(frozen=True)
class Submission:
    """Datasets by standard, the codelists they use, and what our own checks found."""

    study: StudyDefinition
    sdtm: tuple[Dataset, ...]
    adam: tuple[Dataset, ...]
    codelists: dict[str, Codelist]
    findings: tuple[conformance.Finding, ...] = field(default_factory=tuple)
    anchor: str = ""  # the audit-chain head the SDTM datasets were read at (issue #13)

    def dataset(self, name: str) -> Dataset:
        """A dataset of either standard by name."""
        return next(d for d in (*self.sdtm, *self.adam) if d.name == name)


def read_submission(wb: Workbench, actor: Actor, today: date | None = None) -> Submission:
    """Check permission, read SDTM and ADaM, and run the conformance checks we implement."""
    require(actor, "export")
    require_every_site(wb, "an SDTM/ADaM package")
    with wb.engine.connect() as conn, conn.begin():
        sdtm = read_sdtm(conn, wb.study, Scope())
        anchor = anchor_line(chain_head(conn))
    by_name = {d.name: d for d in sdtm}
    outcomes = build_outcomes(wb, today)
    visitnum = SdtmSource.visitnum_for(wb.study)
    studyid = wb.study.study.protocol
    analysis = (
        adam.adsl(by_name["DM"], by_name["DS"], outcomes),
        adresp.adresp(outcomes, studyid, visitnum),
    )
    base = codelists(wb.study)
    findings = conformance.check((*sdtm, *analysis), base)
    lists = data_codelists((*sdtm, *analysis), base)
    return Submission(wb.study, sdtm, analysis, lists, tuple(findings), anchor)
