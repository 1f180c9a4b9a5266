"""Builders that turn `records` frames into bytes (xlsx listings), formula-safe and streamed.

Public API: `build_listings_workbook(wb, actor, ListingOptions(...)) -> bytes`,
`build_listings_export(...)` (bytes, file name, per-sheet SHA-256) and `listings_file_name`.
"""

from exports.listings import (
    ListingOptions,
    ListingsExport,
    build_listings_export,
    build_listings_workbook,
    listings_file_name,
)

__all__ = [
    "ListingOptions",
    "ListingsExport",
    "build_listings_export",
    "build_listings_workbook",
    "listings_file_name",
]
