"""CDISC Dataset-JSON v1.1 (December 2024): one JSON file per dataset, metadata plus rows.

Written with the standard library: the format is plain JSON, and our `Dataset` already holds
every attribute it needs. Numbers without a value are null; text without a value is null.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from records.standards.model import Dataset
from version import APP_VERSION

JSON_TYPES = {"text": "string", "integer": "integer", "float": "double",
              "datetime": "string", "date": "date"}  # fmt: skip


def dataset_json(
    dataset: Dataset, study_oid: str, created: datetime | None = None
) -> dict[str, Any]:
    """The Dataset-JSON v1.1 document of one dataset (ADaM dates as ISO 8601 dates)."""
    stamp = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    columns = [_column(dataset, i) for i in range(len(dataset.variables))]
    return {
        "datasetJSONCreationDateTime": stamp,
        "datasetJSONVersion": "1.1.0",
        "fileOID": f"www.cdisc.org/{study_oid}/{dataset.name}",
        "originator": "Lupus trial investigator workbench",
        "sourceSystem": {"name": "Lupus trial investigator workbench", "version": APP_VERSION},
        "studyOID": study_oid,
        "metaDataVersionOID": f"MDV.{study_oid}",
        "metaDataRef": "define.xml",
        "itemGroupOID": f"IG.{dataset.name}",
        "records": len(dataset.frame),
        "name": dataset.name,
        "label": dataset.label,
        "columns": columns,
        "rows": [_row(dataset, r) for r in dataset.frame.itertuples(index=False, name=None)],
    }


def _column(dataset: Dataset, index: int) -> dict[str, Any]:
    v = dataset.variables[index]
    column: dict[str, Any] = {
        "itemOID": f"IT.{dataset.name}.{v.name}",
        "name": v.name,
        "label": v.label,
        "dataType": JSON_TYPES[v.type],
    }
    if v.type == "text" or v.type == "datetime":
        values = dataset.frame[v.name].dropna()
        column["length"] = max([len(x) for x in values], default=1)
    if v.type == "date":
        column["targetDataType"] = "integer"
    if v.name in dataset.keys:
        column["keySequence"] = dataset.keys.index(v.name) + 1
    return column


def _row(dataset: Dataset, values: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for v, value in zip(dataset.variables, values, strict=True):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out.append(None)
        elif v.type == "integer":
            out.append(int(value))
        elif v.type == "date":
            out.append(_sas_date_iso(value))
        else:
            out.append(value)
    return out


def _sas_date_iso(days: float) -> str:
    from datetime import date, timedelta

    return (date(1960, 1, 1) + timedelta(days=int(days))).isoformat()


def dataset_json_bytes(dataset: Dataset, study_oid: str, created: datetime | None = None) -> bytes:
    """The document as compact UTF-8 JSON bytes."""
    document = dataset_json(dataset, study_oid, created)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
