"""CDISC ODM 1.3.2 archive: study metadata, clinical data with an AuditRecord per value."""
