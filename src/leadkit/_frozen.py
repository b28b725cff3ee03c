"""A read-only, hashable mapping of JSON-like values, for custom fields."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from leadkit._checks import UNICODE_EXPECTED, is_finite_number, is_unicode
from leadkit.errors import PathPart, ValidationError

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings accepted inside a custom field."""

_JSON_EXPECTED = "a JSON value (text, number, boolean, null, list or mapping with text keys)"


class FrozenMap(Mapping[str, Any]):
    """An immutable mapping whose values are frozen JSON-like values.

    Lists become tuples and mappings become ``FrozenMap`` so the whole value
    is hashable and cannot be changed in place. Compares equal to any mapping
    with the same items (``FrozenMap({"a": 1}) == {"a": 1}``).
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})
        self._hash: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    # Fast paths: the Mapping mixins would go through __getitem__ one key at a time.
    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def keys(self) -> KeysView[str]:
        return self._data.keys()

    def items(self) -> ItemsView[str, Any]:
        return self._data.items()

    def values(self) -> ValuesView[Any]:
        return self._data.values()

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[FrozenMap], tuple[dict[str, Any]]]:
        return (FrozenMap, (self._data,))


def freeze(value: Any, path: tuple[PathPart, ...] = (), depth: int = 0) -> Any:
    """Validate a JSON-like value and return its frozen form.

    Raises:
        ValidationError: for a value JSON cannot hold (a set, an object, NaN, an
            integer too large for a float, text with a lone surrogate), a non-text
            key, or nesting deeper than `MAX_DEPTH`.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if not is_unicode(value):
            raise ValidationError.at(path, UNICODE_EXPECTED, value, reason="invalid Unicode")
        return value
    if isinstance(value, (int, float)):
        if not is_finite_number(value):  # NaN, infinity, or an integer too large for any float (or for JSON text)
            raise ValidationError.at(path, "a finite number", value)
        return value
    if depth >= MAX_DEPTH:
        raise ValidationError.at(path, f"at most {MAX_DEPTH} levels of nesting", reason="nested too deeply")
    if isinstance(value, (list, tuple)):
        return tuple(freeze(item, (*path, i), depth + 1) for i, item in enumerate(value))
    if isinstance(value, Mapping):
        return freeze_mapping(value, path, depth + 1)
    raise ValidationError.at(path, _JSON_EXPECTED, value)


def freeze_mapping(value: Any, path: tuple[PathPart, ...] = (), depth: int = 0) -> FrozenMap:
    """Like `freeze`, for a value that must be a mapping with text keys."""
    if isinstance(value, FrozenMap):
        return value
    if not isinstance(value, Mapping):
        raise ValidationError.at(path, "a mapping of text keys to JSON values", value)
    frozen: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key or not is_unicode(key):
            raise ValidationError.at(path, "non-empty text keys", key, reason="invalid key")
        frozen[key] = freeze(item, (*path, key), depth)
    return FrozenMap(frozen)


def thaw(value: Any) -> Any:
    """The plain JSON form of a frozen value (tuples to lists, maps to dicts)."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [thaw(item) for item in value]
    return value
