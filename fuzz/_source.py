"""Python source for fuzz cases: literals that reproduce a value exactly and stay readable.

``repr`` is not enough for fuzz inputs: it fails on integers with more digits
than ``str`` converts, recurses on deeply nested lists, writes ``nan`` (not a
name), and spells out a million-character string. `literal` handles all of
these, without recursion.
"""

from __future__ import annotations

import math
from typing import Any

_MAX_DECIMAL_BITS = 4_000  # well below the 4300-digit limit of int <-> str conversion
_LONG = 200
_MAX_UNIT = 40


def _text(value: str | bytes) -> str:
    """A string or bytes literal; a long repetition is written ``unit * n`` (plus its short tail)."""
    size = len(value)
    if size > _LONG:
        for period in range(1, _MAX_UNIT + 1):
            unit = value[:period]
            # the most repeats that leave a tail of at most _MAX_UNIT, most first
            for times in range(size // period, (size - _MAX_UNIT) // period - 1, -1):
                if value.startswith(unit * times):  # type: ignore[arg-type]  # unit has value's type
                    tail = value[times * period :]
                    return f"{unit!r} * {times}" + (f" + {tail!r}" if tail else "")
    return repr(value)


def _scalar(value: Any) -> str | None:
    """The literal of a scalar, or ``None`` for a container."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return hex(value) if value.bit_length() > _MAX_DECIMAL_BITS else repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"float({str(value)!r})"
    if isinstance(value, (str, bytes)):
        return _text(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return None
    return "object()"


_OPEN: dict[type, str] = {list: "[", tuple: "(", dict: "{", set: "{", frozenset: "frozenset({"}
_CLOSE: dict[type, str] = {list: "]", tuple: ",)", dict: "}", set: "}", frozenset: "})"}


_CHAIN = 50  # Python's parser refuses literals nested 200 deep: longer chains are rebuilt by a loop


def _chain(value: Any) -> tuple[int, str, Any]:
    """How many times ``value`` is a one-item list (or one-key mapping, same key) around the next; the innermost."""
    count, kind, key = 0, "", None
    while True:
        if isinstance(value, list) and len(value) == 1 and kind in ("", "list"):
            kind, value = "list", value[0]
        elif isinstance(value, dict) and len(value) == 1 and kind in ("", "dict"):
            only = next(iter(value))
            if kind and only != key:
                break
            kind, key, value = "dict", only, value[only]
        else:
            break
        count += 1
    wrap = "[v]" if kind == "list" else f"{{{_scalar(key)}: v}}"
    return count, f"__import__('functools').reduce(lambda v, _: {wrap}, range({count}), ", value


def literal(value: Any) -> str:
    """Python source that evaluates to ``value`` (for JSON-like values; other objects become ``object()``)."""
    out: list[str] = []
    # A stack of things to write: ("v", value) to write a value, ("s", text) to write text as it is.
    stack: list[tuple[str, Any]] = [("v", value)]
    while stack:
        what, item = stack.pop()
        if what == "s":
            out.append(item)
            continue
        scalar = _scalar(item)
        if scalar is not None:
            out.append(scalar)
            continue
        count, head, inner = _chain(item)
        if count >= _CHAIN:
            out.append(head)
            stack += [("s", ")"), ("v", inner)]
            continue
        kind = type(item) if type(item) in _OPEN else list
        if isinstance(item, (set, frozenset)) and not item:
            out.append("set()" if isinstance(item, set) else "frozenset()")
            continue
        if isinstance(item, tuple) and not item:
            out.append("()")
            continue
        out.append(_OPEN[kind])
        todo: list[tuple[str, Any]] = []
        entries = list(item.items()) if isinstance(item, dict) else [(None, v) for v in item]
        for i, (key, child) in enumerate(entries):
            if i:
                todo.append(("s", ", "))
            if isinstance(item, dict):
                todo += [("v", key), ("s", ": ")]
            todo.append(("v", child))
        close = _CLOSE[kind] if not (kind is tuple and len(entries) > 1) else ")"
        todo.append(("s", close))
        stack.extend(reversed(todo))
    return "".join(out)
