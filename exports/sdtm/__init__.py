"""SDTM/ADaM files: SAS XPORT v5 (pyreadstat, limits checked first) and Dataset-JSON v1.1."""
