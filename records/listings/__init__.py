"""Patient data listings (ICH E3 16.2): pure reads returning sorted frames plus column metadata.

`read_listings(conn, study, scope)` returns every listing in workbook order; `audit_trail`,
`data_dictionary` and `codelist_sheet` build the companion sheets. Exports turn them into bytes.
"""

from records.listings.audit_trail import audit_trail
from records.listings.catalogue import catalogue, read_listings, sheet_name
from records.listings.dictionary import codelist_sheet, data_dictionary
from records.listings.model import Column, Listing, ListingSource, Scope

__all__ = [
    "Column",
    "Listing",
    "ListingSource",
    "Scope",
    "audit_trail",
    "catalogue",
    "codelist_sheet",
    "data_dictionary",
    "read_listings",
    "sheet_name",
]
