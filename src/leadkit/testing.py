"""Hypothesis strategies for property tests of code built on leadkit.

Needs the ``testing`` extra (``pip install 'leadkit[testing]'``). Every
strategy yields *valid* objects, already normalised, so
``Lead.from_dict(lead.to_dict()) == lead`` holds for everything drawn. Each
takes keyword-only arguments, and where a part can vary it accepts another
strategy, so you can narrow what is drawn:

Examples:
    >>> from hypothesis import given
    >>> from leadkit import InteractionKind
    >>> from leadkit.testing import interactions, leads
    >>> demo_leads = leads(interactions=interactions(kinds=[InteractionKind.DEMO_REQUEST]), min_interactions=1)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, cast

from leadkit._normalize import ISO_COUNTRIES
from leadkit.errors import require
from leadkit.model import (
    BANT,
    Company,
    Contact,
    Criterion,
    CriterionStatus,
    Interaction,
    InteractionKind,
    Lead,
    Persona,
    StageChange,
)

require("hypothesis", feature="leadkit.testing", extra="testing")

import math  # noqa: E402
import pickle  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402 - after the friendly import check

from leadkit.errors import ValidationError  # noqa: E402
from leadkit.scoring import (  # noqa: E402
    FIELD_PATHS,
    OPERATORS,
    AllOf,
    AnyOf,
    BANTScorer,
    Condition,
    EngagementScorer,
    FieldCondition,
    InteractionCondition,
    Not,
    PersonaFitScorer,
    Rule,
    RuleScorer,
    Score,
    Scorer,
    ScoringModel,
)
from leadkit.scoring.qualify import GRADES, Temperature  # noqa: E402
from leadkit.stages import (  # noqa: E402
    AllGuards,
    AnyGuard,
    AutoMove,
    BantQualified,
    Contactable,
    Guard,
    IsMQL,
    MaxTemperature,
    MinGrade,
    MinScore,
    MinTemperature,
    NotGuard,
    Pipeline,
    QuietFor,
    SalesReady,
    ScoreBelow,
    Stage,
    StatusIn,
    Transition,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "aware_datetimes",
    "bants",
    "check_scorer",
    "companies",
    "conditions",
    "contacts",
    "criteria",
    "emails",
    "guards",
    "histories",
    "interactions",
    "json_values",
    "leads",
    "personas",
    "phones",
    "pipelines",
    "rules",
    "scoring_models",
    "texts",
]

_MIN_TIME = datetime(2000, 1, 1)
_MAX_TIME = datetime(2100, 1, 1)
_COUNTRIES = sorted(ISO_COUNTRIES)
_LABEL_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"


def texts(*, min_size: int = 1, max_size: int = 40) -> SearchStrategy[str]:
    """Non-blank text without surrounding whitespace, any Unicode (as stored after normalising)."""
    return (
        st.text(st.characters(codec="utf-8"), min_size=min_size, max_size=max_size)  # no lone surrogates
        .map(str.strip)
        .filter(bool)
    )


def _labels() -> SearchStrategy[str]:
    return st.text(_LABEL_ALPHABET, min_size=1, max_size=20).filter(lambda s: s[0] != "_")


def aware_datetimes(*, min_value: datetime = _MIN_TIME, max_value: datetime = _MAX_TIME) -> SearchStrategy[datetime]:
    """Timezone-aware datetimes with fixed offsets between -12:00 and +14:00 (whole minutes).

    ``min_value`` and ``max_value`` are naive, as hypothesis requires.
    """
    offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=offsets)


def emails() -> SearchStrategy[str]:
    """Valid, normalised email addresses."""
    local = st.from_regex(r"[a-z0-9](?:[a-z0-9_+-]{0,10}[a-z0-9])?(?:\.[a-z0-9]{1,8})?", fullmatch=True)
    domain = st.from_regex(r"[a-z0-9]{1,12}(?:-[a-z0-9]{1,6})?(?:\.[a-z0-9]{1,8})?\.[a-z]{2,6}", fullmatch=True)
    return st.builds(lambda a, b: f"{a}@{b}", local, domain)


def phones() -> SearchStrategy[str]:
    """Valid, normalised phone numbers: ``+`` and 7 to 15 digits, or 7 to 15 national digits."""
    international = st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True)
    national = st.from_regex(r"[1-9][0-9]{6,14}|0[1-9][0-9]{5,13}", fullmatch=True)
    return st.one_of(international, national)


def json_values(*, max_leaves: int = 8) -> SearchStrategy[Any]:
    """JSON values as leadkit stores them in custom fields (no NaN or infinity)."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**53), max_value=2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.text(min_size=1, max_size=10), inner, max_size=3),
        ),
        max_leaves=max_leaves,
    )


def _mappings() -> SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.text(min_size=1, max_size=12), json_values(), max_size=4)


def contacts(
    *, email: SearchStrategy[str | None] | None = None, phone: SearchStrategy[str | None] | None = None
) -> SearchStrategy[Contact]:
    """Contacts; by default about half have an email and half a phone."""
    return st.builds(
        Contact,
        name=st.none() | texts(),
        email=email if email is not None else st.none() | emails(),
        phone=phone if phone is not None else st.none() | phones(),
        title=st.none() | texts(),
    )


def companies() -> SearchStrategy[Company]:
    """Companies with any mix of known and unknown firmographics."""
    domain = st.from_regex(r"[a-z0-9]{1,12}\.[a-z]{2,6}", fullmatch=True)
    return st.builds(
        Company,
        name=st.none() | texts(),
        domain=st.none() | domain,
        industry=st.none() | texts(max_size=20),
        employees=st.none() | st.integers(min_value=0, max_value=2_000_000),
        annual_revenue=st.none() | st.floats(min_value=0, max_value=1e13, allow_nan=False),
        country=st.none() | st.sampled_from(_COUNTRIES),
    )


def interactions(
    *,
    kinds: Sequence[str] | SearchStrategy[str] | None = None,
    at: SearchStrategy[datetime] | None = None,
) -> SearchStrategy[Interaction]:
    """Interactions of well-known kinds (or the given ``kinds``), at aware times."""
    if kinds is None:
        kind_strategy: SearchStrategy[str] = st.sampled_from([k.value for k in InteractionKind]) | _labels()
    elif isinstance(kinds, st.SearchStrategy):
        kind_strategy = kinds
    else:
        kind_strategy = st.sampled_from(list(kinds))
    return st.builds(
        Interaction,
        kind=kind_strategy,
        at=at if at is not None else aware_datetimes(),
        channel=st.none() | st.sampled_from(["web", "email", "phone", "chat", "social", "event"]) | _labels(),
        value=st.none() | st.floats(allow_nan=False, allow_infinity=False),
        properties=_mappings(),
    )


_any_interactions = interactions  # ``leads`` has a parameter of that name


def criteria(*, statuses: Sequence[CriterionStatus] | None = None) -> SearchStrategy[Criterion]:
    """Qualification criteria with any (or the given) statuses."""
    status = st.sampled_from(list(statuses) if statuses is not None else list(CriterionStatus))
    return st.builds(Criterion, status=status, note=st.none() | texts())


def bants(*, criterion: SearchStrategy[Criterion] | None = None) -> SearchStrategy[BANT]:
    """BANT checklists."""
    each = criterion if criterion is not None else criteria()
    return st.builds(BANT, budget=each, authority=each, need=each, timeline=each)


def personas() -> SearchStrategy[Persona]:
    """Personas with consistent company-size ranges."""
    words = st.lists(texts(max_size=15), max_size=4)

    def build(name: str, low: int | None, span: int | None, **rest: Any) -> Persona:
        high = None if span is None else (low or 0) + span
        return Persona(name=name, min_employees=low, max_employees=high, **rest)

    return st.builds(
        build,
        name=texts(),
        low=st.none() | st.integers(min_value=0, max_value=10_000),
        span=st.none() | st.integers(min_value=0, max_value=100_000),
        description=st.none() | texts(),
        industries=words,
        titles=words,
        countries=st.lists(st.sampled_from(_COUNTRIES), max_size=4),
        channels=st.lists(_labels(), max_size=3),
        pain_points=words,
    )


@st.composite
def histories(draw: st.DrawFn, *, stages: Sequence[str] | None = None, max_size: int = 5) -> tuple[StageChange, ...]:
    """Consistent stage histories: chronological, each change starting where the last ended."""
    names = list(stages) if stages is not None else ["inquiry", "lead", "mql", "sal", "sql", "nurture"]
    size = draw(st.integers(min_value=0, max_value=max_size))
    times = sorted(draw(st.lists(aware_datetimes(), min_size=size, max_size=size)))
    changes: list[StageChange] = []
    current: str | None = None
    for at in times:
        target = draw(st.sampled_from(names))
        reason = draw(st.none() | texts(max_size=20))
        by = draw(st.none() | texts(max_size=12))
        status = draw(st.none() | st.sampled_from(["new", "attempted_to_contact", "connected"]))
        changes.append(StageChange(from_stage=current, to_stage=target, at=at, reason=reason, by=by, status=status))
        current = target
    return tuple(changes)


@st.composite
def leads(
    draw: st.DrawFn,
    *,
    contact: SearchStrategy[Contact] | None = None,
    company: SearchStrategy[Company] | None = None,
    interactions: SearchStrategy[Interaction] | None = None,
    min_interactions: int = 0,
    max_interactions: int = 5,
    history: SearchStrategy[tuple[StageChange, ...]] | None = None,
) -> Lead:
    """Valid leads; every part can be narrowed with a strategy of its own."""
    interaction_strategy = interactions if interactions is not None else _any_interactions()
    changes = draw(history if history is not None else histories())
    stage = changes[-1].to_stage if changes else draw(st.none() | st.sampled_from(["inquiry", "lead", "mql"]))
    status = changes[-1].status if changes else None
    return Lead(
        id=draw(texts(max_size=20)),
        created_at=draw(aware_datetimes()),
        contact=draw(contact if contact is not None else contacts()),
        company=draw(company if company is not None else companies()),
        source=draw(st.none() | st.sampled_from(["web_form", "chat", "call", "bought_list", "event"]) | texts()),
        attributes=draw(_mappings()),
        interactions=draw(st.lists(interaction_strategy, min_size=min_interactions, max_size=max_interactions)),
        bant=draw(bants()),
        stage=stage,
        history=changes,
        status=status,
    )


_SCALARS = st.one_of(texts(max_size=12), st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False), st.booleans())
_NUMBERS = st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False))
_PATTERNS = st.sampled_from([r"^[a-z]+$", r"@example[.]com$", r"\b(head|lead)\b", r"engineer|developer", r"\d{4}"])


@st.composite
def _field_conditions(draw: st.DrawFn) -> FieldCondition:
    path = draw(st.sampled_from(FIELD_PATHS[:-1]) | _labels().map(lambda key: f"attributes.{key}"))
    op = draw(st.sampled_from(OPERATORS))
    value: Any
    scalar = st.sampled_from([s.value for s in CriterionStatus]) if path.startswith("bant.") else _SCALARS
    if op in ("eq", "ne", "contains"):
        value = draw(scalar)
    elif op in ("in", "not_in"):
        value = draw(st.lists(scalar, min_size=1, max_size=4))
    elif op in ("gt", "gte", "lt", "lte"):
        value = draw(_NUMBERS)
    elif op == "between":
        value = sorted(draw(st.lists(_NUMBERS, min_size=2, max_size=2)))
    elif op == "matches":
        value = draw(_PATTERNS)
    else:
        value = draw(st.booleans())
    return FieldCondition(path, op, value)


def _interaction_conditions() -> SearchStrategy[InteractionCondition]:
    return st.builds(
        InteractionCondition,
        kinds=st.lists(st.sampled_from([k.value for k in InteractionKind]), min_size=1, max_size=3, unique=True),
        at_least=st.integers(1, 5),
        within=st.none() | st.timedeltas(min_value=timedelta(hours=1), max_value=timedelta(days=400)),
        channel=st.none() | st.sampled_from(["web", "email", "chat", "event"]),
    )


def conditions(*, max_depth: int = 2) -> SearchStrategy[Condition]:
    """Rule conditions of every form, nested up to ``max_depth``.

    Fields with every operator, interaction counts, and all / any / not.
    """
    leaf: SearchStrategy[Condition] = st.one_of(_field_conditions(), _interaction_conditions())
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(AllOf),
            st.lists(inner, min_size=1, max_size=3).map(AnyOf),
            inner.map(Not),
        ),
        max_leaves=2**max_depth,
    )


def rules(*, min_size: int = 0, max_size: int = 6) -> SearchStrategy[tuple[Rule, ...]]:
    """Lists of rules with unique names and points from -50 to 50."""
    rule = st.builds(
        Rule,
        name=texts(max_size=20),
        when=conditions(),
        points=st.floats(-50, 50, allow_nan=False) | st.integers(-50, 50),
        reason=st.just("") | texts(max_size=30),
    )
    return st.lists(rule, min_size=min_size, max_size=max_size, unique_by=lambda r: r.name).map(tuple)


@st.composite
def scoring_models(draw: st.DrawFn) -> ScoringModel:
    """Scoring models made of the built-in scorers, with random weights, sides and thresholds."""
    candidates: list[Scorer] = [
        RuleScorer(rules=draw(rules()), name="rules"),
        EngagementScorer(),
        BANTScorer(),
        PersonaFitScorer(draw(personas())),
    ]
    chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4, unique_by=lambda s: s.name))
    names = [s.name for s in chosen]
    sides = draw(st.lists(st.sampled_from(["fit", "engagement", None]), min_size=len(names), max_size=len(names)))
    weights = draw(st.dictionaries(st.sampled_from(names), st.floats(0, 3, allow_nan=False), max_size=len(names)))

    def descending(count: int) -> list[float]:
        values = draw(st.lists(st.integers(0, 200), min_size=count, max_size=count, unique=True))
        return sorted(values, reverse=True)

    return ScoringModel(
        scorers=chosen,
        weights=weights,
        fit=[n for n, side in zip(names, sides, strict=True) if side == "fit"],
        engagement=[n for n, side in zip(names, sides, strict=True) if side == "engagement"],
        grades=descending(3),
        bands=descending(3),
        temperature=descending(2),
        mql_total=draw(st.integers(0, 200)),
        mql_grades=draw(st.lists(st.sampled_from(["A", "B", "C", "D"]), unique=True)),
        hand_raiser_window=draw(st.none() | st.timedeltas(min_value=timedelta(hours=1), max_value=timedelta(days=90))),
    )


def guards(*, max_depth: int = 1) -> SearchStrategy[Guard]:
    """Built-in guards with random settings, combined with any/all/not up to ``max_depth``."""
    base = st.one_of(
        st.sampled_from([Contactable(), IsMQL(), SalesReady(), BantQualified()]),
        st.builds(MinScore, st.integers(-50, 200), st.none() | st.sampled_from(["rules", "engagement"])),
        st.builds(ScoreBelow, st.integers(-50, 200), st.none() | st.sampled_from(["rules", "engagement"])),
        st.builds(MinGrade, st.sampled_from(GRADES)),
        st.builds(MinTemperature, st.sampled_from(list(Temperature))),
        st.builds(MaxTemperature, st.sampled_from(list(Temperature))),
        st.builds(QuietFor, st.integers(1, 90).map(lambda d: timedelta(days=d))),
        st.builds(StatusIn, st.lists(st.sampled_from(["new", "connected", "bad_timing"]), min_size=1, unique=True)),
    )
    if max_depth <= 0:
        return base
    inner = guards(max_depth=max_depth - 1)
    return st.one_of(
        base,
        st.builds(AnyGuard, st.lists(inner, min_size=1, max_size=3)),
        st.builds(AllGuards, st.lists(inner, min_size=1, max_size=3)),
        st.builds(NotGuard, inner),
    )


@st.composite
def pipelines(draw: st.DrawFn, *, min_stages: int = 1, max_stages: int = 8) -> Pipeline:
    """Valid pipelines: every stage reachable, dead ends terminal, with random guards, statuses, SLAs and policy.

    Stage names are ``s0`` … ``sN``; ``s0`` is the initial stage.
    """
    count = draw(st.integers(min_stages, max_stages))
    names = [f"s{i}" for i in range(count)]
    pairs = {(names[i], names[i + 1]) for i in range(count - 1)}  # a spine reaching every stage
    extra = st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(lambda p: p[0] != p[1])
    pairs |= set(draw(st.lists(extra, max_size=2 * count)))
    terminal = {n for n in names if not any(src == n for src, _ in pairs)}
    if count > 1:
        terminal |= set(draw(st.lists(st.sampled_from(names[1:]), max_size=2)))
    stages = [
        Stage(
            name=n,
            owner=draw(st.none() | st.sampled_from(["marketing", "sales"])),
            terminal=n in terminal,
            statuses=draw(st.lists(st.sampled_from(["new", "connected", "bad_timing"]), max_size=3, unique=True)),
            sla=draw(st.none() | st.integers(1, 240).map(lambda h: timedelta(hours=h))),
        )
        for n in names
    ]
    transitions = [
        Transition(
            name=f"{src}_to_{dst}",
            sources=src,
            target=dst,
            guards=draw(st.lists(guards(), max_size=2)),
            requires_reason=draw(st.booleans()),
            reopens=src in terminal,
        )
        for src, dst in sorted(pairs)
    ]
    moves = sorted(pairs)
    policy = [
        AutoMove(sources=src, target=dst, when=draw(st.lists(guards(), max_size=2)), reason=f"auto_{i}")
        for i, (src, dst) in enumerate(draw(st.lists(st.sampled_from(moves), max_size=3)) if moves else [])
    ]
    return Pipeline(name="generated", stages=stages, transitions=transitions, initial="s0", policy=policy)


_CHECK_AS_OF = datetime(2100, 1, 1, tzinfo=timezone.utc)


def _expect(condition: bool, scorer: object, rule: str) -> None:
    if not condition:
        msg = f"{scorer!r} breaks the Scorer contract: {rule}"
        raise AssertionError(msg)


def check_scorer(scorer: object, *, as_of: datetime = _CHECK_AS_OF, max_examples: int = 50) -> None:
    """Check that a scorer keeps the `leadkit.Scorer` contract, as built-in scorers do.

    Runs the scorer on generated leads and checks that it: implements the
    protocol with a non-empty ``name``; returns a `leadkit.Score` with a finite
    value; gives the same score twice (deterministic); ignores interactions
    after ``as_of``; refuses a naive ``as_of`` with `leadkit.ValidationError`;
    scores the same after a pickle round trip; and scores the same from 8
    threads at once.

    Args:
        scorer: The scorer to check.
        as_of: The moment to score at (generated interactions fall before it).
        max_examples: How many generated leads to try.

    Raises:
        AssertionError: naming the first broken rule.

    Examples:
        >>> from leadkit import EngagementScorer
        >>> check_scorer(EngagementScorer(), max_examples=10)
    """
    _expect(isinstance(scorer, Scorer), scorer, "it needs a `name` and a `score(lead, *, as_of)` method")
    scorer = cast("Scorer", scorer)  # checked just above
    _expect(isinstance(scorer.name, str) and bool(scorer.name), scorer, "`name` must be non-empty text")
    try:
        copy = pickle.loads(pickle.dumps(scorer))  # noqa: S301 - the caller's own object
    except Exception as exc:  # noqa: BLE001 - reported as a contract failure
        _expect(False, scorer, f"it must pickle (got {type(exc).__name__}: {exc})")
    naive_ok = False
    try:
        scorer.score(Lead(id="check", created_at=as_of), as_of=as_of.replace(tzinfo=None))
    except ValidationError:
        naive_ok = True
    _expect(naive_ok, scorer, "a naive as_of must raise leadkit.ValidationError (see leadkit.check_as_of)")

    sample: list[Lead] = []
    before = aware_datetimes(max_value=as_of.replace(tzinfo=None) - timedelta(days=1))
    after = aware_datetimes(
        min_value=as_of.replace(tzinfo=None) + timedelta(days=1),
        max_value=as_of.replace(tzinfo=None) + timedelta(days=400),
    )

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # the broken rule is the message; shrinking adds nothing
    )
    @given(lead=leads(interactions=interactions(at=before)), later=interactions(at=after))
    def contract(lead: Lead, later: Interaction) -> None:
        first = scorer.score(lead, as_of=as_of)
        _expect(isinstance(first, Score), scorer, f"score() must return a leadkit.Score (got {first!r})")
        _expect(math.isfinite(first.value), scorer, f"the value must be finite (got {first.value})")
        _expect(scorer.score(lead, as_of=as_of) == first, scorer, "the same lead and as_of must give the same score")
        _expect(copy.score(lead, as_of=as_of) == first, scorer, "a pickled copy must score the same")
        future = scorer.score(lead.with_interaction(later), as_of=as_of)
        _expect(future == first, scorer, "interactions after as_of must not count")
        if len(sample) < 16:
            sample.append(lead)

    contract()
    expected = [scorer.score(lead, as_of=as_of) for lead in sample]
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda _: [scorer.score(lead, as_of=as_of) for lead in sample], range(8)))
    _expect(all(run == expected for run in runs), scorer, "scoring from 8 threads at once must give the same scores")
