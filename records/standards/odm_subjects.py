"""Each subject's ODM events: the subject-level event, then one event per visit with its forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from records.standards import odm_model as M
from records.standards.odm_data import Event, Form, Group, Reader, SubjectData, Value, grouped
from study.schema import StudyDefinition


class _Tables:
    """The clinical tables, read once and split by subject (and visit) on demand."""

    def __init__(self, reader: Reader) -> None:
        names = ("subject", "visit", "assessment", "assessmentitem", "labresult", "vitalsign",
                 "doseadministration", "medicalhistory", "medication", "adverseevent")  # fmt: skip
        self.reader = reader
        self.t = {name: reader.rows(name) for name in names}
        ae = self.t["adverseevent"]
        self.ae_sequence = dict(zip(ae["id"], ae["sequence"], strict=True)) if len(ae) else {}

    def of(self, table: str, column: str, value: Any) -> pd.DataFrame:
        frame = self.t[table]
        return frame[frame[column] == value] if len(frame) else frame


def subjects(reader: Reader, study: StudyDefinition) -> Iterator[SubjectData]:
    """Every subject in screening-number order."""
    tables = _Tables(reader)
    frame = tables.t["subject"].sort_values("screening_number", kind="stable")
    for row in frame.to_dict("records"):
        events = [_subject_event(tables, row), *_visit_events(tables, study, int(row["id"]))]
        yield SubjectData(str(row["screening_number"]), tuple(events))


def _subject_event(tables: _Tables, row: dict[str, Any]) -> Event:
    r, sid = tables.reader, int(row["id"])
    forms = [Form(M.SUBJECT.form, (Group(M.SUBJECT.group, r.values(M.SUBJECT, row)),))]
    for spec in M.LOGS:
        rows = tables.of(spec.table, "subject_id", sid).to_dict("records")
        groups = tuple(
            Group(spec.group, r.values(spec, log), str(log["sequence"]) if spec.repeat_key ==
                  "sequence" else str(n))
            for n, log in enumerate(rows, start=1)
        )  # fmt: skip
        if groups:
            forms.append(Form(spec.form, groups))
    return Event(M.SUBJECT_EVENT, tuple(forms))


def _visit_events(tables: _Tables, study: StudyDefinition, sid: int) -> Iterator[Event]:
    order = {v.code: i for i, v in enumerate(study.visits)}
    visits = tables.of("visit", "subject_id", sid).to_dict("records")
    visits.sort(key=lambda v: (order.get(v["visit_code"], len(order)), v["sequence"]))
    for visit in visits:
        forms = _visit_forms(tables, study, visit)
        if forms:
            yield Event(M.event_oid(visit["visit_code"]), tuple(forms), str(visit["sequence"]))


def _visit_forms(tables: _Tables, study: StudyDefinition, visit: dict[str, Any]) -> list[Form]:
    r, vid = tables.reader, int(visit["id"])
    forms: list[Form] = []
    header = r.values(M.VISIT, visit)
    if header:
        forms.append(Form(M.VISIT.form, (Group(M.VISIT.group, header),)))
    for row in tables.of("assessment", "visit_id", vid).to_dict("records"):
        forms.append(_assessment(tables, row))
    forms += _labs(tables, study, vid) + _vitals(tables, study, vid) + _dose(tables, study, vid)
    return forms


def _assessment(tables: _Tables, row: dict[str, Any]) -> Form:
    form, r = str(row["form_code"]), tables.reader
    head = Group(M.ASSESSMENT.group.format(form=form), r.values(M.ASSESSMENT, row))
    items = tables.of("assessmentitem", "assessment_id", row["id"])
    values = tuple(
        r.value(M.item_oid(form, str(i["item_code"])), "assessmentitem", int(i["id"]), "value",
                str(i["value"]))
        for i in items.to_dict("records") if i["value"] is not None
    )  # fmt: skip
    return Form(f"F.{form}", (head, Group(f"IG.{form}", values)))


def form_code(study: StudyDefinition, kind: str, panel: str | None = None) -> str:
    """The study form of a kind (and lab panel): F.<code> in ODM."""
    return next(
        f.code for f in study.forms if f.kind == kind and (panel is None or f.panel == panel)
    )


def _labs(tables: _Tables, study: StudyDefinition, vid: int) -> list[Form]:
    out = []
    for panel, rows in grouped(tables.of("labresult", "visit_id", vid), "panel"):
        groups = tuple(Group(M.LAB.group, tables.reader.values(M.LAB, row), str(row["test_code"]))
                       for row in rows.to_dict("records"))  # fmt: skip
        out.append(Form(f"F.{form_code(study, 'labs', str(panel))}", groups))
    return out


def _vitals(tables: _Tables, study: StudyDefinition, vid: int) -> list[Form]:
    groups = []
    for point, rows in grouped(tables.of("vitalsign", "visit_id", vid), "timepoint"):
        records = rows.to_dict("records")
        values = list(tables.reader.values(M.VITALS, records[0]))
        values += [
            tables.reader.value(M.vital_oid(str(row["test_code"])), "vitalsign", int(row["id"]),
                                "value_num", repr(float(row["value_num"])))
            for row in records if row["value_num"] is not None
        ]  # fmt: skip
        groups.append(Group(M.VITALS.group, tuple(values), str(point) or "NONE"))
    return [Form(f"F.{form_code(study, 'vitals')}", tuple(groups))] if groups else []


def _dose(tables: _Tables, study: StudyDefinition, vid: int) -> list[Form]:
    rows = tables.of("doseadministration", "visit_id", vid).to_dict("records")
    if not rows:
        return []
    row = dict(rows[0])
    link = row.get("reaction_ae_id")
    row["reaction_ae"] = None if link is None or pd.isna(link) else tables.ae_sequence.get(link)
    values = list(tables.reader.values(M.DOSE, row))
    values = [
        Value(v.item, v.value, tables.reader.stamps.get(("doseadministration", int(row["id"]),
                                                         "reaction_ae_id")))
        if v.item == M.DOSE.item_oid("reaction_ae") else v
        for v in values
    ]  # fmt: skip
    return [Form(f"F.{form_code(study, 'dose')}", (Group(M.DOSE.group, tuple(values)),))]
