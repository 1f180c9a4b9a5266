"""Which `scoring.labs` analyte each study lab test is, held once for every reader.

The listings convert these tests to their standard unit; the CTCAE_LAB edit check grades them.
"""

from __future__ import annotations

# Study test code → scoring.labs analyte with an exact conversion to its standard (SI) unit.
ANALYTES = {
    "CREAT": "creatinine",
    "HGB": "haemoglobin",
    "C3": "c3",
    "C4": "c4",
    "PLAT": "platelets",
    "WBC": "wbc",
    "NEUT": "neutrophils",
    "LYM": "lymphocytes",
}
