"""attrs converters and validators shared by the model classes.

Converters only normalise values of the right type and pass anything else
through unchanged; validators then reject what is wrong with a
`leadkit.ValidationError` naming the field. So a bad value is reported
the same way whether it came from a constructor call or from ``from_dict``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any, NoReturn

import attrs

from leadkit.errors import PathPart, ValidationError

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def clean_text(value: Any) -> Any:
    """Strip text; blank text means "not given" and becomes ``None``."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def as_tuple(value: Any) -> Any:
    """Lists become tuples (so a bad item can be reported by its index); the rest is left to the validator."""
    return tuple(value) if isinstance(value, list) else value


def clean_label(value: Any) -> Any:
    """Strip and lower-case a label (channel, kind)."""
    if isinstance(value, str):
        return value.strip().lower() or None
    return value


def normalized(value: Any, normalize: Callable[[str], str], is_valid: Callable[[str], bool]) -> Any:
    """Normalise text only when the result is valid (the body of a converter).

    Blank text becomes ``None``; invalid text is kept exactly as written, so
    the validator's message shows the user what they wrote, not a rewrite.
    """
    if not isinstance(value, str):
        return value
    result = normalize(value)
    if not result:
        return None
    return result if is_valid(result) else value


def clean_text_list(value: Any, case: Callable[[str], str] | None = None) -> Any:
    """Strip each item of a list of text (and change its case), dropping repeats, keeping order.

    A list holding something other than text becomes a tuple as it is, for
    the validator to report the offending item by its index.
    """
    if not isinstance(value, (list, tuple)):
        return value
    if not all(isinstance(v, str) for v in value):
        return tuple(value)
    return tuple(dict.fromkeys(case(v.strip()) if case else v.strip() for v in value))


def fail(attribute: attrs.Attribute[Any], expected: str, value: Any, *, reason: str | None = None) -> NoReturn:
    """Raise a `ValidationError` located at the attribute."""
    raise ValidationError.at((attribute.name,), expected, value, reason=reason)


UNICODE_EXPECTED = "text without lone surrogates such as \\ud800 (UTF-8 cannot encode them)"
"""What `is_unicode` asks for, in words."""


def is_unicode(value: str) -> bool:
    """True unless the text holds a lone surrogate, which cannot be written as UTF-8 (JSON can carry one)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unicode(attribute: attrs.Attribute[Any], value: str, path: tuple[PathPart, ...] | None = None) -> None:
    if not is_unicode(value):
        raise ValidationError.at(path or (attribute.name,), UNICODE_EXPECTED, value, reason="invalid Unicode")


def text(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Required, non-blank text."""
    if not isinstance(value, str) or not value.strip():
        fail(attribute, "non-empty text", value)
    _unicode(attribute, value)


def boolean(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """True or false (not 0 or 1)."""
    if not isinstance(value, bool):
        fail(attribute, "true or false", value)


def instance(kind: type, expected: str | None = None) -> Validator:
    """A value of ``kind`` (described as ``expected``, by default "a <Kind>")."""
    described = expected or f"a {kind.__name__}"

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            fail(attribute, described, value)

    return check


def optional_text(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        fail(attribute, "text or null", value)
    _unicode(attribute, value)


def text_list(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A list of non-empty text items (a bare string is refused)."""
    if not isinstance(value, tuple):
        fail(attribute, "a list of text", value)
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise ValidationError.at((attribute.name, i), "non-empty text", item)
        _unicode(attribute, item, (attribute.name, i))


def is_aware(value: datetime) -> bool:
    """True when a datetime carries a UTC offset."""
    return value.tzinfo is not None and value.utcoffset() is not None


def aware_datetime(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A timezone-aware `datetime.datetime`."""
    if not isinstance(value, datetime):
        fail(attribute, "a timezone-aware datetime", value)
    if not is_aware(value):
        fail(
            attribute,
            "a timezone-aware datetime (e.g. 2024-05-01T09:30:00+00:00)",
            value,
            reason="naive datetime",
        )


def non_negative_int(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        fail(attribute, "a non-negative integer", value)
    if not is_finite_number(value):  # no count is that large; past 4300 digits it cannot even be written as text
        fail(attribute, "a non-negative integer", value, reason="too large")


def is_finite_number(value: Any) -> bool:
    """An int or float (not a bool) that is finite; an int too large for any float is not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def finite_number(*, minimum: float | None = None, optional: bool = True) -> Validator:
    """A finite int or float, at least ``minimum`` when given; ``None`` too when ``optional``."""
    expected = "a finite number" if minimum is None else f"a finite number >= {minimum:g}"

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not is_finite_number(value) or (minimum is not None and value < minimum):
            fail(attribute, expected, value)

    return check


def items(kind: type, *, non_empty: bool = False, noun: str | None = None, item: str | None = None) -> Validator:
    """A list (tuple) whose every item is a ``kind`` (a class or a runtime-checkable protocol).

    ``noun`` names the items in the list's message (default: the kind's name),
    ``item`` describes one item (default: "a <Kind>").
    """
    described = f"a {'non-empty ' if non_empty else ''}list of {noun or kind.__name__}"
    one = item or f"a {kind.__name__}"

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple) or (non_empty and not value):
            fail(attribute, described, value)
        for i, found in enumerate(value):
            if not isinstance(found, kind):
                raise ValidationError.at((attribute.name, i), one, found)

    return check


def aware(value: object, name: str) -> datetime:
    """``value`` if it is a timezone-aware datetime; a `ValidationError` at ``name`` otherwise."""
    if not isinstance(value, datetime):
        raise ValidationError.at((name,), "a timezone-aware datetime", value)
    if not is_aware(value):
        raise ValidationError.at((name,), "a timezone-aware datetime", value, reason="naive datetime")
    return value


def named_items(kind: type, *, non_empty: bool = False) -> Validator:
    """A list (tuple) of ``kind`` whose ``name`` attributes are all different."""
    name = kind.__name__
    expected = f"a non-empty list of {name}" if non_empty else f"a list of {name}"

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple) or (non_empty and not value):
            fail(attribute, expected, value)
        seen: set[str] = set()
        for i, item in enumerate(value):
            if not isinstance(item, kind):
                raise ValidationError.at((attribute.name, i), f"a {name}", item)
            item_name: str = getattr(item, "name")  # noqa: B009 - every kind given here has a name
            if item_name in seen:
                raise ValidationError.at((attribute.name, i, "name"), f"a name no other {name} uses", item_name)
            seen.add(item_name)

    return check
