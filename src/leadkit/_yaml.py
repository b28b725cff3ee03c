"""Safe YAML loading that remembers where each value came from.

Only ``yaml.SafeLoader`` (or its C twin) is used, so no Python object tags.
Two YAML 1.1 rules that surprise people are replaced by YAML 1.2's:

* only ``true``/``false`` are booleans; ``yes``, ``no``, ``on`` and ``off``
  stay text (so ``budget: yes`` means the BANT status ``yes``);
* dates and times are not turned into ``datetime`` objects (YAML's rules
  accept naive times); they stay text and leadkit parses them, so a missing
  offset is reported like any other bad value.

Duplicate keys, which PyYAML would silently collapse, are refused. So are
hostile documents, before anything is built from them:

* more than `MAX_BYTES` of text (checked first, before parsing);
* nesting deeper than `MAX_DEPTH` (checked on the flat event stream:
  libyaml composes nodes recursively, and a document nested a hundred
  thousand levels deep would otherwise crash the process);
* more than `MAX_VALUES` values once aliases are expanded, or more than
  `MAX_ALIASED` reached through aliases, which refuses "billion laughs"
  alias bombs: nine lines whose aliases expand to a thousand million values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from leadkit.errors import PathPart, Problem, ValidationError

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_BOOL_1_2 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class _Loader(_Base):  # type: ignore[misc]  # the C loader has no stubs
    """SafeLoader with YAML 1.2 booleans and no implicit timestamps."""


def _resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
        for tag, pattern in resolvers:
            if tag == _TIMESTAMP:
                continue
            if tag == _BOOL:
                if first not in "tTfF":
                    continue
                pattern = _BOOL_1_2  # noqa: PLW2901 - swap YAML 1.1's yes/no/on/off rule
            table.setdefault(first, []).append((tag, pattern))
    return table


_Loader.yaml_implicit_resolvers = _resolvers()
# An explicit !!timestamp tag keeps its text too: leadkit parses times itself (and refuses naive ones).
_Loader.add_constructor(_TIMESTAMP, lambda loader, node: loader.construct_scalar(node))

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists accepted in a YAML document."""

MAX_BYTES = 10_000_000
"""Largest YAML document accepted, in bytes of UTF-8 (10 MB: bigger lead lists belong in JSON Lines or CSV)."""

MAX_VALUES = 1_000_000
"""Most values (scalars, mappings and lists) a YAML document may hold once its aliases are expanded."""

MAX_ALIASED = 10_000
"""Most values a YAML document may reach through aliases (each alias counts the values it stands for)."""

_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _line(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark else None


def _check_size(text: str | bytes) -> None:
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ValidationError.at(
            (), f"a YAML document of at most {MAX_BYTES:,} bytes", f"{size:,} bytes", reason="document too large"
        )


def _check_events(text: str | bytes) -> None:
    """Refuse nesting deeper than `MAX_DEPTH` and more than `MAX_VALUES` values with aliases expanded.

    One pass over the event stream: each open mapping or list counts the
    values under it; an alias counts as many as its anchored value holds.
    """
    counts = [0]  # values under each open collection (the document at the bottom)
    anchors: list[str | None] = [None]
    sizes: dict[str, int] = {}  # values an anchor's value holds, itself included
    aliased = 0  # values reached through aliases so far
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _OPEN):
            if len(counts) > MAX_DEPTH:
                raise ValidationError.at(
                    (),
                    f"at most {MAX_DEPTH} levels of nested mappings and lists",
                    reason="nested too deeply",
                    line=_line(event),
                )
            counts.append(1)
            anchors.append(event.anchor)
            continue
        if isinstance(event, _CLOSE):
            size = counts.pop()
            anchor = anchors.pop()
            if anchor is not None:
                sizes[anchor] = size
        elif isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor or "", 1)  # an unknown anchor is reported by the composer
            aliased += size
            if aliased > MAX_ALIASED:
                raise ValidationError.at(
                    (),
                    f"at most {MAX_ALIASED:,} values reached through aliases",
                    reason="too many values once aliases are expanded (an alias bomb?)",
                    line=_line(event),
                )
        else:
            continue
        counts[-1] += size
        if counts[-1] > MAX_VALUES:
            raise ValidationError.at(
                (),
                f"at most {MAX_VALUES:,} values once aliases are expanded",
                reason="too many values once aliases are expanded (an alias bomb?)",
                line=_line(event),
            )


class Document:
    """A parsed YAML document and its node tree, to find the line of a path."""

    def __init__(self, data: Any, root: yaml.Node | None) -> None:
        self.data = data
        self._root = root

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The 1-based line of the deepest node the path reaches."""
        node = self._root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node, line = child, child.start_mark.line + 1
        return line

    def locate(self, error: ValidationError) -> ValidationError:
        """The same error with a line on every problem."""
        return ValidationError(
            p if p.line is not None else Problem(p.path, p.expected, p.got, p.reason, self.line_of(p.path))
            for p in error.problems
        )


def _child(node: yaml.Node, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                found: yaml.Node = value
                return found
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


def _check_duplicates(node: yaml.Node, path: tuple[PathPart, ...] = ()) -> None:
    # Iterative walk: a deeply nested document must not exhaust the stack here.
    stack: list[tuple[yaml.Node, tuple[PathPart, ...]]] = [(node, path)]
    seen_nodes: set[int] = set()
    while stack:
        current, where = stack.pop()
        if id(current) in seen_nodes:  # aliases share nodes
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in current.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                if name is not None and name in keys:
                    raise ValidationError.at(
                        (*where, name),
                        "each key once per mapping",
                        reason="duplicate key",
                        line=key.start_mark.line + 1,
                    )
                if name is not None:
                    keys.add(name)
                stack.append((value, (*where, name if name is not None else "?")))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, (*where, i)) for i, item in enumerate(current.value))


def load(text: str | bytes) -> Document:
    """Parse one YAML document safely.

    Raises:
        ValidationError: for YAML syntax errors, duplicate keys, tags that
            the safe loader refuses (such as ``!!python/object``), and
            documents over the limits (`MAX_BYTES`, `MAX_DEPTH`, `MAX_VALUES`, `MAX_ALIASED`).
    """
    _check_size(text)
    if isinstance(text, str):
        try:
            text = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError.at((), "UTF-8 text", reason=f"unencodable text: {exc.reason}") from None
    loader = _Loader(text)
    try:
        _check_events(text)
        root = loader.get_single_node()
        if root is not None:
            _check_duplicates(root)
        try:
            data = loader.construct_document(root) if root is not None else None
        except (ValueError, TypeError, AttributeError, OverflowError, LookupError) as exc:  # a tag on a bad value
            raise ValidationError.at(
                (), "a valid YAML document", reason=f"invalid YAML: a value its tag cannot build ({exc})"
            ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValidationError.at((), "a valid YAML document", reason=f"invalid YAML: {problem}", line=line) from None
    finally:
        loader.dispose()
    return Document(data, root)


def dump(data: Any) -> str:
    """Dump plain data as block-style YAML, keys in their given order."""
    text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return text
