"""Pipelines: moves, refusals, guards, statuses, questions, the automatic policy and SLAs."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit import (
    BANT,
    ConfigError,
    Contact,
    Contribution,
    Interaction,
    Lead,
    Pipeline,
    Qualification,
    Score,
    Stage,
    StageChange,
    Temperature,
    Transition,
    TransitionError,
    ValidationError,
    default_model,
    default_pipeline,
    load_sample_leads,
    time_in_stage,
)
from leadkit.datasets import SAMPLE_AS_OF
from leadkit.stages import (
    AnyGuard,
    AutoMove,
    BantQualified,
    Contactable,
    IsMQL,
    MinGrade,
    MinScore,
    NotGuard,
    QuietFor,
    SalesReady,
    ScoreBelow,
    StatusIn,
)
from leadkit.testing import aware_datetimes, leads

from .conftest import T0

PIPELINE = default_pipeline()
HOUR = timedelta(hours=1)


def qual(
    *,
    total: float = 0.0,
    mql: bool = False,
    sales_ready: bool = False,
    grade: str = "D",
    temperature: Temperature = Temperature.COLD,
    at: datetime = T0,
) -> Qualification:
    """A qualification with just the flags the guards read."""
    breakdown = Score("model", [Contribution("total", total, "model", "")])
    return Qualification(
        lead_id="L-1",
        as_of=at,
        scores={"model": breakdown},
        breakdown=breakdown,
        fit=total,
        engagement=0.0,
        grade=grade,
        band=4,
        temperature=temperature,
        mql=mql,
        sales_ready=sales_ready,
        persona=None,
        checklists={},
        top=(),
        reasons=(),
    )


def new_lead(**fields: Any) -> Lead:
    return Lead(id="L-1", created_at=T0, contact=Contact(email="ana@example.com"), **fields)


def walk(*stages: str, lead: Lead | None = None, q: Qualification | None = None) -> Lead:
    """Move a lead through ``stages`` an hour apart, with reasons where needed."""
    lead = lead if lead is not None else new_lead()
    q = q if q is not None else qual(mql=True)
    at = lead.history[-1].at if lead.history else T0
    for stage in stages:
        at += HOUR
        lead = PIPELINE.advance(lead, stage, at=at, reason="test", qualification=q)
    return lead


QUALIFIED_BANT = BANT(budget="yes", authority="yes", need="yes", timeline="yes")


# --- moving ---------------------------------------------------------------------------------------


def test_advance_appends_one_change_and_leaves_the_old_lead_untouched() -> None:
    lead = walk("inquiry")
    moved = PIPELINE.advance(lead, "lead", at=T0 + 2 * HOUR, by="ana")
    assert lead.stage == "inquiry"
    assert len(lead.history) == 1
    assert moved.stage == "lead"
    assert moved.history[:-1] == lead.history
    assert moved.history[-1] == StageChange(from_stage="inquiry", to_stage="lead", at=T0 + 2 * HOUR, by="ana")
    # The fast path builds a lead equal to one built (and validated) the slow way.
    assert moved == Lead.from_dict(moved.to_dict())
    assert hash(moved) == hash(Lead.from_dict(moved.to_dict()))


def test_a_lead_enters_at_the_initial_stage_only() -> None:
    assert PIPELINE.advance(new_lead(), "inquiry", at=T0).history[0].from_stage is None
    with pytest.raises(TransitionError, match="enters pipeline 'default' at inquiry, not mql") as info:
        PIPELINE.advance(new_lead(), "mql", at=T0)
    assert info.value.allowed == ("inquiry",)


def test_an_illegal_move_names_current_target_and_allowed_moves() -> None:
    lead = walk("inquiry")
    with pytest.raises(TransitionError) as info:
        PIPELINE.advance(lead, "sql", at=T0 + 2 * HOUR)
    error = info.value
    assert str(error) == (
        "lead 'L-1': inquiry -> sql is not a move of pipeline 'default'; "
        "allowed from inquiry: lead (capture), disqualified (disqualify)"
    )
    assert (error.lead_id, error.current, error.target, error.allowed) == (
        "L-1",
        "inquiry",
        "sql",
        ("lead", "disqualified"),
    )


def test_a_failing_guard_gives_its_reasons() -> None:
    lead = walk("inquiry", "lead", "mql", "sal")
    lead = attrs.evolve(lead, bant=BANT(authority="yes", need="yes"))
    with pytest.raises(TransitionError) as info:
        PIPELINE.advance(lead, "sql", at=T0 + 9 * HOUR)
    assert "sal -> sql needs BANT: budget unknown, timeline unknown" in str(info.value)
    assert info.value.reasons[0].startswith("BANT: budget unknown, timeline unknown")
    assert PIPELINE.advance(attrs.evolve(lead, bant=QUALIFIED_BANT), "sql", at=T0 + 9 * HOUR).stage == "sql"


def test_guards_read_the_qualification() -> None:
    lead = walk("inquiry", "lead")
    with pytest.raises(TransitionError, match="needs a Qualification"):
        PIPELINE.advance(lead, "mql", at=T0 + 3 * HOUR)
    with pytest.raises(
        TransitionError, match=r"MQL \(the model's MQL policy is not met: total 12, grade C\) or a hand"
    ):
        PIPELINE.advance(lead, "mql", at=T0 + 3 * HOUR, qualification=qual(total=12, grade="C"))
    for q in (qual(mql=True), qual(sales_ready=True)):
        assert PIPELINE.advance(lead, "mql", at=T0 + 3 * HOUR, qualification=q).stage == "mql"


def test_an_uncontactable_inquiry_cannot_become_a_lead() -> None:
    lead = PIPELINE.advance(Lead(id="v-1", created_at=T0), "inquiry", at=T0)
    with pytest.raises(TransitionError, match="needs a valid email or phone"):
        PIPELINE.advance(lead, "lead", at=T0)


@pytest.mark.parametrize("target", ["disqualified", "nurture"])
def test_moves_that_need_a_reason_refuse_without_one(target: str) -> None:
    lead = walk("inquiry", "lead")
    with pytest.raises(TransitionError, match=r"needs a reason \(pass reason=...\)"):
        PIPELINE.advance(lead, target, at=T0 + 3 * HOUR, reason="   ")
    moved = PIPELINE.advance(lead, target, at=T0 + 3 * HOUR, reason=" spam ")
    assert moved.history[-1].reason == "spam"


def test_changes_are_refused_when_earlier_than_the_last_or_naive() -> None:
    lead = walk("inquiry")
    with pytest.raises(TransitionError, match="earlier than the last change"):
        PIPELINE.advance(lead, "lead", at=T0)
    with pytest.raises(TransitionError, match="naive datetime"):
        PIPELINE.advance(lead, "lead", at=datetime(2026, 12, 1))
    with pytest.raises(TransitionError, match="expected a timezone-aware datetime"):
        PIPELINE.advance(lead, "lead", at="2026-12-01")  # type: ignore[arg-type]
    # The same moment as the last change is fine: several moves can happen at once.
    assert PIPELINE.advance(lead, "lead", at=lead.history[-1].at).stage == "lead"


def test_bad_reason_or_by_is_refused() -> None:
    lead = walk("inquiry")
    with pytest.raises(TransitionError, match="reason: expected text or None"):
        PIPELINE.advance(lead, "disqualified", at=T0 + 2 * HOUR, reason=3)  # type: ignore[arg-type]
    with pytest.raises(TransitionError, match="by: expected text or None"):
        PIPELINE.advance(lead, "lead", at=T0 + 2 * HOUR, by=["ana"])  # type: ignore[arg-type]


def test_a_lead_in_an_unknown_stage_is_refused() -> None:
    lead = new_lead(stage="limbo")
    with pytest.raises(TransitionError, match="'limbo', which is not a stage of pipeline 'default'"):
        PIPELINE.advance(lead, "lead", at=T0)
    with pytest.raises(TransitionError, match="not a stage"):
        PIPELINE.allowed(lead, at=T0)


@pytest.mark.parametrize("target", [["sal"], None, 3, "SAL"])
def test_a_target_that_is_not_a_stage_name_is_refused(target: object) -> None:
    with pytest.raises(TransitionError, match="is not a move of pipeline 'default'"):
        PIPELINE.advance(walk("inquiry"), target, at=T0 + 5 * HOUR)  # type: ignore[arg-type]
    with pytest.raises(TransitionError, match="is not a stage of pipeline 'default'"):
        PIPELINE.stage(target)  # type: ignore[arg-type]


def test_a_move_to_the_current_stage_points_to_set_status() -> None:
    lead = walk("inquiry", "lead", "mql", "sal")
    with pytest.raises(TransitionError, match=r"in sal already \(to change its working status, use set_status\)"):
        PIPELINE.advance(lead, "sal", at=T0 + 9 * HOUR)


def test_terminal_stages_have_only_declared_ways_out() -> None:
    for stage in PIPELINE.stages:
        if stage.terminal:
            assert all(t.reopens for t in PIPELINE.moves_from(stage.name))
    assert [t.name for t in PIPELINE.moves_from("lost")] == ["reopen"]
    assert PIPELINE.moves_from("customer") == ()
    assert PIPELINE.moves_from("disqualified") == ()


# --- working statuses -----------------------------------------------------------------------------


def test_entering_a_stage_with_statuses_takes_the_first() -> None:
    lead = walk("inquiry", "lead", "mql", "sal")
    assert lead.status == "new"
    assert lead.history[-1].status == "new"
    assert walk("nurture", lead=lead).status is None


def test_status_changes_are_recorded_like_stage_changes() -> None:
    lead = walk("inquiry", "lead", "mql", "sal")
    at = lead.history[-1].at
    tried = PIPELINE.set_status(lead, "attempted_to_contact", at=at + HOUR, by="rep")
    connected = PIPELINE.set_status(tried, "connected", at=at + 2 * HOUR)
    assert connected.stage == "sal"
    assert connected.status == "connected"
    last = connected.history[-1]
    assert (last.from_stage, last.to_stage, last.status, last.is_status_change) == ("sal", "sal", "connected", True)
    assert PIPELINE.replay(connected).visits[-1].entered == at  # a status change does not start a new stay


def test_status_refusals() -> None:
    lead = walk("inquiry", "lead", "mql", "sal")
    at = lead.history[-1].at + HOUR
    with pytest.raises(TransitionError, match="'gone' is not a status of stage sal"):
        PIPELINE.set_status(lead, "gone", at=at)
    with pytest.raises(TransitionError, match="already has the status 'new'"):
        PIPELINE.set_status(lead, "new", at=at)
    with pytest.raises(TransitionError, match="it has no statuses"):
        PIPELINE.set_status(walk("inquiry"), "new", at=at)
    with pytest.raises(TransitionError, match="has no stage"):
        PIPELINE.set_status(new_lead(), "new", at=at)
    with pytest.raises(TransitionError, match="is not a status of stage sal"):
        PIPELINE.advance(walk("inquiry", "lead", "mql"), "sal", at=at, status="closed")
    assert PIPELINE.advance(walk("inquiry", "lead", "mql"), "sal", at=at, status="connected").status == "connected"


def test_a_status_needs_a_stage_and_must_match_the_history() -> None:
    with pytest.raises(ValidationError, match="status: expected no status while the lead has no stage"):
        new_lead(status="new")
    lead = walk("inquiry", "lead", "mql", "sal")
    with pytest.raises(ValidationError, match="the last status in the history"):
        attrs.evolve(lead, status="connected")


# --- questions ------------------------------------------------------------------------------------


def test_allowed_lists_every_move_with_its_guard_verdict() -> None:
    lead = walk("inquiry", "lead")
    moves = {m.target: m for m in PIPELINE.allowed(lead, qual(total=80, grade="B"))}
    assert set(moves) == {"mql", "sal", "nurture", "disqualified"}
    assert not moves["mql"].ok
    assert "total 80, grade B" in moves["mql"].reasons[0]
    assert moves["nurture"].ok
    assert moves["nurture"].requires_reason
    assert PIPELINE.allowed(new_lead(), at=T0)[0].target == "inquiry"


def test_allowed_agrees_with_advance() -> None:
    lead = walk("inquiry", "lead")
    for q in (qual(), qual(mql=True), qual(sales_ready=True)):
        for move in PIPELINE.allowed(lead, q):
            if move.ok:
                assert PIPELINE.advance(lead, move.target, at=T0 + 5 * HOUR, reason="r", qualification=q)
            else:
                with pytest.raises(TransitionError):
                    PIPELINE.advance(lead, move.target, at=T0 + 5 * HOUR, reason="r", qualification=q)


def test_questions_need_a_moment() -> None:
    with pytest.raises(ValidationError, match="pass at="):
        PIPELINE.allowed(new_lead())
    with pytest.raises(ValidationError, match="at: naive datetime"):
        PIPELINE.suggest(new_lead(), at=datetime(2026, 1, 1))


def test_suggest_follows_the_policy() -> None:
    assert PIPELINE.suggest(new_lead(), at=T0) is not None
    inquiry = walk("inquiry")
    assert PIPELINE.suggest(inquiry, qual()).target == "lead"  # type: ignore[union-attr]
    lead = walk("lead", lead=inquiry)
    assert PIPELINE.suggest(lead, qual()) is None
    hand_raiser = PIPELINE.suggest(lead, qual(sales_ready=True))
    assert hand_raiser is not None
    assert (hand_raiser.target, hand_raiser.transition, hand_raiser.reason) == ("sal", "fast_track", "hand_raiser")
    mql = PIPELINE.suggest(lead, qual(mql=True))
    assert mql is not None
    assert (mql.target, mql.reason) == ("mql", "crossed_mql_threshold")
    assert str(mql) == "lead -> mql (promote): crossed the MQL threshold"


def test_a_cold_lead_in_nurture_stays() -> None:
    nurtured = walk("inquiry", "lead", "nurture")
    assert PIPELINE.suggest(nurtured, qual(temperature=Temperature.COLD)) is None
    assert PIPELINE.suggest(nurtured, qual(mql=True, temperature=Temperature.COLD)) is None
    back = PIPELINE.suggest(nurtured, qual(mql=True, temperature=Temperature.WARM))
    assert back is not None
    assert (back.target, back.reason) == ("mql", "re_engaged")


def test_the_policy_demotes_an_mql_only_below_the_lower_bar() -> None:
    mql = walk("inquiry", "lead", "mql")
    # No longer MQL but still warm: inside the hysteresis band, it stays.
    assert PIPELINE.suggest(mql, qual(temperature=Temperature.WARM)) is None
    cold = PIPELINE.suggest(mql, qual(temperature=Temperature.COLD))
    assert cold is not None
    assert (cold.target, cold.reason) == ("nurture", "went_cold")
    # Still flagged MQL: never demoted, however cold.
    assert PIPELINE.suggest(mql, qual(mql=True, temperature=Temperature.COLD)) is None


def test_the_policy_recycles_a_quiet_mql() -> None:
    mql = walk("inquiry", "lead", "mql", lead=new_lead(interactions=[Interaction(kind="page_view", at=T0)]))
    warm = qual(temperature=Temperature.WARM, at=T0 + timedelta(days=31))
    quiet = PIPELINE.suggest(mql, warm)
    assert quiet is not None
    assert (quiet.target, quiet.reason) == ("nurture", "went_quiet")
    assert PIPELINE.suggest(mql, attrs.evolve(warm, as_of=T0 + timedelta(days=20))) is None


def test_auto_advance_records_reason_codes() -> None:
    moved = PIPELINE.auto_advance(new_lead(), qual(mql=True, temperature=Temperature.WARM))
    assert [(c.to_stage, c.reason, c.by) for c in moved.history] == [
        ("inquiry", "entered", "policy"),
        ("lead", "contactable", "policy"),
        ("mql", "crossed_mql_threshold", "policy"),
    ]
    assert PIPELINE.auto_advance(moved, qual(mql=True)) == moved


@given(totals=st.lists(st.floats(0, 200), min_size=1, max_size=30))
def test_the_default_policy_does_not_flap(totals: list[float]) -> None:
    """With an MQL bar of 100 and a cold line of 50, scores moving inside the band never move the lead."""

    def judged(total: float) -> Qualification:
        temperature = Temperature.COLD if total < 50 else Temperature.WARM
        return qual(total=total, mql=total >= 100, temperature=temperature)

    lead = walk("inquiry", "lead")
    at = T0 + 10 * HOUR
    stages = []
    for total in totals:
        at += HOUR
        lead = PIPELINE.auto_advance(lead, judged(total), at=at)
        stages.append(lead.stage)
        # Every stay is consistent with the band: MQL needs a past crossing of 100, nurture a fall below 50.
        if lead.stage == "mql":
            assert any(t >= 100 for t in totals[: len(stages)])
    moves = sum(1 for c in lead.history if c.at > T0 + 10 * HOUR)
    crossings = sum(1 for a, b in zip([60.0, *totals], totals, strict=False) if (a < 100 <= b) or (a >= 50 > b))
    assert moves <= crossings


def test_replay_rebuilds_the_stage() -> None:
    lead = walk("inquiry", "lead", "mql", "sal", "nurture", q=qual(mql=True))
    journey = PIPELINE.replay(lead)
    assert (journey.stage, journey.status) == ("nurture", None)
    assert [v.stage for v in journey.visits] == ["inquiry", "lead", "mql", "sal", "nurture"]
    assert journey.visits[-1].left is None
    assert PIPELINE.replay(new_lead(stage="sal")).stage == "sal"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (StageChange(from_stage="lead", to_stage="sql", at=T0 + 5 * HOUR), r"history\[2\] \(lead -> sql\): not a move"),
        (StageChange(from_stage="lead", to_stage="nowhere", at=T0 + 5 * HOUR), "'nowhere' is not a stage"),
        (StageChange(from_stage="lead", to_stage="nurture", at=T0 + 5 * HOUR), "needs a reason and none is recorded"),
        (StageChange(from_stage="lead", to_stage="lead", at=T0 + 5 * HOUR), "must set a status"),
        (StageChange(from_stage="lead", to_stage="lead", at=T0 + 5 * HOUR, status="x"), "'x' is not a status"),
    ],
)
def test_replay_names_the_first_corrupted_change(change: StageChange, message: str) -> None:
    lead = walk("inquiry", "lead")
    corrupted = attrs.evolve(lead, history=(*lead.history, change), stage=change.to_stage, status=change.status)
    with pytest.raises(TransitionError, match=message) as info:
        PIPELINE.replay(corrupted)
    assert info.value.index == 2


def test_replay_explains_a_same_stage_change_without_a_status_exactly() -> None:
    """A recorded change to the same stage must carry a status; the refusal says so in full."""
    lead = walk("inquiry", "lead")
    change = StageChange(from_stage="lead", to_stage="lead", at=T0 + 5 * HOUR)
    corrupted = attrs.evolve(lead, history=(*lead.history, change))
    with pytest.raises(TransitionError) as info:
        PIPELINE.replay(corrupted)
    assert info.value.reasons == ("a change to the same stage must set a status",)
    assert str(info.value) == "lead 'L-1': history[2] (lead -> lead): a change to the same stage must set a status"


def test_time_in_stage_sums_every_stay() -> None:
    lead = walk("inquiry", "lead", "nurture", q=qual(mql=True))
    lead = PIPELINE.advance(lead, "mql", at=T0 + 10 * HOUR, qualification=qual(mql=True))
    spent = time_in_stage(lead, as_of=T0 + 12 * HOUR)
    assert spent == {"inquiry": HOUR, "lead": HOUR, "nurture": 7 * HOUR, "mql": 2 * HOUR}
    assert PIPELINE.replay(lead).time_in_stage(as_of=T0 + 12 * HOUR) == spent
    with pytest.raises(ValidationError, match="as_of: naive"):
        time_in_stage(lead, as_of=datetime(2026, 1, 1))


@given(lead=leads(), extra=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_time_in_stage_adds_up_to_the_whole_history(lead: Lead, extra: timedelta) -> None:
    if not lead.history:
        assert time_in_stage(lead, as_of=T0) == {}
        return
    as_of = lead.history[-1].at + extra
    spent = time_in_stage(lead, as_of=as_of)
    assert all(d >= timedelta(0) for d in spent.values())
    assert sum(spent.values(), timedelta(0)) == as_of - lead.history[0].at


def test_overdue_lists_sla_breaches_most_overdue_first() -> None:
    mql = walk("inquiry", "lead", "mql", q=qual(mql=True))  # entered MQL at T0 + 3h; its SLA is a day
    sal = walk("sal", lead=attrs.evolve(mql, id="L-2"))  # entered SAL at T0 + 4h; its SLA is a week
    sal = PIPELINE.set_status(sal, "attempted_to_contact", at=T0 + timedelta(days=6))
    fresh = walk("inquiry", lead=attrs.evolve(new_lead(), id="L-3"))
    as_of = T0 + timedelta(days=8)
    breaches = PIPELINE.overdue([fresh, sal, mql, new_lead(stage="mql")], as_of=as_of)
    assert [(b.lead_id, b.stage) for b in breaches] == [("L-1", "mql"), ("L-2", "sal")]
    assert breaches[0].overdue_by == as_of - (T0 + 3 * HOUR) - timedelta(days=1)
    assert breaches[1].entered == T0 + 4 * HOUR  # a status change does not restart the clock
    assert "past its 1d SLA" in str(breaches[0])
    assert PIPELINE.overdue([mql], as_of=T0 + 5 * HOUR) == ()
    # A lead imported in a stage, with only status changes recorded, counts from its first one.
    imported = PIPELINE.set_status(new_lead(stage="sal", status="new"), "connected", at=T0)
    assert [b.entered for b in PIPELINE.overdue([imported], as_of=T0 + timedelta(days=8))] == [T0]
    with pytest.raises(ValidationError, match="as_of: expected a timezone-aware datetime"):
        PIPELINE.overdue([imported], as_of="today")  # type: ignore[arg-type]


# --- building pipelines ---------------------------------------------------------------------------


def _pipeline(**changes: Any) -> Pipeline:
    parts: dict[str, Any] = {
        "name": "p",
        "stages": [Stage(name="new"), Stage(name="open"), Stage(name="won", terminal=True)],
        "transitions": [
            Transition(name="start", sources="new", target="open"),
            Transition(name="win", sources="open", target="won"),
        ],
        "initial": "new",
    }
    return Pipeline(**(parts | changes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"initial": "gone"}, "initial: unknown stage 'gone'; expected one of the stages 'new', 'open', 'won'"),
        ({"stages": [Stage(name="new"), Stage(name="new")]}, r"stages\[1\].name: expected a name no other stage uses"),
        (
            {"transitions": [Transition(name="start", sources="new", target="opne")]},
            r"transitions\[0\].to: unknown stage 'opne' \(did you mean 'open'\?\)",
        ),
        (
            {"stages": [Stage(name="new"), Stage(name="open"), Stage(name="won", terminal=True), Stage(name="x")]},
            "unreachable stages: 'x'",
        ),
        ({"transitions": [Transition(name="start", sources="new", target="open")]}, "stages with no way out: 'open'"),
        (
            {"stages": [Stage(name="new", terminal=True), Stage(name="open"), Stage(name="won", terminal=True)]},
            r"transitions\[0\].from: leaves a terminal stage",
        ),
        (
            {
                "transitions": [
                    Transition(name="start", sources="new", target="open", reopens=True),
                    Transition(name="win", sources="open", target="won"),
                ]
            },
            r"transitions\[0\].reopens: not terminal",
        ),
        (
            {
                "transitions": [
                    Transition(name="start", sources="new", target="open"),
                    Transition(name="start", sources="open", target="won"),
                ]
            },
            r"transitions\[1\].name: expected a name no other move uses",
        ),
        (
            {
                "transitions": [
                    Transition(name="start", sources="new", target="open"),
                    Transition(name="again", sources="new", target="open"),
                    Transition(name="win", sources="open", target="won"),
                ]
            },
            "new -> open is already the move 'start'",
        ),
        ({"transitions": [Transition(name="loop", sources=["new"], target="new")]}, "a move to itself"),
        (
            {"policy": [AutoMove(sources="new", target="won", reason="x")]},
            r"policy\[0\].from: new -> won is not a move of the pipeline",
        ),
        ({"policy": [AutoMove(sources="nope", target="won", reason="x")]}, "unknown stage 'nope'"),
    ],
)
def test_invalid_pipelines_are_refused_with_the_offending_stages(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _pipeline(**changes)


def test_a_stage_with_no_way_out_is_reported_at_stages() -> None:
    """A non-terminal stage no move leaves is one problem located at ``stages``, naming the stage."""
    moves = [
        Transition(name="start", sources="new", target="open"),
        Transition(name="win", sources="new", target="won"),
    ]
    with pytest.raises(ConfigError) as info:
        _pipeline(transitions=moves)
    assert info.value.path == "stages"
    assert str(info.value) == (
        "stages: stages with no way out: 'open'; expected a way out of every stage that is not terminal "
        "(add a move, or mark it terminal: true)"
    )


def test_several_graph_problems_are_reported_together() -> None:
    stages = [Stage(name="new"), Stage(name="open"), Stage(name="a"), Stage(name="b")]
    with pytest.raises(ConfigError) as info:
        _pipeline(stages=stages, transitions=[Transition(name="start", sources="new", target="open")])
    assert "unreachable stages: 'a', 'b'" in str(info.value)
    assert "stages with no way out: 'open', 'a', 'b'" in str(info.value)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Stage(name=""), "name: expected non-empty text"),
        (lambda: Stage(name="a", sla=timedelta(0)), "sla: expected a positive timedelta"),
        (lambda: Stage(name="a", statuses=[1]), r"statuses\[0\]: expected non-empty text"),
        (lambda: Transition(name="t", sources=[], target="a"), "sources: expected at least one stage name"),
        (lambda: Transition(name="t", sources="a", target="b", guards=["mql"]), r"guards\[0\]: expected a guard"),
        (lambda: Pipeline(stages=[], transitions=[], initial="a"), "stages: expected a non-empty list of Stage"),
        (lambda: MinScore("high"), "value: expected a finite number"),
        (lambda: QuietFor(timedelta(0)), "period: expected a positive timedelta"),
    ],
)
def test_parts_are_validated(build: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()


def test_lookups() -> None:
    assert PIPELINE.stage("mql").sla == timedelta(days=1)
    with pytest.raises(TransitionError, match="'MQL' is not a stage of pipeline 'default'"):
        PIPELINE.stage("MQL")
    assert [t.name for t in PIPELINE.moves_from(None)] == ["enter"]


def test_pipelines_and_errors_pickle() -> None:
    assert pickle.loads(pickle.dumps(PIPELINE)) == PIPELINE
    copy = pickle.loads(pickle.dumps(PIPELINE))
    assert copy.advance(new_lead(), "inquiry", at=T0).stage == "inquiry"
    with pytest.raises(TransitionError) as info:
        PIPELINE.advance(walk("inquiry"), "sql", at=T0 + 5 * HOUR)
    again = pickle.loads(pickle.dumps(info.value))
    assert (str(again), again.allowed, again.current) == (str(info.value), info.value.allowed, info.value.current)


def test_not_does_not_read_a_missing_qualification_as_failing() -> None:
    lead = new_lead()
    for inner in (IsMQL(), AnyGuard([IsMQL(), SalesReady()]), AnyGuard([IsMQL(), StatusIn(["connected"])])):
        assert NotGuard(inner).check(lead, None, T0) != ()
        assert NotGuard(inner).check(lead, qual(), T0) == ()
    assert NotGuard(IsMQL()).check(lead, qual(mql=True), T0) == ("not mql",)


@pytest.mark.parametrize(
    ("bant", "reason"),
    [
        (
            BANT(budget="no", authority="partial", need="yes"),
            "BANT: budget not met, authority partly met, timeline unknown; 1 of 3 needed criteria met",
        ),
        (
            BANT(budget="partial", authority="yes", need="yes", timeline="no"),
            "BANT: budget partly met, timeline not met; 2 of 3 needed criteria met",
        ),
    ],
)
def test_bant_qualified_words_each_missing_criterion_by_its_status(bant: BANT, reason: str) -> None:
    """Each missing criterion is worded by its status: "not met", "partly met" or "unknown"."""
    lead = Lead(id="L-1", created_at=T0, bant=bant)
    assert BantQualified().check(lead, None, T0) == (reason,)


def test_quiet_for_counts_an_interaction_at_the_very_moment() -> None:
    """An interaction at the moment judged breaks the silence: the lead was not quiet at all."""
    lead = new_lead(interactions=[Interaction(kind="page_view", at=T0 + timedelta(days=5))])
    assert QuietFor(timedelta(days=2)).check(lead, None, T0 + timedelta(days=5)) == (
        "2d without interaction (last one at the same moment)",
    )
    # Before the interaction happened, it does not count: the lead has been quiet since it was created.
    assert QuietFor(timedelta(days=2)).check(lead, None, T0 + timedelta(days=4)) == ()


def test_not_passes_the_moment_to_its_guard() -> None:
    """``not`` judges its guard at the same moment: a quiet_for inside it sees the time since the last interaction."""
    lead = new_lead(interactions=[Interaction(kind="page_view", at=T0 + timedelta(days=5))])
    not_quiet = NotGuard(QuietFor(timedelta(days=2)))
    assert not_quiet.check(lead, None, T0 + timedelta(days=6)) == ()
    assert not_quiet.check(lead, None, T0 + timedelta(days=7)) == ("not quiet_for: 2d",)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: MinGrade("E"), "grade: expected one of the grades A, B, C, D (got 'E')"),
        (lambda: QuietFor(timedelta(0)), "period: expected a positive timedelta (got datetime.timedelta(0))"),
        (lambda: QuietFor(3), "period: expected a positive timedelta (got 3)"),
    ],
)
def test_guard_settings_are_refused_with_the_whole_message(build: Any, message: str) -> None:
    """A bad guard setting names the field, what it expects and the value given."""
    with pytest.raises(ValidationError) as info:
        build()
    assert str(info.value) == message


def test_bant_qualified_takes_another_checklist_by_name() -> None:
    assert BantQualified("MEDDIC").checklist.name == "MEDDIC"
    reasons = BantQualified("CHAMP").check(new_lead(), None, T0)
    assert reasons[0].startswith("CHAMP: ")


def test_guards_in_isolation() -> None:
    lead = new_lead(interactions=[Interaction(kind="page_view", at=T0)])
    assert Contactable().check(lead, None, T0) == ()
    assert IsMQL().check(lead, qual(mql=True), T0) == ()
    assert MinScore(40).check(lead, qual(total=39), T0) == ("a total of at least 40 (is 39)",)
    assert MinScore(40, "nope").check(lead, qual(total=50), T0) == ("a nope score (the model has no scorer 'nope')",)
    assert ScoreBelow(40).check(lead, qual(total=39), T0) == ()
    assert QuietFor(timedelta(days=2)).check(lead, None, T0 + timedelta(days=1)) == (
        "2d without interaction (last one 1d before)",
    )
    assert QuietFor(timedelta(days=2)).check(lead, None, T0 + timedelta(days=2)) == ()


# --- the whole sample -----------------------------------------------------------------------------


def test_every_sample_lead_walks_the_default_policy_and_replays() -> None:
    model = default_model()
    moved = []
    for lead in load_sample_leads().leads:
        q = model.qualify(lead, as_of=SAMPLE_AS_OF)
        walked = PIPELINE.auto_advance(lead, q)
        assert PIPELINE.replay(walked).stage == walked.stage
        assert walked.stage in {"lead", "mql", "sal", "inquiry"}
        moved.append(walked.stage)
    assert {"lead", "mql", "sal"} <= set(moved)


@given(at=aware_datetimes())
def test_moves_at_any_aware_time_are_accepted_in_order(at: datetime) -> None:
    lead = PIPELINE.advance(new_lead(), "inquiry", at=at)
    later = PIPELINE.advance(lead, "lead", at=at.astimezone(timezone.utc))
    assert later.history[-1].at == at


# --- pictures -------------------------------------------------------------------------------------

_PICTURED = Pipeline(
    name="p",
    stages=[
        Stage(name="new", owner="sales team"),
        Stage(name="in review", owner="sales team"),
        Stage(name="won", terminal=True, owner="ops"),
    ],
    transitions=[
        Transition(name="start", sources="new", target="in review", guards=[Contactable()]),
        Transition(name="win", sources="in review", target="won"),
    ],
    initial="new",
)


def test_mermaid_gives_odd_names_safe_ids_and_owners_safe_classes() -> None:
    """A stage name that is not a plain identifier gets an ``s<index>`` id; an owner's class has ``_`` for odd chars."""
    assert _PICTURED.to_mermaid() == (
        "stateDiagram-v2\n"
        "    direction LR\n"
        "    [*] --> new\n"
        '    state "in review" as s1\n'
        "    new --> s1: start *\n"
        "    s1 --> won: win\n"
        "    won --> [*]\n"
        "    classDef sales_team fill:#e3f2fd\n"
        "    class new,s1 sales_team\n"
        "    classDef ops fill:#fff3e0\n"
        "    class won ops\n"
    )


def test_dot_draws_terminal_stages_and_guarded_moves_apart() -> None:
    """The DOT digraph runs left to right; terminal stages are double circles and only guarded moves are dashed."""
    assert _PICTURED.to_dot() == (
        'digraph "p" {\n'
        "    rankdir=LR;\n"
        "    node [shape=box, style=rounded];\n"
        '    __start [shape=point, label=""];\n'
        '    __start -> "new";\n'
        '    "new" [label="new", tooltip="sales team"];\n'
        '    "in review" [label="in review", tooltip="sales team"];\n'
        '    "won" [label="won", shape=doublecircle, tooltip="ops"];\n'
        '    "new" -> "in review" [label="start", style=dashed];\n'
        '    "in review" -> "won" [label="win"];\n'
        "}\n"
    )
