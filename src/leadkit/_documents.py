"""Shared machinery for configuration documents (scoring models, pipelines).

Readers take plain data (a parsed YAML or JSON document) and report every
problem as a `ConfigError` at the path of the bad key; `from_yaml` adds the
YAML line. `Registry` keeps the named plugins of one kind (scorer types,
guards): registered in process, or installed under an entry-point group.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

import attrs

from leadkit import _checks as check
from leadkit.errors import ConfigError, PathPart, Problem, ValidationError, describe_path, suggest

T = TypeVar("T")
Where = tuple[PathPart, ...]


def fail(
    where: Sequence[PathPart], expected: str, got: object = attrs.NOTHING, reason: str | None = None
) -> ConfigError:
    """A `ConfigError` at ``where`` (to raise)."""
    return ConfigError.at(tuple(where), expected, got, reason=reason)


@contextmanager
def at(where: Where) -> Iterator[None]:
    """Report a constructor's `ValidationError` or `ConfigError` as a `ConfigError` under ``where``."""
    try:
        yield
    except (ValidationError, ConfigError) as exc:
        raise ConfigError(p.within(*where) for p in exc.problems) from None


def keys(data: object, where: Where, *, required: Sequence[str] = (), optional: Sequence[str] = ()) -> dict[str, Any]:
    """``data`` as a dict, checked to be a mapping with exactly the allowed keys."""
    allowed = tuple(dict.fromkeys((*required, *optional)))
    if not isinstance(data, Mapping):
        raise fail(where, "a mapping with the keys " + ", ".join(allowed), data)
    for key in data:
        if key not in allowed:
            raise fail(
                (*where, key if isinstance(key, str) else repr(key)),
                "one of the keys " + ", ".join(allowed),
                key,
                reason=f"unknown key {key!r}" + suggest(key, allowed),
            )
    for key in required:
        if key not in data:
            raise fail((*where, key), f"the key {key!r}", reason="missing key")
    return dict(data)


def number(value: object, where: Where) -> float:
    """A finite number."""
    if not check.is_finite_number(value):
        raise fail(where, "a number", value)
    return value  # type: ignore[return-value]  # checked just above


def text(value: object, where: Where) -> str:
    """Non-empty text."""
    if not isinstance(value, str) or not value.strip():
        raise fail(where, "non-empty text", value)
    return value


def items(value: object, where: Where) -> list[Any]:
    """A list."""
    if not isinstance(value, list):
        raise fail(where, "a list", value)
    return value


def duration(value: object, where: Where, *, optional: bool = False) -> timedelta | None:
    """A duration such as ``30d`` or ``1.5h`` (``None`` too when ``optional``)."""
    from leadkit.scoring.conditions import parse_duration

    if value is None and optional:
        return None
    return parse_duration(value, where)


def encodable(data: object) -> None:
    r"""Refuse a document holding text UTF-8 cannot encode (a lone surrogate, as JSON's ``"\ud800"`` can make).

    Such text would be accepted, then break the document's YAML, and any file it is written to.
    """
    stack: list[tuple[object, Where]] = [(data, ())]
    seen: set[int] = set()  # aliases share (and can even nest) containers
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if not check.is_unicode(value):
                raise fail(where, check.UNICODE_EXPECTED, value, reason="invalid Unicode")
        elif isinstance(value, (Mapping, list)) and id(value) not in seen:
            seen.add(id(value))
            items = value.items() if isinstance(value, Mapping) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and not check.is_unicode(key):
                    raise fail(where, check.UNICODE_EXPECTED, key, reason="invalid Unicode in a key")
                stack.append((item, (*where, key)))


def without_none(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without its ``None`` values."""
    return {k: v for k, v in data.items() if v is not None}


def from_yaml(text: str | bytes, build: Callable[[object], T]) -> T:
    """Parse YAML safely and ``build`` an object from it; every problem carries its line."""
    from leadkit import _yaml

    try:
        document = _yaml.load(text)
    except ValidationError as exc:
        raise ConfigError(exc.problems) from None
    try:
        return build(document.data)
    except ConfigError as exc:
        raise ConfigError(
            p if p.line is not None else Problem(p.path, p.expected, p.got, p.reason, document.line_of(p.path))
            for p in exc.problems
        ) from None


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A file's bytes, or a `ConfigError` saying why it cannot be read."""
    if not isinstance(path, (str, os.PathLike)):
        raise ConfigError.at((), "the path of a YAML file", path)
    try:
        return Path(path).read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte, or a character the file system cannot encode
        detail = exc.strerror if isinstance(exc, OSError) else str(exc)
        reason = f"cannot read {describe_path(path)}: {detail or type(exc).__name__}"
        raise ConfigError.at((), "a readable YAML file", reason=reason) from None


class Registry(Generic[T]):
    """Named plugins of one kind: registered in process, or installed under an entry-point group.

    In-process registrations win over entry points of the same name; the
    built-in names are checked by the caller (they are never looked up here).
    """

    def __init__(self, kind: str, group: str, builtin: Callable[[], Sequence[str]]) -> None:
        self.kind = kind
        self.group = group
        self._builtin = builtin
        self.registered: dict[str, T] = {}
        self._lock = threading.Lock()

    def register(self, name: str, plugin: T, same: Callable[[T], bool]) -> None:
        """Register ``plugin`` as ``name``; refused when ``name`` is a built-in or taken by another plugin."""
        with self._lock:
            taken = name in self._builtin() and not same(plugin)
            existing = self.registered.get(name)
            if taken or (existing is not None and existing is not plugin):
                raise fail(("type",), f"a name not used by another {self.kind}", name, reason="name taken")
            self.registered[name] = plugin

    def entry_points(self) -> Mapping[str, Any]:
        """The installed entry points of the group, by name."""
        from importlib.metadata import entry_points

        return {ep.name: ep for ep in entry_points(group=self.group)}

    def names(self) -> tuple[str, ...]:
        """Every name: built-in, registered and installed, sorted."""
        return tuple(sorted({*self._builtin(), *self.registered, *self.entry_points()}))

    def load(self, name: str, where: Where) -> T:
        """The plugin registered or installed as ``name``; an unknown name lists the known ones."""
        if name in self.registered:
            return self.registered[name]
        entry_point = self.entry_points().get(name)
        if entry_point is None:
            known = self.names()
            raise fail(
                where, "one of " + ", ".join(known), name, reason=f"unknown {self.kind} {name!r}" + suggest(name, known)
            )
        try:
            plugin: T = entry_point.load()
        except Exception as exc:  # a broken plugin must not look like a leadkit crash
            raise fail(where, f"an importable {self.kind} ({entry_point.value})", name, reason=f"{exc!r}") from exc
        return plugin

    def name_of(self, match: Callable[[Any], bool]) -> str | None:
        """The name of the first registered or installed plugin that ``match`` accepts."""
        for name, plugin in self.registered.items():
            if match(plugin):
                return name
        for name, entry_point in self.entry_points().items():
            try:
                if match(entry_point.load()):
                    return name
            except Exception:  # noqa: BLE001, S112 - a broken plugin is simply not the one sought
                continue
        return None
