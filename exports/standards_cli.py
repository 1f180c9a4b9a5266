"""`manage.py export sdtm|odm`: run the export, print what was written and what our checks found."""

from __future__ import annotations

import sys
from pathlib import Path

from exports.standards import export_submission
from records.context import Workbench
from records.errors import ValidationFailed
from records.export_log import Actor


def run_standards_export(
    wb: Workbench, actor: Actor, what: str, out: Path, scoped: bool = False
) -> int:
    """Exit 0 when written (conformance findings are printed as warnings), else raise.

    These exports always hold all data: the listing options are refused, not ignored."""
    if scoped:
        raise ValidationFailed({"export": "--subject, --data-cut and --audit apply to listings"})
    if what == "odm":
        from exports.odm.archive import export_odm

        size = export_odm(wb, actor, out)
        print(f"wrote {out} ({size:,} bytes, CDISC ODM 1.3.2, schema-valid)")
        return 0
    submission, files = export_submission(wb, actor, out)
    datasets = sum(1 for f in files if f.path.endswith(".xpt"))
    print(f"wrote {len(files)} files to {out}: {datasets} datasets as XPT v5 and Dataset-JSON, "
          "sdtm/define.xml, adam/define.xml, conformance.txt, manifest.json")  # fmt: skip
    for finding in submission.findings:
        print(f"warning: {finding}", file=sys.stderr)
    return 0
