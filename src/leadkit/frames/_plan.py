"""A scoring model compiled, once, into engine-neutral expressions (see `_ir`).

The object path's semantics, restated for whole columns:

* a field that is missing (null, NaN, blank text) never matches; text is
  compared stripped and lower-cased; numbers only with numbers;
* interactions count only at or before ``as_of``; windows, frequency periods
  and decay use the same floating-point operations as the object path, on
  POSIX seconds computed from microseconds exactly as `datetime.timestamp`
  does (``us / 1e6``, correctly rounded);
* sums whose terms are few and known (a persona's dimensions) are
  precomputed with ``math.fsum`` for every combination, so they are exact;
  other sums (rules, checklists, the weighted total) add left to right, exact
  for whole or binary-fraction points and within float rounding otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

import attrs

from leadkit.errors import CompileError
from leadkit.frames._ir import FALSE, TRUE, Col, Fn, Lit, Node, add, and_, compare, fn, not_, or_, when
from leadkit.model import CriterionStatus
from leadkit.scoring.base import Scorer
from leadkit.scoring.checklist import ChecklistItem, ChecklistScorer
from leadkit.scoring.conditions import (
    MAX_MATCH_LENGTH,
    AllOf,
    AnyOf,
    Condition,
    FieldCondition,
    InteractionCondition,
    Not,
    _skip_class,
)
from leadkit.scoring.engagement import PERIOD_ANCHOR, EngagementScorer
from leadkit.scoring.fit import BestPersonaFitScorer, PersonaFitScorer
from leadkit.scoring.qualify import _BANDS, GRADES, ScoringModel
from leadkit.scoring.rules import RuleScorer

__all__ = ["Category", "EngagementPlan", "Plan", "Schema", "compile_plan", "layers", "result_columns"]

Category = Literal["text", "number", "bool"]
"""How a column's values compare: as text, as numbers or as booleans."""

STATUSES = tuple(s.value for s in CriterionStatus)
"""The criterion statuses, as text."""
_WORD = "0-9A-Za-z_"
_LN2 = math.log(2.0)
_EPOCH_ANCHOR_US = (PERIOD_ANCHOR - datetime(1970, 1, 1, tzinfo=PERIOD_ANCHOR.tzinfo)) // timedelta(microseconds=1)


@attrs.frozen
class Schema:
    """What the tables hold, as the compiler needs to know it."""

    fields: Mapping[str, Category]
    """Lead field path -> how its column compares (only the fields the table has)."""
    properties: tuple[str, ...] = ()
    """Text properties of the interactions table (``properties.<key>`` columns)."""
    interactions: bool = False
    """Whether there is an interactions table."""
    channel: bool = False
    """Whether the interactions table has a channel column."""


@attrs.frozen
class EngagementPlan:
    """An engagement scorer's decayed sum, computed by grouping interactions."""

    column: str
    """The per-lead aggregate column it fills."""
    signals: tuple[tuple[str, float, float, int | None, int | None], ...]
    """(kind, points, half-life in seconds, limit, period length in µs) per signal."""
    now: float
    """``as_of`` in POSIX seconds."""


@attrs.frozen
class Plan:
    """A model compiled for one ``as_of`` and one schema."""

    lead_fields: tuple[str, ...]
    """The lead fields read."""
    counts: tuple[tuple[str, Node], ...]
    """Per-lead aggregates: column -> a 0/1 indicator over interactions, summed per lead."""
    engagements: tuple[EngagementPlan, ...]
    """Per-lead decayed sums."""
    outputs: tuple[tuple[str, Node], ...]
    """Columns computed in order over lead fields, aggregates and earlier outputs."""
    results: tuple[str, ...]
    """The output columns a user sees, in order."""
    hooks: tuple[Scorer, ...] = ()
    """Scorers compiled by their own ``frame_expr`` hook (narwhals only)."""


def result_columns(model: ScoringModel) -> tuple[str, ...]:
    """The columns `score_frame` and `to_sql` add, in order."""
    scores = tuple(f"score_{s.name}" for s in model.scorers)
    qualified = tuple(f"{s.name}_qualified" for s in model._checklists)
    flags = ("fit", "engagement", "total", "grade", "band", "rating", "temperature", "mql", "sales_ready", "persona")
    return (*scores, *flags, *qualified)


class _Compiler:
    def __init__(self, schema: Schema, now: datetime, *, absent: Literal["error", "null"]) -> None:
        self.schema = schema
        self.moment = now
        self.now = now.timestamp()
        self.absent = absent
        self.read: dict[str, None] = {}
        self.counts: dict[Node, str] = {}
        self.missing: list[str] = []
        self.matches: list[tuple[str, Node]] = []

    # --- reading fields ---------------------------------------------------------------------------

    def field(self, path: str) -> tuple[Node, Category | None]:
        category = self.schema.fields.get(path)
        if category is None:
            self.missing.append(path)
            return Lit(None), None
        self.read[path] = None
        return Col(path), category

    def present(self, node: Node, category: Category | None) -> Node:
        if category is None:
            return FALSE
        if category == "text":
            return and_(not_(fn("is_null", node)), compare("ne", fn("strip", node), Lit("")))
        if category == "number":
            return and_(not_(fn("is_null", node)), not_(fn("is_nan", node)))
        return not_(fn("is_null", node))

    def count(self, indicator: Node) -> Node:
        """A per-lead count of interactions meeting ``indicator`` (shared when asked twice)."""
        if not self.schema.interactions:
            return Lit(0)
        name = self.counts.setdefault(indicator, f"__lk_n{len(self.counts)}")
        return Col(name)

    def seen(self) -> Node:
        """Interactions at or before ``as_of``."""
        return compare("le", Col("sec"), Lit(self.now))

    # --- conditions -------------------------------------------------------------------------------

    def condition(self, condition: Condition) -> Node:
        if isinstance(condition, FieldCondition):
            return self.field_condition(condition)
        if isinstance(condition, InteractionCondition):
            return self.interaction_condition(condition)
        if isinstance(condition, AllOf):
            return and_(*(self.condition(c) for c in condition.conditions))
        if isinstance(condition, AnyOf):
            return or_(*(self.condition(c) for c in condition.conditions))
        if isinstance(condition, Not):
            return not_(self.condition(condition.condition))
        message = f"the condition {condition!r} is not one leadkit can compile"
        raise CompileError(message)

    def status(self, node: Node, category: Category | None) -> Node:
        """A checklist status: the column's text when it is a status, else ``unknown``."""
        if category != "text":
            return Lit("unknown")
        norm = fn("lower", fn("strip", node))
        return when([(and_(self.present(node, category), fn("is_in", norm, arg=STATUSES)), norm)], Lit("unknown"))

    def field_condition(self, c: FieldCondition) -> Node:
        node, category = self.field(c.path)
        if c.path.startswith("bant."):
            status = self.status(node, category)
            if c.op in ("exists", "missing"):
                return Lit((c.op == "exists") == c.value)
            return self.compare_values(c.op, c.value, status, "text", TRUE)
        present = self.present(node, category)
        if c.op in ("exists", "missing"):
            return present if (c.op == "exists") == c.value else not_(present)
        return self.compare_values(c.op, c.value, node, category, present)

    def compare_values(  # noqa: PLR0911 - one return per operator
        self, op: str, value: Any, node: Node, category: Category | None, present: Node
    ) -> Node:
        if category is None or present == FALSE:
            return FALSE
        if op in ("eq", "ne", "in", "not_in"):
            values = value if op in ("in", "not_in") else (value,)
            member = self.member(values, node, category)
            return and_(present, member if op in ("eq", "in") else not_(member))
        if op in ("gt", "gte", "lt", "lte", "between"):
            if category != "number":
                return FALSE
            if op == "between":
                low, high = value
                return and_(present, compare("ge", node, Lit(float(low))), compare("le", node, Lit(float(high))))
            symbol = {"gt": "gt", "gte": "ge", "lt": "lt", "lte": "le"}[op]
            return and_(present, compare(symbol, node, Lit(float(value))))
        if op == "contains":
            if category != "text" or not isinstance(value, str):
                return FALSE
            needle = value.strip().casefold()
            return and_(present, fn("contains", fn("lower", node), arg=needle))
        # matches
        text = fn("slice", fn("strip", node), arg=MAX_MATCH_LENGTH)
        return and_(present, fn("regex", text, arg=_insensitive(non_capturing(value)))) if category == "text" else FALSE

    def member(self, values: Sequence[Any], node: Node, category: Category) -> Node:
        if category == "text":
            texts = tuple(dict.fromkeys(v.strip().casefold() for v in values if isinstance(v, str)))
            return fn("is_in", fn("lower", fn("strip", node)), arg=texts) if texts else FALSE
        if category == "bool":
            flags = {v for v in values if isinstance(v, bool)}
            return or_(*(compare("eq", node, Lit(flag)) for flag in sorted(flags)))
        numbers = tuple(
            dict.fromkeys(float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))
        )
        return or_(*(compare("eq", node, Lit(v)) for v in numbers))

    def interaction_condition(self, c: InteractionCondition) -> Node:
        parts = [fn("is_in", Col("kind"), arg=tuple(c.kinds)), self.seen()]
        if c.within is not None:
            parts.append(compare("ge", Col("sec"), Lit(self.now - c.within.total_seconds())))
        if c.channel is not None:
            if not self.schema.channel:
                return FALSE
            parts.append(and_(not_(fn("is_null", Col("channel"))), compare("eq", Col("channel"), Lit(c.channel))))
        return compare("ge", self.count(and_(*parts)), Lit(c.at_least))

    # --- scorers ----------------------------------------------------------------------------------

    def rules(self, scorer: RuleScorer) -> Node:
        terms = [when([(self.condition(rule.when), Lit(float(rule.points)))], Lit(0.0)) for rule in scorer.rules]
        return bounded(add(terms), scorer.floor, scorer.cap)

    def checklist(self, scorer: ChecklistScorer) -> tuple[Node, Node]:
        checklist = scorer.checklist
        total = scorer._total
        terms: list[Node] = []
        met: list[Node] = []
        required: list[Node] = []
        for item in checklist.items:
            status = self.item_status(item)
            yes = compare("eq", status, Lit("yes"))
            full = 100.0 * item.weight * 1.0 / total
            partial = 100.0 * item.weight * checklist.partial_credit / total
            terms.append(when([(yes, Lit(full)), (compare("eq", status, Lit("partial")), Lit(partial))], Lit(0.0)))
            met.append(when([(yes, Lit(1))], Lit(0)))
            if item.required:
                required.append(yes)
        qualified = and_(*required, compare("ge", add(met), Lit(checklist.min_met)))
        return bounded(add(terms), 0.0, 100.0), qualified

    def item_status(self, item: ChecklistItem) -> Node:
        node, category = self.field(item.source)
        return self.status(node, category)

    def persona_fit(self, scorer: PersonaFitScorer) -> Node:
        if not scorer._counted:
            return Lit(100.0)
        matches: list[Node] = []
        for dim, _ in scorer._counted:  # each match computed once, as a column the sum's tree reads
            name = f"__lk_m{len(self.matches)}"
            self.matches.append((name, self.dimension(scorer, dim)))
            matches.append(Col(name))
        points = [p for _, p in scorer._counted]
        return _subset_sums(matches, points, 0, [])

    def dimension(self, scorer: PersonaFitScorer, dim: str) -> Node:  # noqa: PLR0911, PLR0912 - one branch per dimension
        p = scorer.persona
        if dim == "industry":
            node, category = self.field("company.industry")
            folded = tuple(sorted(scorer._industries))
            return self.text_in(node, category, folded, lower=True)
        if dim == "country":
            node, category = self.field("company.country")
            return self.text_in(node, category, tuple(sorted(scorer._countries)), lower=False)
        if dim == "title":
            node, category = self.field("contact.title")
            if category != "text":
                return FALSE
            return and_(self.present(node, category), fn("regex", fn("strip", node), arg=_keywords(p.titles)))
        if dim == "company_size":
            node, category = self.field("company.employees")
            if category != "number":
                return FALSE
            parts = [self.present(node, category)]
            if p.min_employees is not None:
                parts.append(compare("ge", node, Lit(float(p.min_employees))))
            if p.max_employees is not None:
                parts.append(compare("le", node, Lit(float(p.max_employees))))
            return and_(*parts)
        if dim == "channel":
            if not self.schema.channel:
                return FALSE
            channels = tuple(sorted(scorer._channels))
            indicator = and_(self.seen(), fn("is_in", Col("channel"), arg=channels))
            return compare("gt", self.count(indicator), Lit(0))
        # pain points: the text attributes, and the interactions' text properties known at as_of
        pattern = _keywords(p.pain_points)
        found: list[Node] = []
        for path, category in self.schema.fields.items():
            if (path.startswith("attributes.") or path == "bant.need.note") and category == "text":
                self.read[path] = None
                found.append(and_(self.present(Col(path), "text"), fn("regex", Col(path), arg=pattern)))
        said = [and_(self.present(Col(k), "text"), fn("regex", Col(k), arg=pattern)) for k in self.schema.properties]
        if said:
            found.append(compare("gt", self.count(and_(self.seen(), or_(*said))), Lit(0)))
        return or_(*found)

    def text_in(self, node: Node, category: Category | None, values: tuple[str, ...], *, lower: bool) -> Node:
        if category != "text" or not values:
            return FALSE
        norm = fn("lower" if lower else "upper", fn("strip", node))
        return and_(self.present(node, category), fn("is_in", norm, arg=values))

    def engagement(self, scorer: EngagementScorer, index: int) -> tuple[Node, EngagementPlan | None]:
        if not self.schema.interactions:
            return bounded(Lit(0.0), scorer.floor, scorer.cap), None
        column = f"__lk_e{index}"
        signals = tuple(
            (
                kind,
                rule.points,
                rule.half_life,
                rule.limit,
                None if rule.window is None else rule.window // timedelta(microseconds=1),
            )
            for kind, rule in scorer._rules.items()
        )
        plan = EngagementPlan(column, signals, self.now)
        return bounded(fn("fill_null", Col(column), Lit(0.0)), scorer.floor, scorer.cap), plan


def bounded(raw: Node, floor: float | None, cap: float | None) -> Node:
    """``raw`` kept within ``[floor, cap]``, as `Score.bounded` does."""
    cases = []
    if floor is not None:
        cases.append((compare("lt", raw, Lit(float(floor))), Lit(float(floor))))
    if cap is not None:
        cases.append((compare("gt", raw, Lit(float(cap))), Lit(float(cap))))
    return when(cases, raw)


def _subset_sums(matches: list[Node], points: list[float], i: int, chosen: list[float]) -> Node:
    """The fsum of the points of the dimensions that match, as a decision tree (exact, 2**k leaves)."""
    if i == len(matches):
        return Lit(math.fsum(chosen) if chosen else 0.0)
    hit = _subset_sums(matches, points, i + 1, [*chosen, points[i]])
    miss = _subset_sums(matches, points, i + 1, [*chosen, 0.0])
    return when([(matches[i], hit)], miss)


def non_capturing(pattern: str) -> str:
    """``pattern`` with its groups made non-capturing (the same matches; pandas warns about groups).

    Patterns were checked by `regex_problem`: no backreferences, so no group is referred to.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if c == "[":
            end = _skip_class(pattern, i)
            out.append(pattern[i:end])
            i = end
            continue
        out.append("(?:" if c == "(" and not pattern.startswith("(?", i) else c)
        i += 1
    return "".join(out)


def _insensitive(pattern: str) -> str:
    """``pattern`` made case-insensitive by an inline flag, merged with its own leading flags."""
    flags = re.match(r"\(\?([a-zA-Z]+)\)", pattern)
    if flags:
        return f"(?i{flags[1]})" + pattern[flags.end() :]
    return "(?i)" + pattern


def _keywords(words: Sequence[str]) -> str:
    """The portable form of `leadkit.scoring.fit`'s keyword pattern (no lookaround)."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return rf"(?i)(?:^|[^{_WORD}])(?:{'|'.join(map(re.escape, ordered))})(?:[^{_WORD}]|$)"


def compile_plan(  # noqa: PLR0912, PLR0915 - one branch per kind of scorer
    model: ScoringModel,
    schema: Schema,
    *,
    as_of: datetime,
    absent: Literal["error", "null"] = "error",
    hook: Callable[[Scorer], bool] = lambda _: False,
) -> tuple[Plan, tuple[str, ...]]:
    """Compile ``model`` for ``schema`` at ``as_of``; also return the lead fields the table lacks."""
    c = _Compiler(schema, as_of, absent=absent)
    outputs: list[tuple[str, Node]] = []
    engagements: list[EngagementPlan] = []
    hooks: list[Scorer] = []
    persona: Node = Lit(None)
    fit_values: list[Node] = []
    engagement_values: list[Node] = []
    values: list[Node] = []
    for index, (scorer, weight, side) in enumerate(model._plan):
        column = f"score_{scorer.name}"
        value: Node
        matched: Node | None = None
        if isinstance(scorer, RuleScorer):
            value = c.rules(scorer)
        elif isinstance(scorer, EngagementScorer):
            value, decayed = c.engagement(scorer, index)
            if decayed is not None:
                engagements.append(decayed)
        elif isinstance(scorer, ChecklistScorer):
            value, qualified = c.checklist(scorer)
            outputs.append((f"{scorer.name}_qualified", qualified))
        elif isinstance(scorer, PersonaFitScorer):
            value = c.persona_fit(scorer)
            matched = Lit(scorer.persona.name)
        elif isinstance(scorer, BestPersonaFitScorer):
            fits = [c.persona_fit(s) for s in scorer._scorers]
            names = [f"{column}__{i}" for i in range(len(fits))]
            outputs.extend(zip(names, fits, strict=True))
            value = fn("greatest", *(Col(n) for n in names)) if len(names) > 1 else Col(names[0])
            matched = when(
                [
                    (compare("eq", Col(n), Col(column)), Lit(s.persona.name))
                    for n, s in zip(names, scorer._scorers, strict=True)
                ],
                Lit(scorer._scorers[-1].persona.name),
            )
        elif hook(scorer):
            hooks.append(scorer)
            value = Col(column)
        else:
            message = (
                f"the scorer {scorer.name!r} ({type(scorer).__module__}.{type(scorer).__qualname__}) cannot be "
                "compiled: give its class a frame_expr(field, *, as_of) method returning a narwhals expression "
                "(see leadkit.frames.FrameScorer), or score those leads as objects with score_many"
            )
            raise CompileError(message)
        if not (isinstance(value, Col) and value.name == column):
            outputs.append((column, value))
        if matched is not None and side == "fit" and persona == Lit(None):
            persona = matched
        weighted = fn("mul", Col(column), Lit(weight)) if weight != 1.0 else Col(column)
        values.append(weighted)
        if side == "fit":
            fit_values.append(weighted)
        elif side == "engagement":
            engagement_values.append(weighted)
    outputs[:0] = c.matches
    fit, engagement, total = Col("fit"), Col("engagement"), Col("total")
    grade = _level(fit, model.grades, GRADES)
    band = _level(engagement, model.bands, _BANDS)
    hot, warm = model.temperature
    temperature = when(
        [(compare("ge", engagement, Lit(hot)), Lit("hot")), (compare("ge", engagement, Lit(warm)), Lit("warm"))],
        Lit("cold"),
    )
    outputs += [
        ("fit", add(fit_values)),
        ("engagement", add(engagement_values)),
        ("total", add(values)),
        ("grade", grade),
        ("band", band),
        ("rating", fn("concat", Col("grade"), fn("cast_text", Col("band")))),
        ("temperature", temperature),
        ("mql", and_(compare("ge", total, Lit(model.mql_total)), fn("is_in", Col("grade"), arg=model.mql_grades))),
        ("sales_ready", _hand_raised(c, model)),
        ("persona", persona),
    ]
    results = result_columns(model)
    counts = tuple((name, indicator) for indicator, name in c.counts.items())
    plan = Plan(tuple(c.read), counts, tuple(engagements), tuple(outputs), results, tuple(hooks))
    return plan, tuple(dict.fromkeys(c.missing))


def _hand_raised(c: _Compiler, model: ScoringModel) -> Node:
    if not c.schema.interactions or not model.hand_raisers:
        return FALSE
    parts = [fn("is_in", Col("kind"), arg=tuple(model.hand_raisers)), c.seen()]
    if model.hand_raiser_window is not None:
        parts.append(compare("ge", Col("sec"), Lit((c.moment - model.hand_raiser_window).timestamp())))
    return compare("gt", c.count(and_(*parts)), Lit(0))


def _level(value: Node, thresholds: Sequence[float], levels: Sequence[Any]) -> Node:
    cases = [(compare("ge", value, Lit(float(t))), Lit(level)) for t, level in zip(thresholds, levels, strict=False)]
    return when(cases, Lit(levels[-1]))


def period_expr(us: Node, window_us: Node) -> Node:
    """The index of the frequency period holding a time given in µs (exact; see the module docs).

    ``window_us`` is the period's length in µs, as a float literal or a column holding it.
    """
    return fn("floor", fn("div", fn("sub", us, Lit(_EPOCH_ANCHOR_US)), window_us))


def decay_rate(half_life: float) -> float:
    """``ln 2 / half_life``: the decay per second of a half-life in seconds."""
    return _LN2 / half_life


def decay_expr(sec: Node, now: float, rate: Node) -> Node:
    """``2 ** (-(now - sec) / half_life)`` as ``exp((sec - now) * rate)`` (``2 ** x`` is not portable SQL).

    ``rate`` is `decay_rate` of the half-life, as a literal or a column holding it.
    """
    return fn("exp", fn("mul", fn("sub", sec, Lit(now)), rate))


def layers(outputs: tuple[tuple[str, Node], ...]) -> list[list[tuple[str, Node]]]:
    """Outputs grouped so that each only reads outputs of earlier groups."""
    depth: dict[str, int] = {}

    def refs(node: Node) -> int:
        if isinstance(node, Col):
            return depth[node.name] + 1 if node.name in depth else 0
        if isinstance(node, Fn):
            return max((refs(a) for a in node.args), default=0)
        return 0

    layers: list[list[tuple[str, Node]]] = []
    for name, node in outputs:
        level = refs(node)
        depth[name] = level
        while len(layers) <= level:
            layers.append([])
        layers[level].append((name, node))
    return layers
