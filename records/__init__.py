"""Use cases the UI and CLI call: validate, write with audit, read frames for pages and exports."""
