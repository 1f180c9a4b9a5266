"""The validation pack (REQ-VAL-01, 21 CFR 11.10(a)): requirement catalogue, test links, report.

`make validate` runs every test carrying a `req` marker and writes, under validation/report/, an
HTML and a PDF report: installation qualification, operational qualification, the traceability
matrix and the requirements not implemented. Not part of the application: nothing imports it.
"""
