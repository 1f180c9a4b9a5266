"""Write an export file whole or not at all: into `<name>.partial` beside it, moved in place last.

A reader (a person, a backup, `sha256sum -c`) never sees half a file, and a failure anywhere in
the block (the export's audit row included) leaves neither the file nor its partial behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def whole_file(out: Path) -> Iterator[Path]:
    """Yield the partial path to write; it becomes `out` only when the block ends cleanly."""
    partial = out.with_name(out.name + ".partial")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield partial
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
