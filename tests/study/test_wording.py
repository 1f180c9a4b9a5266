"""Wording files: question text and answer labels a study may show, checked before any patient
reads them (every item worded, every answer labelled, nothing the instrument lacks)."""

from __future__ import annotations

import pytest

from models.db import make_engine
from records.context import Workbench
from study import StudyDefinitionError, load_study
from tests.study.test_definition import SMALL
from tests.study.wording_support import (
    answer,
    question,
    study_with_wording,
    wording_toml,
)

pytestmark = pytest.mark.req("STU-DEFINITION")


def _workbench(path):
    return Workbench(make_engine("sqlite://"), load_study(path))


def test_the_default_study_ships_no_wording():
    assert load_study().wording == ()
    assert load_study().wording_of("RAND36") is None


@pytest.mark.parametrize("code", ["RAND36", "PROMIS29"])
def test_a_complete_wording_file_is_read_with_its_provenance(tmp_path, code):
    wb = _workbench(study_with_wording(tmp_path, code))
    wording = wb.study.wording_of(code)
    assert wording is not None and wording.file == str(tmp_path / "wording.toml")
    assert (wording.title, wording.language, wording.version) == (
        "Synthetic test wording",
        "en-GB",
        "0.1",
    )
    first = next(iter(wording.items))
    assert wording.items[first].text == question(first)
    assert wording.items[first].options[0] == answer(first, 1)


def _refused(tmp_path, wording: str | None = None, code: str = "RAND36") -> StudyDefinitionError:
    with pytest.raises(StudyDefinitionError) as caught:
        _workbench(study_with_wording(tmp_path, code, wording))
    return caught.value


def test_an_item_left_unworded_is_refused(tmp_path):
    err = _refused(tmp_path, wording_toml("RAND36", skip="RAND17"))
    assert err.source.endswith("wording.toml") and err.key == "items"
    assert "RAND17" in err.problem and "every question" in err.problem


def test_an_answer_left_unlabelled_is_refused(tmp_path):
    err = _refused(tmp_path, wording_toml("RAND36", short="RAND01"))
    assert err.key == "items[RAND01].options"
    assert err.problem == "4 answer labels for 5 answers"


def test_an_item_the_instrument_lacks_is_refused(tmp_path):
    extra = '\n[[items]]\ncode = "RAND37"\ntext = "More?"\noptions = ["Yes", "No"]\n'
    err = _refused(tmp_path, wording_toml("RAND36") + extra)
    assert err.key == "items" and "no item RAND37" in err.problem


def test_an_item_worded_twice_is_refused(tmp_path):
    again = '\n[[items]]\ncode = "RAND01"\ntext = "Again?"\noptions = ["A"]\n'
    err = _refused(tmp_path, wording_toml("RAND36") + again)
    assert err.key == "items[36].code" and "worded twice" in err.problem


@pytest.mark.parametrize("key", ["source", "licence", "title", "language", "version"])
def test_provenance_is_required(tmp_path, key):
    text = wording_toml("RAND36").replace(f"{key} = ", f'{key} = ""\nunused_{key} = ', 1)
    err = _refused(tmp_path, text)
    assert (err.key, err.problem) == (key, "is empty")


def test_a_file_for_another_instrument_is_refused(tmp_path):
    err = _refused(tmp_path, wording_toml("PROMIS29"))
    assert err.key == "instrument" and "'PROMIS29'" in err.problem


def test_a_missing_file_names_the_study_key(tmp_path):
    path = study_with_wording(tmp_path)
    (tmp_path / "wording.toml").unlink()
    with pytest.raises(StudyDefinitionError) as caught:
        load_study(path)
    assert caught.value.key == "wording[0].file" and "not found" in caught.value.problem


def test_wording_for_an_instrument_the_study_does_not_collect_is_refused(tmp_path):
    small = tmp_path
    (small / "wording.toml").write_text(wording_toml("RAND36"), encoding="utf-8")
    text = SMALL.read_text(encoding="utf-8")
    text += '\n[[wording]]\ninstrument = "RAND36"\nfile = "wording.toml"\n'
    (small / "study.toml").write_text(text, encoding="utf-8")
    with pytest.raises(StudyDefinitionError) as caught:
        load_study(small / "study.toml")
    assert caught.value.key == "wording[0].instrument"
    assert caught.value.problem == "no form of the study collects RAND36"
