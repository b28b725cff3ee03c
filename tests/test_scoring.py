"""The scoring contract (Score, Contribution, Scorer, check_scorer) and the engagement scorer."""

from __future__ import annotations

import math
import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _examples import scaled
from leadkit import (
    DEFAULT_SIGNALS,
    Contribution,
    EngagementScorer,
    EngagementState,
    Frequency,
    Interaction,
    InteractionKind,
    Lead,
    Score,
    Scorer,
    Signal,
    ValidationError,
    check_as_of,
)
from leadkit.scoring.engagement import PERIOD_ANCHOR
from leadkit.testing import aware_datetimes, check_scorer, interactions, leads

AS_OF = datetime(2100, 1, 1, tzinfo=timezone.utc)
DAY = timedelta(days=1)
KINDS = [k.value for k in InteractionKind]
PAST = aware_datetimes(max_value=datetime(2099, 12, 1))
FUTURE = aware_datetimes(min_value=datetime(2100, 1, 2), max_value=datetime(2101, 1, 1))
UNIFORM = EngagementScorer(  # one half-life, every interaction counts, no negative points
    signals={kind: Signal(abs(signal.points)) for kind, signal in DEFAULT_SIGNALS.items()},
    half_life=timedelta(days=30),
)
ENGAGED = leads(interactions=interactions(kinds=KINDS, at=PAST), max_interactions=8)


def c(points: float, label: str = "x") -> Contribution:
    return Contribution(label, points, f"test.{label}", "because")


class TestScore:
    @given(st.lists(st.floats(min_value=-1e6, max_value=1e6), max_size=20))
    def test_value_is_the_exact_sum(self, points: list[float]) -> None:
        """A score's value is the fsum of its contributions, always."""
        assert Score("t", [c(p) for p in points]).value == math.fsum(points)

    @given(
        st.lists(st.floats(min_value=-100, max_value=100) | st.floats(min_value=-1e-30, max_value=1e-30), max_size=10),
        st.floats(min_value=-50, max_value=0),
        st.floats(min_value=1, max_value=50),
    )
    def test_bounded_records_the_adjustment(self, points: list[float], floor: float, cap: float) -> None:
        """A floor or cap is an extra contribution, and the value lands on the bound."""
        score = Score.bounded("t", [c(p) for p in points], floor=floor, cap=cap)
        assert floor <= score.value <= cap
        assert score.value == math.fsum(x.points for x in score.contributions)
        raw = math.fsum(points)
        sources = {x.source for x in score.contributions}
        assert ("t.floor" in sources) == (raw < floor)
        assert ("t.cap" in sources) == (raw > cap)

    def test_top_str_and_html(self) -> None:
        """Scores show their heaviest contributions and render as text and HTML."""
        score = Score("demo", [c(1, "small"), c(-5, "<big>"), c(3, "mid")])
        assert [x.label for x in score.top(2)] == ["<big>", "mid"]
        assert str(score) == "demo -1 = small +1, <big> -5, mid +3"
        assert "&lt;big&gt;" in score._repr_html_()

    @pytest.mark.parametrize(
        ("points", "bound", "value"),
        [([0.1, 0.4], {"cap": 0.3}, 0.3), ([-0.1, -0.4], {"floor": -0.3}, -0.3)],
    )
    def test_bounded_lands_on_a_bound_that_rounding_would_pass(
        self, points: list[float], bound: dict[str, float], value: float
    ) -> None:
        """When ``bound - sum`` rounds past the bound (0.1 + 0.4 - 0.2 > 0.3), the adjustment is nudged back."""
        score = Score.bounded("t", [c(p) for p in points], **bound)
        assert score.value == value
        assert abs(score.contributions[-1].points) == 0.20000000000000004

    @pytest.mark.parametrize(
        ("bound", "text"),
        [
            ({}, "fit 120 (Shops) = industry +120"),
            ({"cap": 100}, "fit 100 (Shops) = industry +120, cap -20"),
            ({"floor": 150}, "fit 150 (Shops) = industry +120, floor +30"),
        ],
    )
    def test_bounded_keeps_what_was_matched(self, bound: dict[str, float], text: str) -> None:
        """Score.bounded passes ``matched`` on to the score, bounded or not, and str() shows it."""
        score = Score.bounded("fit", [c(120, "industry")], matched="Shops", **bound)
        assert score.matched == "Shops"
        assert str(score) == text

    def test_str_and_html_show_the_match_and_each_row(self) -> None:
        """The matched persona follows the value; an empty score has no '='; HTML has one row per contribution."""
        assert str(Score("demo")) == "demo 0"
        assert str(Score("fit", [c(100, "industry")], matched="Shops")) == "fit 100 (Shops) = industry +100"
        html = Score("demo", [c(1, "a"), c(-2.5, "<b>")], matched="P&Q")._repr_html_()
        assert html == (
            "<table><caption>demo: -1.50 (P&amp;Q)</caption>"
            "<thead><tr><th>contribution</th><th>points</th><th>why</th></tr></thead>"
            "<tbody><tr><td>a</td><td style='text-align:right'>+1.00</td><td>because</td></tr>"
            "<tr><td>&lt;b&gt;</td><td style='text-align:right'>-2.50</td><td>because</td></tr></tbody></table>"
        )

    def test_value_is_not_an_argument(self) -> None:
        """The value cannot be set by hand, so it cannot disagree with the contributions."""
        with pytest.raises(TypeError):
            Score("t", (), value=3)  # type: ignore[call-arg]

    def test_check_as_of(self) -> None:
        """as_of must be an aware datetime."""
        assert check_as_of(AS_OF) is AS_OF
        with pytest.raises(ValidationError, match="naive datetime"):
            check_as_of(datetime(2026, 1, 1))
        with pytest.raises(ValidationError, match="as_of"):
            check_as_of("2026-01-01")


class TestCheckScorer:
    def test_built_in_scorer_passes(self) -> None:
        """EngagementScorer keeps the contract."""
        assert isinstance(EngagementScorer(), Scorer)
        check_scorer(EngagementScorer(), max_examples=scaled(20))

    @pytest.mark.parametrize(
        ("scorer", "message"),
        [
            (object(), "needs a `name`"),
            ("counts the future", "interactions after as_of must not count"),
            ("naive", "a naive as_of must raise"),
            ("random", "the same lead and as_of must give the same score"),
            ("unnamed", "`name` must be non-empty text"),
        ],
    )
    def test_broken_scorers_are_caught(self, scorer: Any, message: str) -> None:
        """Each broken rule is reported by name."""
        with pytest.raises(AssertionError, match=message):
            check_scorer(_BROKEN.get(scorer, scorer), max_examples=scaled(20))


@attrs.frozen
class _CountsEverything:
    name: str = "future"

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        check_as_of(as_of)
        return Score(self.name, [c(len(lead.interactions))])


@attrs.frozen
class _AcceptsNaive:
    name: str = "naive"

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        return Score(self.name, [])


class _Random:
    name = "random"

    def __init__(self) -> None:
        self.calls = 0

    def score(self, lead: Lead, *, as_of: datetime) -> Score:
        check_as_of(as_of)
        self.calls += 1
        return Score(self.name, [c(self.calls)])


_BROKEN: dict[str, Any] = {
    "counts the future": _CountsEverything(),
    "naive": _AcceptsNaive(),
    "random": _Random(),
    "unnamed": _CountsEverything(name=""),
}


def lead_with(*events: tuple[str, datetime]) -> Lead:
    return Lead(id="a", created_at=AS_OF - 400 * DAY, interactions=[Interaction(kind=k, at=t) for k, t in events])


class TestEngagementExamples:
    def test_decay_by_half_life(self) -> None:
        """A signal is worth half after one half-life, a quarter after two."""
        lead = lead_with(("pricing_view", AS_OF))
        scorer = EngagementScorer()
        assert [scorer.score(lead, as_of=AS_OF + n * 14 * DAY).value for n in range(3)] == [25.0, 12.5, 6.25]

    def test_frequency_limits_are_explained(self) -> None:
        """Interactions over a frequency limit do not count, and the reason says so."""
        lead = lead_with(*[("email_open", AS_OF - n * DAY) for n in range(5)])  # 5 opens in 5 days
        score = EngagementScorer().score(lead, as_of=AS_OF)
        (contribution,) = score.contributions
        assert contribution.label == "email_open x3"
        assert "2 more not counted (frequency limit)" in contribution.reason

    def test_once(self) -> None:
        """A once-only signal counts the first time only."""
        lead = lead_with(("free_trial", AS_OF - 10 * DAY), ("free_trial", AS_OF))
        assert EngagementScorer().score(lead, as_of=AS_OF).contributions[0].label == "free_trial x1"

    def test_window_reopens(self) -> None:
        """Each new period counts again: weekly periods start on Monday at midnight UTC."""
        scorer = EngagementScorer(signals={"chat": Signal(10, frequency=Frequency.at_most(1, within=7 * DAY))})
        sunday = datetime(2026, 11, 1, 23, 59, tzinfo=timezone.utc)
        monday = datetime(2026, 11, 2, tzinfo=timezone.utc)
        lead = lead_with(("chat", sunday - DAY), ("chat", sunday), ("chat", monday), ("chat", monday + 6 * DAY))
        score = scorer.score(lead, as_of=monday + 7 * DAY)
        assert score.contributions[0].label == "chat x2"
        assert "2 more not counted" in score.contributions[0].reason

    def test_periods_are_anchored_on_a_monday(self) -> None:
        """Periods count from Monday 5 January 1970, UTC."""
        assert PERIOD_ANCHOR.weekday() == 0
        assert datetime(1970, 1, 5, tzinfo=timezone.utc) == PERIOD_ANCHOR

    def test_floor_keeps_negative_signals_from_burying(self) -> None:
        """By default the total never goes below 0, and the floor is a visible contribution."""
        lead = lead_with(("unsubscribe", AS_OF))
        score = EngagementScorer().score(lead, as_of=AS_OF)
        assert score.value == 0
        assert [x.source for x in score.contributions] == ["engagement.unsubscribe", "engagement.floor"]
        assert EngagementScorer(floor=None).score(lead, as_of=AS_OF).value == -30

    def test_cap(self) -> None:
        """An optional cap limits the total."""
        lead = lead_with(("demo_request", AS_OF), ("free_trial", AS_OF))
        assert EngagementScorer(cap=100).score(lead, as_of=AS_OF).value == 100

    def test_unknown_kinds_count_nothing(self) -> None:
        """Kinds without a signal give no points (add a Signal to count them)."""
        lead = lead_with(("podcast_listen", AS_OF))
        assert EngagementScorer().score(lead, as_of=AS_OF).contributions == ()
        scorer = EngagementScorer(signals={"Podcast_Listen": Signal(4)})
        assert scorer.score(lead, as_of=AS_OF).value == 4

    def test_signals_accept_interaction_kinds(self) -> None:
        """Signal keys may be InteractionKind members."""
        scorer = EngagementScorer(signals={InteractionKind.CALL: Signal(7)})
        assert scorer.score(lead_with(("call", AS_OF)), as_of=AS_OF).value == 7

    @pytest.mark.parametrize(
        ("build", "where"),
        [
            (lambda: Signal(float("nan")), "points"),
            (lambda: Signal(True), "points"),
            (lambda: Signal(1, half_life=-DAY), "half_life"),
            (lambda: Frequency(limit=0), "limit"),
            (lambda: Frequency(window=DAY), "window"),
            (lambda: EngagementScorer(floor=10, cap=5), "cap"),
            (lambda: EngagementScorer(floor=10, cap=10), "cap"),
            (lambda: EngagementScorer(half_life=timedelta(0)), "half_life"),
            (lambda: EngagementScorer(signals=[Signal(1)]), "signals"),
            (lambda: EngagementScorer(signals={"chat": 5}), "signals.chat"),
        ],
    )
    def test_invalid_configuration(self, build: Any, where: str) -> None:
        """Bad configuration is a ValidationError naming the field."""
        with pytest.raises(ValidationError) as excinfo:
            build()
        assert excinfo.value.path == where

    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (
                lambda: Signal(1, half_life=-DAY),
                "half_life: expected a positive duration (timedelta) (got datetime.timedelta(days=-1))",
            ),
            (
                lambda: Frequency(limit=2, window=timedelta(0)),
                "window: expected a positive duration (timedelta) (got datetime.timedelta(0))",
            ),
            (
                lambda: EngagementScorer(half_life="30d"),
                "half_life: expected a positive duration (timedelta) (got '30d')",
            ),
            (lambda: EngagementScorer(signals={"Chat": 5}), "signals.chat: expected a Signal (got 5)"),
        ],
    )
    def test_invalid_configuration_says_what_was_expected_and_found(self, build: Any, message: str) -> None:
        """A bad duration or signal is refused with the field, what it should be and the value given."""
        with pytest.raises(ValidationError) as excinfo:
            build()
        assert str(excinfo.value) == message

    def test_pickles(self) -> None:
        """Scorers survive a pickle round trip, compiled rules included."""
        lead = lead_with(("demo_request", AS_OF - DAY))
        copy = pickle.loads(pickle.dumps(EngagementScorer()))
        assert copy == EngagementScorer()
        assert copy.score(lead, as_of=AS_OF) == EngagementScorer().score(lead, as_of=AS_OF)


class TestEngagementProperties:
    @given(ENGAGED)
    def test_value_is_sum_and_deterministic(self, lead: Lead) -> None:
        """value == sum of contributions; the same input gives the same score; the lead is untouched."""
        before = lead.to_json()
        score = EngagementScorer().score(lead, as_of=AS_OF)
        assert score.value == math.fsum(x.points for x in score.contributions)
        assert score == EngagementScorer().score(lead, as_of=AS_OF)
        assert lead.to_json() == before

    @given(ENGAGED, interactions(kinds=KINDS, at=FUTURE))
    def test_future_interactions_change_nothing(self, lead: Lead, later: Interaction) -> None:
        """Interactions after as_of are ignored."""
        scorer = EngagementScorer()
        assert scorer.score(lead.with_interaction(later), as_of=AS_OF) == scorer.score(lead, as_of=AS_OF)

    @given(ENGAGED, st.data())
    def test_order_does_not_matter(self, lead: Lead, data: st.DataObject) -> None:
        """Interactions given in any order score the same."""
        shuffled = attrs.evolve(lead, interactions=data.draw(st.permutations(lead.interactions)))
        assert EngagementScorer().score(shuffled, as_of=AS_OF) == EngagementScorer().score(lead, as_of=AS_OF)

    @given(ENGAGED)
    def test_halves_after_one_half_life(self, lead: Lead) -> None:
        """With one half-life for all, the engagement one half-life later is exactly half (float tolerance)."""
        now = UNIFORM.score(lead, as_of=AS_OF).value
        later = UNIFORM.score(lead, as_of=AS_OF + timedelta(days=30)).value
        assert math.isclose(later, now / 2, rel_tol=1e-9, abs_tol=1e-9)

    @given(ENGAGED, st.integers(min_value=0, max_value=1000))
    def test_never_grows_without_new_events(self, lead: Lead, days: int) -> None:
        """With non-negative points, engagement only decays as time passes."""
        scorer = EngagementScorer(signals={k: s for k, s in DEFAULT_SIGNALS.items() if s.points >= 0})
        now = scorer.score(lead, as_of=AS_OF).value
        assert scorer.score(lead, as_of=AS_OF + timedelta(days=days)).value <= now

    @given(ENGAGED, st.sampled_from([k for k, s in DEFAULT_SIGNALS.items() if s.points > 0]), PAST)
    def test_positive_interactions_never_lower(self, lead: Lead, kind: str, at: datetime) -> None:
        """Adding a positive interaction never lowers engagement.

        Holds anywhere in time when every interaction counts; with frequency
        limits, for interactions after the others (limits favour earlier ones).
        """
        rounding = 1e-9  # a floor adjustment carries float rounding at the ulp level of the points
        extra = Interaction(kind=kind, at=at)
        assert UNIFORM.score(lead.with_interaction(extra), as_of=AS_OF).value >= UNIFORM.score(lead, as_of=AS_OF).value
        latest = max([i.at for i in lead.interactions], default=at)
        newest = Interaction(kind=kind, at=max(latest, at))
        scorer = EngagementScorer()
        before = scorer.score(lead, as_of=AS_OF).value
        assert scorer.score(lead.with_interaction(newest), as_of=AS_OF).value >= before - rounding

    @given(ENGAGED, st.integers(min_value=0, max_value=400))
    def test_incremental_state_equals_batch(self, lead: Lead, days: int) -> None:
        """Absorbing interactions one by one gives exactly the batch score."""
        scorer = EngagementScorer()
        as_of = AS_OF + timedelta(days=days)
        state = scorer.state().add_all(lead.interactions)
        assert state.score(as_of=as_of) == scorer.score(lead, as_of=as_of)
        assert EngagementState(state.scorer, state.slots, state.last) == state  # add builds only valid states


class TestEngagementState:
    def test_refuses_out_of_order_and_earlier_as_of(self) -> None:
        """Interactions must arrive in time order, and a state cannot score its past."""
        state = EngagementScorer().state().add(Interaction(kind="chat", at=AS_OF))
        with pytest.raises(ValidationError, match="out of order"):
            state.add(Interaction(kind="chat", at=AS_OF - DAY))
        with pytest.raises(ValidationError, match=r"EngagementScorer\.score"):
            state.score(as_of=AS_OF - DAY)
        with pytest.raises(ValidationError, match="an Interaction"):
            state.add("chat")  # type: ignore[arg-type]

    def test_unknown_kinds_still_move_time(self) -> None:
        """An interaction without a signal adds nothing but is still the latest seen."""
        state = EngagementScorer().state().add(Interaction(kind="podcast_listen", at=AS_OF))
        assert state.last == AS_OF
        assert state.score(as_of=AS_OF).value == 0

    @pytest.mark.parametrize(
        ("scorer", "slots", "last", "path", "expected"),
        [
            ("engagement", None, None, "scorer", "an EngagementScorer"),
            (UNIFORM, (), None, "slots", "a tuple of 16 tallies"),
            (UNIFORM, [None] * 16, None, "slots", "a tuple of 16 tallies"),
            (UNIFORM, (None,) * 15 + ((1.0, 2.0, 1, 0, 3),), None, "slots[15]", "a tally of 6 numbers"),
            (UNIFORM, (None,) * 15 + ((1.0, 2.0, 1, 0, 3, "x"),), None, "slots[15]", "a tally of 6 numbers"),
            (UNIFORM, ([1.0, 2.0, 1, 0, 3, 1],) + (None,) * 15, None, "slots[0]", "a tally of 6 numbers"),
            (UNIFORM, (None,) * 16, datetime(2026, 1, 1), "last", "timezone-aware"),  # naive on purpose
            (UNIFORM, (None,) * 16, "2026-01-01T00:00:00+00:00", "last", "timezone-aware"),
        ],
    )
    def test_a_hand_built_state_is_validated(
        self, scorer: Any, slots: Any, last: Any, path: str, expected: str
    ) -> None:
        """A state built by hand, not by EngagementScorer.state(), gets a ValidationError naming the field."""
        with pytest.raises(ValidationError, match=expected) as caught:
            EngagementState(scorer, last=last) if slots is None else EngagementState(scorer, slots, last)
        assert caught.value.path == path

    def test_is_immutable_and_picklable(self) -> None:
        """add returns a new state; states pickle."""
        empty = EngagementScorer().state()
        one = empty.add(Interaction(kind="call", at=AS_OF))
        assert empty.last is None
        assert pickle.loads(pickle.dumps(one)) == one


@pytest.mark.parametrize(
    ("age", "ago"),
    [
        (timedelta(0), "today"),
        (timedelta(hours=11), "today"),
        (timedelta(hours=12), "1 day ago"),
        (timedelta(hours=35), "1 day ago"),
        (timedelta(hours=36), "2 days ago"),
        (10 * DAY, "10 days ago"),
    ],
)
def test_the_reason_says_how_long_ago_in_days(age: timedelta, ago: str) -> None:
    """The latest interaction's age is rounded to days: under 12 hours is today, under 36 hours one day."""
    score = EngagementScorer(signals={"webinar": Signal(20)}).score(lead_with(("webinar", AS_OF)), as_of=AS_OF + age)
    (contribution,) = score.contributions
    assert contribution.reason == f"1 x webinar at 20 points each, half-life 30 days, last {ago}"


@pytest.mark.parametrize(
    ("frequency", "text"),
    [
        (Frequency.every(), "every time"),
        (Frequency.once(), "once"),
        (Frequency.at_most(2), "at most 2 times"),
        (Frequency.at_most(1, within=DAY), "at most 1 per day"),
        (Frequency.at_most(3, within=7 * DAY), "at most 3 per 7 days"),
        (Frequency.at_most(2, within=timedelta(hours=1)), "at most 2 per hour"),
        (Frequency.at_most(2, within=timedelta(hours=36)), "at most 2 per 36 hours"),
        (Frequency.at_most(2, within=timedelta(minutes=90)), "at most 2 per 90 minutes"),
        (Frequency.at_most(2, within=timedelta(seconds=1)), "at most 2 per second"),
        (Frequency.at_most(2, within=timedelta(seconds=61)), "at most 2 per 61 seconds"),
        (Frequency.at_most(2, within=timedelta(seconds=1.5)), "at most 2 per 1.5 seconds"),
        (Frequency.at_most(2, within=timedelta(microseconds=10)), "at most 2 per 0.00001 seconds"),
        (Frequency.at_most(2, within=timedelta(days=1000)), "at most 2 per 1,000 days"),
    ],
)
def test_a_frequency_says_how_often_it_counts(frequency: Frequency, text: str) -> None:
    """str(Frequency) is the rule in words."""
    assert str(frequency) == text


def test_configuration_and_state_errors_say_what_was_expected_and_found() -> None:
    """A window without a limit, and a state fed a non-interaction, out of order or asked about its past."""
    with pytest.raises(ValidationError) as info:
        Frequency(window=DAY)
    assert str(info.value) == (
        "window: expected no window without a limit (a window bounds a count) (got datetime.timedelta(days=1))"
    )
    state = EngagementScorer().state().add(Interaction(kind="chat", at=AS_OF))
    with pytest.raises(ValidationError) as info:
        state.add("chat")  # type: ignore[arg-type]
    assert str(info.value) == "interaction: expected an Interaction (got 'chat')"
    earlier = AS_OF - DAY
    with pytest.raises(ValidationError) as info:
        state.add(Interaction(kind="chat", at=earlier))
    assert str(info.value) == (
        "interaction.at: out of order; expected a time at or after 2100-01-01T00:00:00+00:00, "
        f"the latest interaction absorbed (got {earlier!r})"
    )
    with pytest.raises(ValidationError) as info:
        state.score(as_of=earlier)
    assert str(info.value) == (
        "as_of: expected a time at or after 2100-01-01T00:00:00+00:00; "
        f"to score an earlier moment use EngagementScorer.score (got {earlier!r})"
    )
