"""Read a wording file: an instrument's question text and answer labels, as licensed to the study.

The study definition names the file (`[[wording]]`, a path relative to the definition); the
file states where the wording comes from and under which licence, and gives every item its
question and one label per answer. Only the file's shape is checked here: whether its items and
answers match the instrument's catalogue is checked against `scoring/` when a workbench is
built (`records/wording.py`), since the study layer does not depend on the scoring layer.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from study.reader import Reader, StudyDefinitionError
from study.schema import InstrumentWording, ItemWording


def read_wording(entry: Reader, definition: Path) -> InstrumentWording:
    """The wording file named by one `[[wording]]` entry of the definition at `definition`."""
    instrument = entry.get("instrument", str)
    named = entry.get("file", str)
    path = (definition.parent / named).resolve()
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise entry.fail("file", f"wording file {source} not found") from err
    except tomllib.TOMLDecodeError as err:
        raise StudyDefinitionError(source, "(syntax)", str(err)) from err
    root = Reader(source, data, "")
    if root.get("instrument", str) != instrument:
        raise root.fail(
            "instrument", f"is {data['instrument']!r}, the study names it for {instrument!r}"
        )
    items: dict[str, ItemWording] = {}
    for item in root.tables("items"):
        code = item.get("code", str)
        if code in items:
            raise item.fail("code", f"{code!r} is worded twice")
        items[code] = ItemWording(
            text=_words(item, "text"),
            options=_labels(item),
            stem=item.get("stem", str, "").strip(),
        )
    return InstrumentWording(
        instrument=instrument,
        title=_words(root, "title"),
        source=_words(root, "source"),
        licence=_words(root, "licence"),
        language=_words(root, "language"),
        version=_words(root, "version"),
        items=items,
        file=source,
    )


def _words(r: Reader, key: str) -> str:
    text = r.get(key, str).strip()
    if not text:
        raise r.fail(key, "is empty")
    return text


def _labels(r: Reader) -> tuple[str, ...]:
    labels = r.get("options", list)
    if not labels or not all(isinstance(x, str) and x.strip() for x in labels):
        raise r.fail("options", "expected a list of answer labels, none empty")
    return tuple(x.strip() for x in labels)
