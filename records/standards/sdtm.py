"""All SDTM datasets of the study, built from one read transaction (the listings snapshot)."""

from __future__ import annotations

from sqlalchemy import Connection

from records.listings.catalogue import read_listings
from records.listings.model import ListingSource, Scope
from records.standards import design, events, interventions, items, special, visits
from records.standards.model import Dataset
from records.standards.source import SdtmSource
from study.schema import StudyDefinition


def read_sdtm(conn: Connection, study: StudyDefinition, scope: Scope) -> tuple[Dataset, ...]:
    """DM, DS, SV, SE, EX(+SUPPEX), CM, AE(+SUPPAE), MH, LB, VS, EG, PE, QS, RS, TS, TA, TE,
    TV, TI, in that order, from one connection (call inside a transaction)."""
    src = ListingSource(conn, study, scope)
    sdtm = SdtmSource(src, read_listings(conn, study, scope))
    ex, suppex = interventions.ex(sdtm)
    ae, suppae = events.ae(sdtm)
    return (
        special.dm(sdtm), special.ds(sdtm), visits.sv(sdtm), visits.se(sdtm),
        ex, suppex, interventions.cm(sdtm), ae, suppae, events.mh(sdtm),
        *(_findings(sdtm)),
        design.ts(sdtm), design.ta(sdtm), design.te(sdtm), design.tv(sdtm), design.ti(sdtm),
    )  # fmt: skip


def _findings(sdtm: SdtmSource) -> tuple[Dataset, ...]:
    from records.standards import findings

    return (
        findings.lb(sdtm), findings.vs(sdtm), items.domain(sdtm, "EG"),
        items.domain(sdtm, "PE"), items.domain(sdtm, "QS"), items.domain(sdtm, "RS"),
    )  # fmt: skip
