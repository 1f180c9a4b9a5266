"""Define-XML 2.1 for the SDTM and ADaM datasets, checked against the Define-XML 2.1 schema."""
