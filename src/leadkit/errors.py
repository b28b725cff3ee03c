"""The exceptions leadkit raises on purpose.

Every error leadkit raises deliberately derives from `LeadkitError`, so
``except leadkit.LeadkitError`` catches all of them. Leaves also subclass the
nearest builtin (``ValidationError`` is a ``ValueError``), so code written
against builtins keeps working.

Errors about user data carry `Problem` records: *where* (a field path
such as ``leads[3].company.employees`` and, for YAML, a line), *what* was
expected and *what* was found. The message is built from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import attrs

__all__ = [
    "CompileError",
    "ConfigError",
    "LeadkitError",
    "MissingExtraError",
    "NotFittedError",
    "Problem",
    "TransitionError",
    "ValidationError",
]

PathPart = str | int
"""One step of a field path: a field or key name, or a list index."""

_E = TypeVar("_E", bound="_ProblemsError")

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MAX_GOT = 80


def format_path(path: Sequence[PathPart]) -> str:
    """Render a path as ``leads[3].company.employees``.

    Names that are not identifiers are quoted (``attributes["utm source"]``)
    so the rendered path is unambiguous.
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{part!r}]".replace("'", '"'))
    return "".join(out) or "<document>"


def describe(value: object) -> str:
    """A short, safe ``repr`` of a value for an error message."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        # an int with more digits than str() converts, or an object whose __repr__ fails
        text = f"<int of {value.bit_length()} bits>" if isinstance(value, int) else f"<{type(value).__name__} object>"
    if len(text) > _MAX_GOT:
        text = text[: _MAX_GOT - 3] + "..."
    return text


def describe_path(path: object) -> str:
    r"""A file path for a message: whole (never cut short, so the file name survives), and writable.

    A file name that is not valid UTF-8 reaches Python as lone surrogates, which a UTF-8 stream
    refuses to write: they are shown as escapes (``\udcff``).
    """
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def _as_path(parts: Iterable[Any]) -> tuple[PathPart, ...]:
    # A document's keys need not be text (YAML's ``null: x`` or ``true: x``): such a key is
    # shown by its repr, as a name, so a path always renders.
    return tuple(
        part if isinstance(part, str) or (isinstance(part, int) and not isinstance(part, bool)) else repr(part)
        for part in parts
    )


@attrs.frozen
class Problem:
    """One thing wrong with one place in the input.

    Examples:
        >>> str(Problem(path=("company", "employees"), expected="a non-negative integer", got="-5"))
        'company.employees: expected a non-negative integer (got -5)'
    """

    path: tuple[PathPart, ...] = attrs.field(converter=_as_path)
    """Where: field names and list indices from the root of the input."""
    expected: str
    """What a valid value looks like, in words."""
    got: str | None = None
    """A short ``repr`` of what was found (``None`` when nothing was there)."""
    reason: str | None = None
    """What was wrong when "expected" alone does not say it (``unknown field``)."""
    line: int | None = None
    """1-based line in the source file, when known (YAML documents, JSON Lines, syntax errors)."""

    @property
    def location(self) -> str:
        """The rendered path, with the line when known."""
        where = format_path(self.path)
        return f"{where} (line {self.line})" if self.line is not None else where

    def within(self, *prefix: PathPart) -> Problem:
        """The same problem, seen from an enclosing document."""
        return attrs.evolve(self, path=(*prefix, *self.path))

    def __str__(self) -> str:
        head = f"{self.location}: "
        if self.reason:
            head += f"{self.reason}; "
        tail = f" (got {self.got})" if self.got is not None else ""
        return f"{head}expected {self.expected}{tail}"


class LeadkitError(Exception):
    """Root of every error leadkit raises on purpose."""


class _ProblemsError(LeadkitError):
    """An error made of one or more `Problem` records."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            msg = f"{type(self).__name__} needs at least one Problem"
            raise ValueError(msg)
        super().__init__(self._message())

    @classmethod
    def at(
        cls: type[_E],
        path: Sequence[PathPart],
        expected: str,
        got: object = attrs.NOTHING,
        *,
        reason: str | None = None,
        line: int | None = None,
    ) -> _E:
        """Build an error with a single problem; ``got`` is described safely."""
        shown = None if got is attrs.NOTHING else describe(got)
        return cls([Problem(tuple(path), expected, shown, reason, line)])

    def _message(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    # The first problem's details, for the common single-problem case.
    @property
    def path(self) -> str:
        """The rendered path of the first problem (``leads[3].company.employees``)."""
        return format_path(self.problems[0].path)

    @property
    def expected(self) -> str:
        """What the first problem expected."""
        return self.problems[0].expected

    @property
    def got(self) -> str | None:
        """What the first problem found, as a short ``repr``."""
        return self.problems[0].got

    @property
    def line(self) -> int | None:
        """The source line of the first problem, when known."""
        return self.problems[0].line

    def within(self: _E, *prefix: PathPart) -> _E:
        """The same error with every path prefixed (``leads``, ``3`` …)."""
        return type(self)(p.within(*prefix) for p in self.problems)

    def __reduce__(self) -> tuple[type[_ProblemsError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


class ValidationError(_ProblemsError, ValueError):
    """Data does not describe a valid leadkit object.

    Raised by every constructor and loader. ``problems`` lists everything
    found, each with its field path and what was expected.

    Examples:
        >>> from leadkit import Company
        >>> Company(employees=-5)
        Traceback (most recent call last):
        ...
        leadkit.errors.ValidationError: employees: expected a non-negative integer (got -5)
    """


class ConfigError(_ProblemsError, ValueError):
    """A configuration document is invalid.

    The counterpart of `ValidationError` for documents that configure leadkit
    rather than describe leads, such as scoring models and pipelines; it carries
    the same `Problem` records.
    """


class TransitionError(LeadkitError, ValueError):
    """A lead cannot make the stage change asked for, or its stage history is not one a pipeline allows.

    The message says what was asked, why it was refused and what is allowed
    instead; the same facts are attributes for programs. A refused change
    changes nothing: leads are immutable, and no new lead is returned.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from leadkit import Lead, default_pipeline
        >>> t = datetime(2026, 11, 2, tzinfo=timezone.utc)
        >>> lead = default_pipeline().advance(Lead(id="L-1", created_at=t), "inquiry", at=t)
        >>> default_pipeline().advance(lead, "sql", at=t)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        leadkit.errors.TransitionError: lead 'L-1': inquiry -> sql is not a move of pipeline 'default'; ...
    """

    def __init__(
        self,
        message: str,
        *,
        lead_id: str | None = None,
        current: str | None = None,
        target: str | None = None,
        allowed: tuple[str, ...] = (),
        reasons: tuple[str, ...] = (),
        index: int | None = None,
    ) -> None:
        self.lead_id = lead_id
        """The lead's id."""
        self.current = current
        """The stage the lead is in (``None`` before it enters the pipeline)."""
        self.target = target
        """The stage asked for."""
        self.allowed = allowed
        """The stages the lead may move to from ``current``."""
        self.reasons = reasons
        """Why a guard refused the move, or what else was wrong, in words."""
        self.index = index
        """For a refused history: the index of the first bad change."""
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        state = {k: getattr(self, k) for k in ("lead_id", "current", "target", "allowed", "reasons", "index")}
        return (_rebuild_transition_error, (str(self), state))


def _rebuild_transition_error(message: str, state: dict[str, Any]) -> TransitionError:
    return TransitionError(message, **state)


class NotFittedError(LeadkitError, ValueError, AttributeError):
    """A fitted scorer was used before ``fit``: call ``scorer.fit(leads, outcomes)`` and use what it returns.

    Also a ``ValueError`` and an ``AttributeError``, as scikit-learn's is.
    """


class CompileError(LeadkitError, TypeError):
    """A scorer cannot run on a dataframe or in SQL.

    The message names the scorer and says what would make it compile: the
    ``frame_expr`` hook (see `leadkit.frames.FrameScorer`).
    """


class MissingExtraError(LeadkitError, ImportError):
    """An optional dependency is needed but not installed.

    The message names the extra to install, e.g. ``pip install 'leadkit[testing]'``.
    """

    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.feature = feature
        self.extra = extra
        self.module = module
        msg = (
            f"{feature} needs the optional dependency {module!r}, which is not installed; "
            f"install it with: pip install 'leadkit[{extra}]'"
        )
        super().__init__(msg)

    def __reduce__(self) -> tuple[type[MissingExtraError], tuple[str, str, str]]:
        return (type(self), (self.feature, self.extra, self.module))


def suggest(word: object, options: Sequence[str]) -> str:
    """A "did you mean" hint naming the closest of ``options``, or nothing (for messages)."""
    if not isinstance(word, str):
        return ""
    # difflib's ratio is at most 2 * shorter / (both lengths): below the 0.6 cutoff when the word is
    # over 7/3 times as long as every option. Skipping those spares long input difflib's slow work.
    if 3 * len(word) > 7 * max((len(option) for option in options), default=0):
        return ""
    import difflib

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def require(module: str, *, feature: str, extra: str) -> object:
    """Import an optional dependency or raise `MissingExtraError`."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(feature, extra, module) from exc
