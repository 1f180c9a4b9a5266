"""Typed reading of a TOML table, with every problem named by its full key path.

Shared by the study definition and the wording files it names, so both report a problem the
same way: the file, the key, what is wrong.
"""

from __future__ import annotations

from typing import Any


class StudyDefinitionError(ValueError):
    """The definition file is unreadable or inconsistent."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}")
        self.source, self.key, self.problem = source, key, problem


class Reader:
    """Typed access to a TOML table that reports the full key path of any problem."""

    def __init__(self, source: str, data: dict[str, Any], path: str) -> None:
        self.source, self.data, self.path = source, data, path

    def fail(self, key: str, problem: str) -> StudyDefinitionError:
        return StudyDefinitionError(self.source, f"{self.path}.{key}".lstrip("."), problem)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self.fail(key, "is required")
            return default
        value = self.data[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            raise self.fail(key, f"expected a number, got {value!r}")
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(key, f"expected {names}, got {type(value).__name__} {value!r}")
        return value

    def num(self, key: str, default: Any = None) -> float | None:
        value = self.get(key, (int, float), default)
        return None if value is None else float(value)

    def one_of(self, key: str, allowed: tuple[str, ...], default: Any = ...) -> str:
        value = self.get(key, str, default)
        if value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def table(self, key: str) -> Reader:
        return Reader(self.source, self.get(key, dict), f"{self.path}.{key}".lstrip("."))

    def tables(self, key: str, default: Any = ...) -> list[Reader]:
        items = self.get(key, list, default)
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{i}]", "expected a table")
        prefix = f"{self.path}.{key}".lstrip(".")
        return [Reader(self.source, t, f"{prefix}[{i}]") for i, t in enumerate(items)]
