"""Hostile inputs shared by the fuzz targets.

Three layers, each a cheap hypothesis strategy:

* values: scalars and containers that break naive code (wrong types, huge,
  negative and non-finite numbers, odd Unicode, naive datetimes, long text,
  deep nesting, catastrophic regexes);
* documents: a valid-looking document (from a corpus or built from the real
  field names) changed by a few random mutations at random places;
* texts: a document rendered as JSON or YAML, then perhaps damaged as text,
  or YAML written with anchors, aliases, merge keys and tags; and
  unstructured text and bytes.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import yaml
from _source import literal
from hypothesis import strategies as st

Path = tuple[Any, ...]


@contextmanager
def unlimited_digits() -> Iterator[None]:
    """Let ``str``/``int`` convert integers of any size while generated text is written (never around leadkit)."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(limit)


_NAN = math.nan
_INF = math.inf


def copy(doc: Any) -> Any:
    """A deep copy of a JSON-like document (iterative over mappings and lists, so deep ones are fine)."""
    if not isinstance(doc, (dict, list)):
        return doc
    root: Any = {} if isinstance(doc, dict) else []
    stack: list[tuple[Any, Any]] = [(doc, root)]
    while stack:
        source, target = stack.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, value in items:
            new = {} if isinstance(value, dict) else [] if isinstance(value, list) else value
            if isinstance(target, dict):
                target[key] = new
            else:
                target.append(new)
            if isinstance(value, (dict, list)):
                stack.append((value, new))
    return root


ODD_TEXTS: tuple[str, ...] = (
    "",
    " ",
    "\t\n ",
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate: JSON can carry it, UTF-8 cannot encode it
    "\udcff\udcfe",
    "\u202eevil",  # right-to-left override
    "\ufeffbom",
    "\u2028\u2029",
    "e\u0301\u0301\u0301",  # combining marks
    "\u0661\u0662\u0663",  # Arabic-Indic digits: str.isdigit() says yes
    "\uff11\uff12\uff13",  # full-width digits
    "\U0001f600",
    "\u0130stanbul",  # dotted capital I: lower() changes the length
    "\u00df",  # sharp s: casefold() changes the length
    "\ufb01",  # a ligature: NFKC makes it two letters
    "NaN",
    "-inf",
    "1e999",
    "0x1F",
    "1_000",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "true",
    "None",
    "-",
    "+",
    ".",
    "..",
    "attributes.",
    "attributes..x",
    "a.b.c",
    "%s%n{0}",
    "${HOME}",
    "'; DROP TABLE leads; --",
    "<script>",
    "../../etc/passwd",
    "C:\\con",
    "2024-05-01",
    "2024-05-01T09:30:00",
    "2024-05-01T09:30:00Z",
    "2024-05-01T09:30:00+00:00",
    "2024-05-01 09:30",
    "2024-02-30T00:00:00+00:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-00:01",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59.999999-14:00",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59+23:59",
    "2024-05-01T09:30:00+24:00",
    "1970-01-01T00:00:00+00:00",
    "30d",
    "0d",
    "-1d",
    "1e9w",
    "999999999999999999999d",
    "0.0000001s",
    "1.5h",
    "unknown",
    "partial",
    "YES",
    " Yes ",
    "a@b.co",
    "ANA@EXAMPLE.COM",
    "@@",
    "+00",
    "+49 (0)30 1234-5678",
    "0049301234567",
    "http://www.example.com/path",
    "xn--p1ai",
    "DE",
    "de",
    "ZZ",
    "(a+)+$",
    "(a|aa)*$",
    "(.*a){20}",
    "(a*)*b",
    "([a-z]+)*@",
    "(?=x)",
    "\\1",
    "[",
    "a{1,99999}",
    "(?i)x",
    "(?x) a",
    "\\Z",
    "x*+",
    "(a+){2,}",
)
"""Text that breaks parsers, normalisers and messages."""

LONG_TEXT_SIZES = (1_000, 10_000, 100_000, 1_000_000)

NUMBERS: tuple[Any, ...] = (
    0,
    -1,
    1,
    -0.0,
    0.5,
    2**31,
    -(2**31),
    2**53 + 1,
    2**63,
    2**64,
    10**18,
    10**400,  # too large for a float
    -(10**400),
    1e308,
    -1e308,
    1e-320,
    5e-324,
    _NAN,
    _INF,
    -_INF,
)
"""Numbers at every boundary: zero and sign, float limits, ints too large for a float."""

SCALARS: tuple[Any, ...] = (None, True, False, *NUMBERS, *ODD_TEXTS)


@cache
def huge_integers() -> st.SearchStrategy[int]:
    """Integers with more digits than ``str`` and ``int`` convert by default (4300).

    Built lazily: hypothesis shows the elements of ``sampled_from`` with ``repr``, which cannot write them.
    """
    return st.builds(pow, st.sampled_from([10, -10, 7]), st.sampled_from([4_300, 5_000, 20_000]))


@cache
def long_texts() -> st.SearchStrategy[str]:
    """Very long text: one character, or a ReDoS-prone tail, repeated."""
    units = st.sampled_from(
        ["a", "A", " ", "\u00e9", "a!", "ab", "\ud800", "0", "@", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"]
    )
    return st.builds(lambda unit, size: (unit * size)[:size], units, st.sampled_from(LONG_TEXT_SIZES))


def nested(value: Any, depth: int, kind: str) -> Any:
    """``value`` inside ``depth`` lists or one-key mappings (built without recursion)."""
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


@cache
def deep_values() -> st.SearchStrategy[Any]:
    """Values nested deeper than any limit leadkit sets (and some just at it)."""
    return st.builds(
        nested,
        st.sampled_from([None, 1, "x"]),
        st.sampled_from([31, 32, 33, 99, 100, 101, 1_000, 3_000]),  # past Python's recursion limit too
        st.sampled_from(["list", "dict"]),
    )


@cache
def scalars() -> st.SearchStrategy[Any]:
    """A hostile scalar, or a short random one."""
    return st.one_of(
        st.sampled_from(SCALARS),
        st.text(max_size=12),
        st.integers(),
        st.floats(),
        huge_integers(),
    )


@cache
def values() -> st.SearchStrategy[Any]:
    """Any hostile value: scalar, container, long, deep, or a Python object JSON cannot hold."""
    containers = st.one_of(
        st.lists(scalars(), max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(ODD_TEXTS)), scalars(), max_size=3),
        st.sampled_from([[], {}, [[]], [{}], {"": 1}, {"a": {}}, (1, 2), {1, 2}, frozenset(), b"bytes", object()]).map(
            copy  # a fresh copy: later mutations may change it in place
        ),
    )
    return st.one_of(scalars(), scalars(), containers, long_texts(), deep_values())


# --------------------------------------------------------------------------- documents


def paths(doc: Any) -> list[Path]:
    """Every place in a JSON-like document: the root, each mapping value and each list item."""
    found: list[Path] = [()]
    stack: list[tuple[Any, Path]] = [(doc, ())]
    while stack and len(found) < 2_000:
        node, here = stack.pop()
        children: Sequence[tuple[Any, Any]] = ()
        if isinstance(node, dict):
            children = list(node.items())
        elif isinstance(node, list):
            children = list(enumerate(node))
        for key, child in children:
            found.append((*here, key))
            stack.append((child, (*here, key)))
    return found


def _get(doc: Any, path: Path) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _set(doc: Any, path: Path, value: Any) -> Any:
    """``doc`` with the value at ``path`` replaced (in place below the root; the new root is returned)."""
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def _delete(doc: Any, path: Path) -> Any:
    if not path:
        return doc
    parent = _get(doc, path[:-1])
    del parent[path[-1]]
    return doc


Mutation = Callable[[Any, Path, Any, Any], Any]


def _replace(doc: Any, path: Path, value: Any, _: Any) -> Any:
    return _set(doc, path, value)


def _remove(doc: Any, path: Path, _: Any, __: Any) -> Any:
    return _delete(doc, path)


def _add_key(doc: Any, path: Path, value: Any, key: Any) -> Any:
    target = _get(doc, path)
    if isinstance(target, dict):
        target[key] = value
    elif isinstance(target, list):
        target.append(value)
    return doc


def _wrap(doc: Any, path: Path, _: Any, key: Any) -> Any:
    current = _get(doc, path)
    return _set(doc, path, [current] if isinstance(key, str) else {str(key): current})


def _stringify(doc: Any, path: Path, _: Any, __: Any) -> Any:
    current = _get(doc, path)
    try:
        with unlimited_digits():
            text = json.dumps(current)
    except (TypeError, ValueError, RecursionError):
        text = literal(current)
    return _set(doc, path, text)


def _as_list(doc: Any, path: Path, _: Any, __: Any) -> Any:
    current = _get(doc, path)
    if isinstance(current, dict):
        return _set(doc, path, [[k, v] for k, v in current.items()])
    return _set(doc, path, [current, current])


def _duplicate(doc: Any, path: Path, _: Any, __: Any) -> Any:
    current = _get(doc, path)
    if isinstance(current, list):
        current.extend(current[:3])
    return doc


def _numeric_edge(doc: Any, path: Path, value: Any, __: Any) -> Any:
    current = _get(doc, path)
    if isinstance(current, (int, float)) and not isinstance(current, bool):
        return _set(doc, path, value if isinstance(value, (int, float)) else -current)
    return doc


MUTATIONS: tuple[Mutation, ...] = (
    _replace,
    _replace,
    _replace,
    _remove,
    _add_key,
    _wrap,
    _stringify,
    _as_list,
    _duplicate,
    _numeric_edge,
)

KEYS: tuple[Any, ...] = (
    "",
    " ",
    "id",
    "extra",
    "__class__",
    "type",
    "version",
    "properties",
    "attributes",
    "contact.email",
    "a.b",
    1,
    0,
    -1,
    1.5,
    True,
    False,
    None,
    "\ud800",
    "\u202e",
)
"""Keys for added entries: real field names, blanks, and the non-text keys YAML can produce."""


@cache
def _keys() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(KEYS), st.text(max_size=6))


_NEEDS_VALUE = frozenset({"_replace", "_add_key", "_numeric_edge"})
_NEEDS_KEY = frozenset({"_add_key", "_wrap"})


@st.composite
def _mutated(draw: st.DrawFn, documents: st.SearchStrategy[Any], pool: st.SearchStrategy[Any]) -> Any:
    doc = copy(draw(documents))
    for _ in range(draw(st.integers(0, 4))):
        mutation = MUTATIONS[draw(st.integers(0, len(MUTATIONS) - 1))]
        places = paths(doc)
        path = places[draw(st.integers(0, len(places) - 1))]
        value = draw(pool) if mutation.__name__ in _NEEDS_VALUE else None  # fresh: the pools copy shared containers
        key = draw(_keys()) if mutation.__name__ in _NEEDS_KEY else None
        try:
            doc = mutation(doc, path, value, key)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation moved the place: skip this one
    return doc


def mutated(documents: st.SearchStrategy[Any], extra_values: Sequence[Any] = ()) -> st.SearchStrategy[Any]:
    """A document from ``documents`` changed by zero to four mutations at random places.

    ``extra_values`` are target-specific values (field names, operators, patterns)
    mixed in with the hostile ones. Build the strategy once and draw from it many times.
    """
    pool = st.one_of(values(), st.sampled_from(list(extra_values)).map(copy)) if extra_values else values()
    return _mutated(documents, pool)


# --------------------------------------------------------------------------- texts


def to_json(doc: Any) -> str:
    """The document as JSON (NaN and infinity written as JavaScript does); ``repr`` when JSON cannot hold it."""
    try:
        with unlimited_digits():
            return json.dumps(doc, ensure_ascii=False, allow_nan=True, default=literal)
    except (TypeError, ValueError, RecursionError):
        return literal(doc)


_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def to_yaml(doc: Any, *, flow: bool = False) -> str:
    """The document as YAML (block or flow style); JSON when YAML cannot write it."""
    try:
        with unlimited_digits():
            return yaml.dump(
                doc, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=flow, width=10_000
            )
    except (yaml.YAMLError, TypeError, ValueError, RecursionError):
        return to_json(doc)


YAML_SNIPPETS: tuple[str, ...] = (
    "!!python/object/apply:os.system ['true']",
    "!!python/object/new:builtins.dict {}",
    "!!python/name:os.system",
    "!!python/tuple [1, 2]",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [{a: 1}, {b: 2}]",
    "!!pairs [[a, 1], [a, 2]]",
    "!!timestamp 2024-05-01 09:30:00",
    "!!timestamp 2024-05-01",
    "!!timestamp 2024-05-01T09:30:00Z",
    "!!float .nan",
    "!!float -.inf",
    "!!int 0b1010",
    "!!int 0x_ff",
    "!!int 1" + "0" * 5000,
    "1" + "0" * 5000,
    "1" + "0" * 400,
    "!!str 12",
    "!!bool yes",
    "!!null ''",
    "!custom x",
    "!<tag:example.com,2024:x> y",
    "*undefined",
    "&a [*a]",
    "&b {k: *b}",
    "&c {not: *c}",
    "&d {any: [*d]}",
    "&e [{all: *e}]",
    "? [a, b]\n: c",
    "{? {a: b} : c}",
    "{[1]: 2}",
    "{1: one, 2.5: two, true: three, null: four, ~: five}",
    "{a: 1, a: 2}",
    "{<<: {a: 1}, b: 2}",
    "[" * 101 + "]" * 101,
    "[" * 5_000 + "]" * 5_000,
    "{a: " * 200 + "1" + "}" * 200,
    "'unterminated",
    '"\\ud800"',
    '"\\x00"',
    "|\n  block\n  text",
    ">-\n  folded",
    "- - - - -",
    ": :",
    "---\n--- x",
    "...",
    "%YAML 1.1\n--- x",
    "%TAG ! tag:evil.com,2000:\n--- !x y",
    "@reserved",
    "`reserved",
    "\t tab",
)
"""YAML that tests the safe loader: Python tags, other tags, aliases (recursive too), odd keys, deep nesting."""

_LAUGHS = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)
)
BILLION_LAUGHS: tuple[str, ...] = (
    _LAUGHS,
    "x: " + _LAUGHS.replace("\n", "\n  ").rstrip() + "\n",
)
"""Exponential entity expansion through aliases: 10**9 leaves, nine nodes deep."""


def laughs(depth: int, width: int, leaf: str = "lol") -> str:
    """A flow-style YAML value with ``width``**``depth`` leaves through aliases."""
    parts = [f"&l0 [{', '.join([leaf] * width)}]"]
    parts += [f"&l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, depth)]
    return parts[-1] if depth == 1 else _chain(parts)


def _chain(parts: list[str]) -> str:
    # Each anchor must be defined before it is used: nest the definitions in a list whose last item is the top.
    return "[" + ", ".join(parts) + "]"


@cache
def _tricks() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(YAML_SNIPPETS), st.builds(laughs, st.integers(1, 9), st.integers(2, 10)))


def yaml_with_tricks(draw: st.DrawFn, doc: Any) -> str:
    """The document as YAML, with one place replaced by a tag, alias or other trick (``draw`` from a composite)."""
    places = [p for p in paths(doc) if p]
    if not places:
        return draw(_tricks())
    path = places[draw(st.integers(0, len(places) - 1))]
    marker = "__FUZZ_MARKER__"
    try:
        with_marker = _set(copy(doc), path, marker)
    except (KeyError, IndexError, TypeError):
        return to_yaml(doc)
    text = to_yaml(with_marker, flow=True)
    trick = draw(_tricks())
    return text.replace(marker, trick.replace("\n", " "), 1)


_JUNK = ("\x00", "\ufeff", "\ud800", "{", "[", ":", "&", "*", "!", "#", "\t", "\r", "\n- ", "'", '"', "%")


def damaged(draw: st.DrawFn, text: str) -> str:
    """``text`` cut, with a character inserted, replaced or removed, or with a junk line (``draw`` from a composite)."""
    at = draw(st.integers(0, len(text)))
    junk = _JUNK[draw(st.integers(0, len(_JUNK) - 1))]
    how = draw(st.integers(0, 4))
    if how == 0:
        return text[:at]
    if how == 1:
        return text[:at] + junk + text[at:]
    if how == 2:
        return text[:at] + junk + text[at + 1 :]
    if how == 3:
        return text[:at] + text[at + 1 :]
    return text + "\n" + junk


def encoded(draw: st.DrawFn, text: str) -> str | bytes:
    """``text`` as it is, or as bytes: UTF-8 (with a BOM), UTF-16, or with invalid bytes (``draw`` from a composite)."""
    how = draw(st.integers(0, 6))
    if how <= 2:  # text most of the time
        return text
    data = text.encode("utf-8", "surrogatepass")
    return (b"\xef\xbb\xbf" + data, text.encode("utf-16", "surrogatepass"), data + b"\xff\xfe\x80", data)[how - 3]


@cache
def raw_texts() -> st.SearchStrategy[str | bytes]:
    """Unstructured input: random text, random bytes, or a YAML snippet."""
    return st.one_of(
        st.text(max_size=60),
        st.binary(max_size=60),
        st.sampled_from(YAML_SNIPPETS),
        st.sampled_from(BILLION_LAUGHS),
    )


@st.composite
def texts_of(draw: st.DrawFn, documents: st.SearchStrategy[Any], render: str) -> str | bytes:
    """A document as ``json`` or ``yaml`` text, perhaps with a YAML trick, damaged and re-encoded; or raw input."""
    if not draw(st.integers(0, 4)):
        return draw(raw_texts())
    data = draw(documents)
    style = draw(st.integers(0, 2))
    if render == "json":
        text = to_json(data)
    elif style == 2:
        text = yaml_with_tricks(draw, data)
    else:
        text = to_yaml(data, flow=bool(style))
    if draw(st.booleans()):
        text = damaged(draw, text)
    return encoded(draw, text)
