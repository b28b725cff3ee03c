"""Conditions: the declarative tests a rule applies to a lead.

A condition is data, never code: a field compared with a value
(`FieldCondition`), a count of interactions (`InteractionCondition`), or a
combination of others (`AllOf`, `AnyOf`, `Not`). Each has a plain-data form,
the one YAML models use::

    {"field": "company.employees", "gte": 200}
    {"interaction": "pricing_view", "at_least": 2, "within": "30d"}
    {"all": [...]}, {"any": [...]}, {"not": {...}}

and `parse_condition` turns that form into objects (`Condition.to_data` gives
it back). Conditions compile once into small functions; evaluating one never
parses, imports or evaluates anything.

Semantics, the same for every operator:

* a field that is absent or null never matches, whatever the operator
  (``ne`` and ``not_in`` included): a rule about data you do not have gives
  no points, and only ``missing`` asks about absence;
* text is compared case-insensitively and without surrounding spaces;
* numbers compare only with numbers (a text ``"2024"`` is not the number
  2024), and booleans are not numbers.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs

from leadkit import _checks as check
from leadkit.errors import ConfigError, PathPart, suggest
from leadkit.model import LEAD_FIELD_PATHS, CriterionStatus, Lead

__all__ = [
    "FIELD_PATHS",
    "MAX_DEPTH",
    "MAX_MATCH_LENGTH",
    "MAX_REGEX_WAYS",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Condition",
    "FieldCondition",
    "InteractionCondition",
    "Not",
    "format_duration",
    "parse_condition",
    "parse_duration",
]

Test = Callable[[Lead, float], bool]
"""A compiled condition: (lead, as_of in POSIX seconds) -> matched."""

OPERATORS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "contains",
    "matches",
    "exists",
    "missing",
)
"""Every operator a `FieldCondition` accepts."""

FIELD_PATHS = (
    *(path for path in LEAD_FIELD_PATHS if path not in ("created_at", "status")),
    "attributes.<key>",
)
"""The paths a condition can read (``attributes.<key>`` stands for any custom field)."""

MAX_MATCH_LENGTH = 1_000
"""``matches`` searches at most this many characters of a field's text (after stripping)."""

MAX_REGEX_WAYS = 10_000
"""Most ways a ``matches`` pattern may have to match at one place (see `regex_problem`)."""

MAX_PATTERN_LENGTH = 1_000

MAX_DEPTH = 100
"""Deepest nesting of ``all``, ``any`` and ``not`` in a condition."""
_STATUSES = tuple(status.value for status in CriterionStatus)
_MISSING: Any = None


def _error(
    path: Sequence[PathPart], expected: str, got: object = attrs.NOTHING, reason: str | None = None
) -> ConfigError:
    return ConfigError.at(tuple(path), expected, got, reason=reason)


# --- durations ----------------------------------------------------------------------------------

_UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([wdhms])\s*", re.ASCII)
_DURATION_EXPECTED = "a duration such as 30d, 12h, 2w, 90m or 45s"


def parse_duration(value: object, path: Sequence[PathPart] = ()) -> timedelta:
    """A duration written ``<number><unit>`` (units w, d, h, m, s), as a positive timedelta.

    Examples:
        >>> parse_duration("30d"), parse_duration("1.5h")
        (datetime.timedelta(days=30), datetime.timedelta(seconds=5400))

    Raises:
        ConfigError: for anything else, at ``path``.
    """
    if isinstance(value, timedelta):
        if value > timedelta(0):
            return value
        raise _error(path, f"{_DURATION_EXPECTED} (above zero)", value)
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _error(path, _DURATION_EXPECTED, value)
    try:
        seconds = Decimal(match[1]) * _UNITS[match[2]]
        whole = int(seconds)
        result = timedelta(seconds=whole, microseconds=round((seconds - whole) * 1_000_000))
    except (InvalidOperation, OverflowError):
        raise _error(path, f"{_DURATION_EXPECTED} (at most 999999999 days)", value) from None
    if result <= timedelta(0):
        raise _error(path, f"{_DURATION_EXPECTED} (above zero)", value)
    return result


def format_duration(value: timedelta) -> str:
    """The shortest exact text `parse_duration` reads back as ``value``.

    Examples:
        >>> (
        ...     format_duration(timedelta(days=14)),
        ...     format_duration(timedelta(hours=36)),
        ...     format_duration(timedelta(seconds=1.5)),
        ... )
        ('2w', '36h', '1.500000s')
    """
    if value.microseconds:
        return f"{value.days * 86_400 + value.seconds}.{value.microseconds:06d}s"
    seconds = value.days * 86_400 + value.seconds
    for unit, size in _UNITS.items():
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    raise AssertionError  # pragma: no cover - "s" always divides


# --- values -------------------------------------------------------------------------------------


def _key(value: Any) -> tuple[str, Any] | None:
    """A comparison key: text folded, numbers as numbers, booleans apart from numbers."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("text", value.strip().casefold())
    return None


def _is_scalar(value: object) -> bool:
    return isinstance(value, (str, bool)) or check.is_finite_number(value)


def _getter(path: str) -> Callable[[Lead], Any]:
    """A function reading ``path`` from a lead (``None`` when absent); the path is already valid."""
    if path.startswith("attributes."):
        key = path[len("attributes.") :]
        parts = key.split(".")

        def attribute(lead: Lead) -> Any:
            found = lead.attributes
            if key in found:
                return found[key]
            value: Any = found
            for part in parts:  # a nested custom field: attributes.utm.campaign
                if not isinstance(value, Mapping) or part not in value:
                    return _MISSING
                value = value[part]
            return value

        return attribute
    if path.startswith("bant."):
        return operator.attrgetter(f"{path}.status")  # a CriterionStatus, which is text
    return operator.attrgetter(path)  # dotted paths are read in C


def _check_path(path: object, where: Sequence[PathPart]) -> str:
    if not isinstance(path, str):
        raise _error(where, "a field path such as company.industry or attributes.<key>", path)
    known = FIELD_PATHS[:-1]
    if path in known or (path.startswith("attributes.") and path.strip(".") != "attributes" and ".." not in path):
        return path
    raise _error(
        where,
        "one of " + ", ".join(FIELD_PATHS),
        path,
        reason="unknown field" + suggest(path, known),
    )


# --- regular expressions ------------------------------------------------------------------------

_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")


def _escape_problem(escaped: str) -> str | None:
    if (escaped.isdigit() and escaped != "0") or escaped in ("g", "k"):
        return "no backreferences (not portable)"
    if escaped == "Z":
        return "$ instead of \\Z (not portable)"
    return None


def _group_problem(pattern: str, i: int) -> str | None:
    """What is wrong with the ``(?...`` group opening at ``i``, if anything."""
    head = pattern[i + 2 : i + 4]
    refused = {
        "=": "no lookahead or lookbehind (not portable)",
        "!": "no lookahead or lookbehind (not portable)",
        ">": "no atomic groups (not portable)",
        "(": "no conditional groups (not portable)",
    }
    if head[:1] in refused:
        return refused[head[:1]]
    if head in ("<=", "<!"):
        return "no lookahead or lookbehind (not portable)"
    if head == "P=":
        return "no backreferences (not portable)"
    flags = re.match(r"[a-zA-Z-]*", pattern[i + 2 :])
    if flags and flags[0] != "P" and set(flags[0]) - set("ims-"):
        return "only the inline flags i, m and s (not portable)"
    return None


def _skip_class(pattern: str, i: int) -> int:
    """The index just after the character class opening at ``i``."""
    j = i + 1
    j += pattern[j : j + 1] == "^"
    j += pattern[j : j + 1] == "]"
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


_SET_OPERATORS = ("--", "&&", "~~", "||")
_NESTED_SET = (
    "no '[' and no doubled '-', '&', '~' or '|' inside a character class, as in [[:alpha:]] or [a&&b] "
    "(engines read them as nested classes or set operations): escape them, as in [\\[a]"
)


def _class_problem(pattern: str) -> str | None:
    """`_NESTED_SET` when a character class holds a nested set or a set operation, else ``None``.

    Looked for before compiling, where Python would warn about it (noise, or an error under ``-W error``).
    """
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
        elif pattern[i] == "[":
            end = _skip_class(pattern, i)
            inside, j = pattern[i + 1 : end - 1], 0
            while j < len(inside):
                if inside[j] == "\\":
                    j += 2
                    continue
                if inside[j] == "[" or inside[j : j + 2] in _SET_OPERATORS:
                    return _NESTED_SET
                j += 1
            i = end
        else:
            i += 1
    return None


_NESTED = "no repeated group that itself repeats without bound, such as (a+)+ (exponential time)"
_ALTERNATION = "no repeated group of alternatives, such as (a|ab)*: use a class such as [ab]* (exponential time)"


def _repeat_cost(cost: int, most: int) -> int:
    """The ways to match an atom that matches ``cost`` ways, repeated up to ``most`` times (capped)."""
    if cost == 1:
        return most + 1
    if most * cost.bit_length() > 64:
        return MAX_REGEX_WAYS + 1
    ways: int = sum(cost**k for k in range(most + 1))
    return min(ways, MAX_REGEX_WAYS + 1)


class _Group:
    """A group being read: the ways its finished alternatives match, and its current one."""

    __slots__ = ("alternatives", "before_last", "branches", "ways")

    def __init__(self) -> None:
        self.alternatives = 0  # ways of the finished alternatives
        self.branches = 1
        self.ways = 1  # ways of the current alternative so far
        self.before_last = 1  # ways before its last atom (a quantifier replaces that atom's share)

    def add(self, ways: int) -> None:
        self.before_last = self.ways
        self.ways = min(self.ways * ways, MAX_REGEX_WAYS + 1)

    def total(self) -> int:
        return min(self.alternatives + self.ways, MAX_REGEX_WAYS + 1)


def _scan_regex(pattern: str) -> str | None:  # noqa: PLR0912, PLR0915 - one pass over the pattern's syntax
    """The first problem of a pattern that compiles, in one pass over its syntax."""
    groups = [_Group()]
    unbounded = [False]  # per open group: does it contain an unbounded repeat?
    closed: tuple[bool, int] | None = None  # the group just closed: (unbounded inside, alternatives)
    i = 0
    while i < len(pattern):
        c, problem = pattern[i], None
        quantifier = _QUANTIFIER.match(pattern, i) if c == "{" else None
        if c == "\\":
            problem, i, closed = _escape_problem(pattern[i + 1 : i + 2]), i + 2, None
            groups[-1].add(1)
        elif c == "[":
            i, closed = _skip_class(pattern, i), None
            groups[-1].add(1)
        elif c == "(":
            problem = _group_problem(pattern, i) if pattern.startswith("(?", i) else None
            unbounded.append(False)
            groups.append(_Group())
            i, closed = i + 1, None
        elif c == ")" and len(groups) > 1:
            inner = unbounded.pop()
            unbounded[-1] = unbounded[-1] or inner
            group = groups.pop()
            groups[-1].add(group.total())
            i, closed = i + 1, (inner, group.branches)
        elif c == "|":
            group = groups[-1]
            group.alternatives, group.branches = group.total(), group.branches + 1
            group.ways = group.before_last = 1
            i, closed = i + 1, None
        elif c in "*+?" or quantifier:
            if quantifier:
                upper = quantifier[3] if quantifier[2] else quantifier[1]
                most = int(upper) if upper else MAX_MATCH_LENGTH
            else:
                most = 1 if c == "?" else MAX_MATCH_LENGTH
            most = min(most, MAX_MATCH_LENGTH)
            endless = bool(quantifier[2]) and not quantifier[3] if quantifier else c != "?"
            i = quantifier.end() if quantifier else i + 1
            if closed and endless and closed[0]:
                return _NESTED
            if closed and endless and closed[1] > 1:
                return _ALTERNATION
            unbounded[-1] = unbounded[-1] or endless
            group = groups[-1]
            atom = max(group.ways // max(group.before_last, 1), 1)
            group.ways = min(group.before_last * _repeat_cost(atom, most), MAX_REGEX_WAYS + 1)
            if pattern[i : i + 1] == "+":
                return "no possessive quantifiers (not portable)"
            i += pattern[i : i + 1] == "?"  # lazy
            closed = None
        else:
            i, closed = i + 1, None
            groups[-1].add(1)
        if problem:
            return problem
    if groups[0].total() > MAX_REGEX_WAYS:
        return (
            f"a pattern with at most {MAX_REGEX_WAYS:,} ways to match at one place "
            f"(each repeat multiplies them: at most one unbounded +, * or {{n,}}, bounded ones such as \\s{{1,5}} "
            f"for the rest; the text searched is up to {MAX_MATCH_LENGTH:,} characters)"
        )
    return None


def regex_problem(pattern: str) -> str | None:
    r"""Why ``pattern`` is not a portable, safe regex, or ``None`` when it is.

    Allowed: the syntax every engine leadkit targets understands (literals,
    classes, groups, alternation, anchors, quantifiers, the inline flags
    ``i``, ``m`` and ``s``). Refused: lookaround, backreferences, atomic
    groups, possessive quantifiers, conditionals, ``\Z``, other inline flags,
    a ``[`` or a doubled ``-``, ``&``, ``~`` or ``|`` inside a class (nested
    classes and set operations in some engines, plain characters in others),
    and patterns that can take too long on a backtracking engine: a repeated
    group that itself contains an unbounded repeat (such as ``(a+)+``) or
    alternatives (such as ``(a|ab)*``), and any pattern with more than
    `MAX_REGEX_WAYS` ways to match at one place of the text (each repeat
    multiplies them by its range, an unbounded one by `MAX_MATCH_LENGTH`,
    so ``a*a*b`` is refused and ``\s{1,5}of\s{1,5}`` is not).

    Examples:
        >>> regex_problem("^(senior|lead) engineer$") is None
        True
        >>> regex_problem("(a+)+$")
        'no repeated group that itself repeats without bound, such as (a+)+ (exponential time)'
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"a pattern of at most {MAX_PATTERN_LENGTH} characters"
    nested = _class_problem(pattern)
    if nested:
        return nested
    try:
        re.compile(pattern)
    except (re.error, OverflowError) as exc:  # OverflowError: a repeat count too large, such as x{99999999999}
        return f"a valid regular expression ({exc})"
    except RecursionError:
        return "a regular expression with fewer nested groups"
    return _scan_regex(pattern)


# --- conditions ---------------------------------------------------------------------------------


@runtime_checkable
class Condition(Protocol):
    """What every condition offers: a description, its data form, and a compiled test."""

    def describe(self) -> str:
        """The condition in words, as rule explanations show it."""
        ...  # pragma: no cover - protocol

    def to_data(self) -> dict[str, Any]:
        """The plain-data form `parse_condition` reads back."""
        ...  # pragma: no cover - protocol

    def compile(self) -> Test:
        """A function ``(lead, as_of_epoch_seconds) -> bool`` evaluating the condition."""
        ...  # pragma: no cover - protocol


def _as_condition(value: Any) -> Any:
    return parse_condition(value) if isinstance(value, Mapping) else value


def _check_condition(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Condition):
        raise _error((attribute.name,), "a condition (a mapping such as {'field': ..., 'eq': ...})", value)


def _conditions(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_as_condition(item) for item in value)
    return value


def _check_conditions(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise _error((attribute.name,), "a non-empty list of conditions", value)
    for i, item in enumerate(value):
        if not isinstance(item, Condition):
            raise _error((attribute.name, i), "a condition", item)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"  # as written: a regex's backslashes are not doubled
    return str(value).lower() if isinstance(value, bool) else f"{value:g}"


@attrs.frozen
class FieldCondition:
    """A field of the lead compared with a value.

    Examples:
        >>> FieldCondition("company.employees", "gte", 200).describe()
        'company.employees >= 200'
        >>> FieldCondition("contact.email", "matches", "@(gmail|yahoo)[.]").to_data()
        {'field': 'contact.email', 'matches': '@(gmail|yahoo)[.]'}
    """

    path: str = attrs.field()
    """The field read (see `FIELD_PATHS`)."""
    op: str = attrs.field()
    """The operator (see `OPERATORS`)."""
    value: Any = attrs.field(default=True, converter=check.as_tuple)
    """What the field is compared with (a list for ``in``, ``not_in`` and ``between``)."""

    _SYMBOLS: ClassVar[Mapping[str, str]] = {
        "eq": "=",
        "ne": "!=",
        "gt": ">",
        "gte": ">=",
        "lt": "<",
        "lte": "<=",
        "in": "in",
        "not_in": "not in",
        "contains": "contains",
        "matches": "matches",
    }

    def __attrs_post_init__(self) -> None:
        _check_path(self.path, ("field",))
        if self.op not in OPERATORS:
            raise _error(
                (self.op,) if isinstance(self.op, str) else ("op",),
                "one of " + ", ".join(OPERATORS),
                self.op,
                reason="unknown operator" + suggest(self.op, OPERATORS),
            )
        _check_value(self.path, self.op, self.value)

    def describe(self) -> str:
        """The condition in words."""
        if self.op in ("exists", "missing"):
            present = (self.op == "exists") == self.value
            return f"{self.path} is {'present' if present else 'missing'}"
        if self.op == "between":
            low, high = self.value
            return f"{self.path} between {low:g} and {high:g}"
        if self.op in ("in", "not_in"):
            shown = ", ".join(_text(v) for v in self.value)
            return f"{self.path} {self._SYMBOLS[self.op]} [{shown}]"
        return f"{self.path} {self._SYMBOLS[self.op]} {_text(self.value)}"

    def to_data(self) -> dict[str, Any]:
        """The plain-data form (``{"field": ..., "<op>": value}``)."""
        return {"field": self.path, self.op: list(self.value) if isinstance(self.value, tuple) else self.value}

    def compile(self) -> Test:
        """The compiled test (see the module docs for the semantics)."""
        get = _getter(self.path)
        op, value = self.op, self.value
        if op in ("exists", "missing"):
            want_present = (op == "exists") == value
            return lambda lead, _: (get(lead) is not None) == want_present
        compare = _COMPARATORS[op](value)

        def test(lead: Lead, _: float) -> bool:
            found = get(lead)
            return found is not None and compare(found)

        return test


def _check_value(path: str, op: str, value: Any) -> None:
    where = (op,)
    if op in ("in", "not_in", "eq", "ne", "contains"):
        _check_values(path, op, value)
    elif op in ("exists", "missing"):
        if not isinstance(value, bool):
            raise _error(where, "true or false", value)
    elif op in ("gt", "gte", "lt", "lte"):
        if not check.is_finite_number(value):
            raise _error(where, "a number", value)
    elif op == "between":
        if not (isinstance(value, tuple) and len(value) == 2 and all(check.is_finite_number(v) for v in value)):
            raise _error(where, "a list of two numbers [low, high]", value)
        if value[0] > value[1]:
            raise _error(where, "[low, high] with low <= high", list(value))
    else:  # matches
        if not isinstance(value, str):
            raise _error(where, "a regular expression (text)", value)
        problem = regex_problem(value)
        if problem is not None:
            raise _error(where, problem, value, reason="unusable pattern")


def _check_values(path: str, op: str, value: Any) -> None:
    where = (op,)
    values = value if op in ("in", "not_in") else (value,)
    if op in ("in", "not_in") and (not isinstance(value, tuple) or not value):
        raise _error(where, "a non-empty list of values", value)
    for i, item in enumerate(values):
        at = (*where, i) if op in ("in", "not_in") else where
        if not _is_scalar(item):
            raise _error(at, "text, a number or true/false", item)
        if path.startswith("bant.") and (not isinstance(item, str) or item.strip().lower() not in _STATUSES):
            raise _error(at, "a criterion status: " + ", ".join(_STATUSES), item)


def _member(values: Sequence[Any]) -> Callable[[Any], bool]:
    """A test that a found value equals one of ``values``: text folded, numbers as numbers, booleans apart."""
    texts = frozenset(v.strip().casefold() for v in values if isinstance(v, str))
    flags = frozenset(v for v in values if isinstance(v, bool))
    numbers = frozenset(v for v in values if _number(v))

    def member(found: Any) -> bool:
        if isinstance(found, str):
            return found.strip().casefold() in texts
        if isinstance(found, bool):
            return found in flags
        if isinstance(found, (int, float)):
            return found in numbers
        return False

    return member


def _eq(expected: Any) -> Callable[[Any], bool]:
    return _member((expected,))


def _ne(expected: Any) -> Callable[[Any], bool]:
    member = _member((expected,))
    return lambda found: not member(found)


def _in(expected: Any) -> Callable[[Any], bool]:
    return _member(expected)


def _not_in(expected: Any) -> Callable[[Any], bool]:
    member = _member(expected)
    return lambda found: not member(found)


def _number(found: Any) -> bool:
    return isinstance(found, (int, float)) and not isinstance(found, bool)


def _gt(bound: float) -> Callable[[Any], bool]:
    return lambda found: _number(found) and found > bound


def _gte(bound: float) -> Callable[[Any], bool]:
    return lambda found: _number(found) and found >= bound


def _lt(bound: float) -> Callable[[Any], bool]:
    return lambda found: _number(found) and found < bound


def _lte(bound: float) -> Callable[[Any], bool]:
    return lambda found: _number(found) and found <= bound


def _between(bounds: tuple[float, float]) -> Callable[[Any], bool]:
    low, high = bounds
    return lambda found: _number(found) and low <= found <= high


def _contains(expected: Any) -> Callable[[Any], bool]:
    key = _key(expected)
    needle = key[1] if key is not None and key[0] == "text" else None

    def contains(found: Any) -> bool:
        if isinstance(found, str):
            return needle is not None and needle in found.casefold()
        if isinstance(found, (list, tuple)):
            return any(_key(item) == key for item in found)
        return False

    return contains


def _matches(pattern: str) -> Callable[[Any], bool]:
    search = re.compile(pattern, re.IGNORECASE).search
    return lambda found: isinstance(found, str) and search(found[:MAX_MATCH_LENGTH]) is not None


_COMPARATORS: Mapping[str, Callable[[Any], Callable[[Any], bool]]] = {
    "eq": _eq,
    "ne": _ne,
    "in": _in,
    "not_in": _not_in,
    "gt": _gt,
    "gte": _gte,
    "lt": _lt,
    "lte": _lte,
    "between": _between,
    "contains": _contains,
    "matches": _matches,
}


def _kinds(value: Any) -> Any:
    if isinstance(value, str):
        value = (value,)
    return check.clean_text_list(value, str.lower) if isinstance(value, (list, tuple)) else value


def _check_kinds(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value or not all(isinstance(v, str) and v for v in value):
        raise _error(("interaction",), "an interaction kind or a non-empty list of kinds", value)


def _check_at_least(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _error(("at_least",), "a whole number >= 1", value)
    if not check.is_finite_number(value):  # no count is that large; past 4300 digits it cannot even be written
        raise _error(("at_least",), "a whole number >= 1", value, reason="too large")


def _within(value: Any) -> Any:
    return None if value is None else parse_duration(value, ("within",))


@attrs.frozen(kw_only=True)
class InteractionCondition:
    """The lead did something at least ``at_least`` times (recently, on a channel).

    Only interactions at or before ``as_of`` count; with ``within``, only
    those less than that long before it.

    Examples:
        >>> InteractionCondition(kinds="pricing_view", at_least=2, within="30d").describe()
        'pricing_view at least 2 times within 30d'
    """

    kinds: tuple[str, ...] = attrs.field(converter=_kinds, validator=_check_kinds)
    """The interaction kinds that count (one or several)."""
    at_least: int = attrs.field(default=1, validator=_check_at_least)
    """How many are needed."""
    within: timedelta | None = attrs.field(default=None, converter=_within)
    """Only this recent (``None``: ever)."""
    channel: str | None = attrs.field(default=None, converter=check.clean_label)
    """Only on this channel (``None``: any)."""

    @channel.validator
    def _check_channel(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, str):
            raise _error(("channel",), "a channel name (text)", value)

    def describe(self) -> str:
        """The condition in words."""
        text = " or ".join(self.kinds)
        if self.at_least > 1:
            text += f" at least {self.at_least} times"
        if self.within is not None:
            text += f" within {format_duration(self.within)}"
        if self.channel is not None:
            text += f" on {self.channel}"
        return text

    def to_data(self) -> dict[str, Any]:
        """The plain-data form (``{"interaction": ..., "at_least": ..., ...}``)."""
        data: dict[str, Any] = {"interaction": self.kinds[0] if len(self.kinds) == 1 else list(self.kinds)}
        if self.at_least != 1:
            data["at_least"] = self.at_least
        if self.within is not None:
            data["within"] = format_duration(self.within)
        if self.channel is not None:
            data["channel"] = self.channel
        return data

    def compile(self) -> Test:
        """The compiled test: counts matching interactions, stopping at ``at_least``."""
        kinds = frozenset(self.kinds)
        needed, channel = self.at_least, self.channel
        window = self.within.total_seconds() if self.within is not None else None

        def test(lead: Lead, now: float) -> bool:
            start = -float("inf") if window is None else now - window
            count = 0
            for interaction in lead.interactions:  # sorted by time
                at = interaction._epoch
                if at > now:
                    break
                if at >= start and interaction.kind in kinds and (channel is None or interaction.channel == channel):
                    count += 1
                    if count >= needed:
                        return True
            return False

        return test


@attrs.frozen
class _Combination:
    """What `AllOf` and `AnyOf` share: a list of conditions joined by one word."""

    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions, validator=_check_conditions)
    """The conditions combined."""

    _KEY: ClassVar[str]
    _WORD: ClassVar[str]
    _REDUCE: ClassVar[Callable[[Iterable[bool]], bool]]

    def describe(self) -> str:
        """The condition in words."""
        return "(" + f" {self._WORD} ".join(c.describe() for c in self.conditions) + ")"

    def to_data(self) -> dict[str, Any]:
        """The plain-data form (``{"all": [...]}`` or ``{"any": [...]}``)."""
        return {self._KEY: [c.to_data() for c in self.conditions]}

    def compile(self) -> Test:
        """The compiled test, stopping as soon as the outcome is known."""
        tests = tuple(c.compile() for c in self.conditions)
        reduce = type(self)._REDUCE
        return lambda lead, now: reduce(test(lead, now) for test in tests)


@attrs.frozen
class AllOf(_Combination):
    """Every condition holds.

    Examples:
        >>> AllOf([{"field": "source", "eq": "event"}, {"field": "company.employees", "gte": 50}]).describe()
        "(source = 'event' and company.employees >= 50)"
    """

    _KEY = "all"
    _WORD = "and"
    _REDUCE = all


@attrs.frozen
class AnyOf(_Combination):
    """At least one condition holds.

    Examples:
        >>> AnyOf([{"field": "source", "eq": "event"}, {"field": "source", "eq": "chat"}]).describe()
        "(source = 'event' or source = 'chat')"
    """

    _KEY = "any"
    _WORD = "or"
    _REDUCE = any


@attrs.frozen
class Not:
    """The condition does not hold.

    A missing field makes the inner condition false, so ``not`` of it is true:
    ``{"not": {"field": "contact.title", "contains": "student"}}`` matches a
    lead without a title. Add ``exists`` alongside when that matters.

    Examples:
        >>> Not({"field": "contact.title", "contains": "student"}).describe()
        "not contact.title contains 'student'"
    """

    condition: Condition = attrs.field(converter=_as_condition, validator=_check_condition)
    """The condition negated."""

    def describe(self) -> str:
        """The condition in words."""
        return f"not {self.condition.describe()}"

    def to_data(self) -> dict[str, Any]:
        """The plain-data form (``{"not": {...}}``)."""
        return {"not": self.condition.to_data()}

    def compile(self) -> Test:
        """The compiled test."""
        test = self.condition.compile()
        return lambda lead, now: not test(lead, now)


_FORMS = ("field", "interaction", "all", "any", "not")
_INTERACTION_KEYS = ("interaction", "at_least", "within", "channel")


def parse_condition(data: object, path: Sequence[PathPart] = ()) -> Condition:
    """Build a condition from its plain-data form (see the module docs).

    Examples:
        >>> parse_condition({"any": [{"field": "bant.need", "eq": "yes"}, {"interaction": "demo_request"}]}).describe()
        "(bant.need = 'yes' or demo_request)"

    Raises:
        ConfigError: naming the path of what is wrong (prefixed by ``path``),
            with the closest valid key or operator for a misspelt one.
    """
    return _nested(data, path, 0)


def _nested(data: object, path: Sequence[PathPart], depth: int) -> Condition:
    """`_parse` of a condition ``depth`` levels of all/any/not down, its errors prefixed by ``path``."""
    try:
        return _parse(data, depth)
    except ConfigError as exc:
        raise exc.within(*path) from None


def _parse(data: object, depth: int) -> Condition:
    """`parse_condition` with every error path relative to ``data``."""
    if depth > MAX_DEPTH:  # a YAML alias can even make a condition contain itself
        raise _error((), f"conditions nested at most {MAX_DEPTH} levels deep", reason="nested too deeply")
    if not isinstance(data, Mapping):
        raise _error((), "a condition: a mapping with one of the keys " + ", ".join(_FORMS), data)
    keys = [k for k in data if k in _FORMS]
    if len(keys) != 1:
        if keys:
            raise _error((), "exactly one of " + ", ".join(_FORMS), sorted(keys), reason="ambiguous condition")
        unknown = next(iter(data), None)
        if unknown in OPERATORS:  # an operator is no typo of itself: the field is what is missing
            raise _error(
                (), f"a field to compare, as in {{'field': 'source', {unknown!r}: ...}}", dict(data), reason="no field"
            )
        hint = suggest(unknown, (*_FORMS, *OPERATORS))
        raise _error(
            (unknown,) if isinstance(unknown, str) else (),
            "a condition with one of the keys " + ", ".join(_FORMS),
            dict(data),
            reason=f"not a condition{hint}",
        )
    form = keys[0]
    if form == "field":
        return _parse_field(data)
    if form == "interaction":
        _only(data, _INTERACTION_KEYS)
        return InteractionCondition(
            kinds=data["interaction"],
            at_least=data.get("at_least", 1),
            within=data.get("within"),
            channel=data.get("channel"),
        )
    _only(data, (form,))
    inner = data[form]
    if form == "not":
        return Not(_nested(inner, ("not",), depth + 1))
    if not isinstance(inner, list) or not inner:
        raise _error((form,), "a non-empty list of conditions", inner)
    items = tuple(_nested(item, (form, i), depth + 1) for i, item in enumerate(inner))
    return AllOf(items) if form == "all" else AnyOf(items)


def _only(data: Mapping[Any, Any], allowed: Sequence[str]) -> None:
    for key in data:
        if key not in allowed:
            raise _error(
                (key,) if isinstance(key, str) else (),
                "only the keys " + ", ".join(allowed),
                key,
                reason="unknown key" + suggest(key, allowed),
            )


def _parse_field(data: Mapping[Any, Any]) -> FieldCondition:
    path = _check_path(data["field"], ("field",))
    ops = [k for k in data if k != "field"]
    if len(ops) != 1:
        if not ops:
            raise _error((), "an operator: one of " + ", ".join(OPERATORS), dict(data), reason="no operator")
        raise _error((), "exactly one operator", sorted(map(str, ops)), reason="several operators")
    op = ops[0]
    if op not in OPERATORS:
        raise _error(
            (op,) if isinstance(op, str) else (),
            "one of " + ", ".join(OPERATORS),
            op,
            reason=f"unknown operator {op!r}" + suggest(op, OPERATORS),
        )
    value = data[op]
    return FieldCondition(path, op, tuple(value) if isinstance(value, list) else value)


def field_reader(path: str, where: Sequence[PathPart] = ()) -> Callable[[Lead], Any]:
    """A function reading a field path (as rules name them) from a lead; ``None`` when absent.

    Raises:
        ConfigError: for a path rules cannot name, at ``where``.
    """
    return _getter(_check_path(path, where))
