"""A state machine test: random legal and illegal moves at random times, on random and default pipelines.

After every step: the stage is one of the pipeline's; the history is
consistent (each change starts where the previous ended, time never goes
back); a refused move changed nothing and was refused exactly when the
pipeline's declared data says it should be; replay rebuilds the stage;
terminal stages are left only through declared ``reopens`` moves.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from _examples import scaled
from leadkit import Contact, Lead, Pipeline, Qualification, Temperature, TransitionError, default_pipeline
from leadkit.testing import pipelines

from .conftest import T0
from .test_stages import qual

_QUALIFICATIONS = st.builds(
    qual,
    total=st.integers(0, 200).map(float),
    mql=st.booleans(),
    sales_ready=st.booleans(),
    grade=st.sampled_from("ABCD"),
    temperature=st.sampled_from(list(Temperature)),
)
_STEPS = st.one_of(st.integers(0, 48), st.integers(-3, -1)).map(lambda h: timedelta(hours=h))


class PipelineMachine(RuleBasedStateMachine):
    pipeline: Pipeline
    lead: Lead
    clock: datetime

    @initialize(pipeline=st.one_of(st.just(default_pipeline()), pipelines()), contactable=st.booleans())
    def start(self, pipeline: Pipeline, contactable: bool) -> None:
        self.pipeline = pipeline
        contact = Contact(email="ana@example.com") if contactable else Contact()
        self.lead = Lead(id="L-1", created_at=T0, contact=contact)
        self.clock = T0
        self.stages = {s.name: s for s in pipeline.stages}

    def _expected_refusal(
        self, to: str, at: datetime, reason: str | None, q: Qualification, status: str | None
    ) -> str | None:
        """Why the pipeline's declared data says the move must be refused, or None when it must pass."""
        current = self.lead.stage
        if current is None:
            move = None if to != self.pipeline.initial else ()
            guards: tuple[object, ...] = ()
            needs_reason = False
        else:
            declared = [t for t in self.pipeline.transitions if current in t.sources and t.target == to]
            move = () if declared else None
            guards = declared[0].guards if declared else ()
            needs_reason = bool(declared) and declared[0].requires_reason
        if move is None:
            return "illegal"
        if self.lead.history and at < self.lead.history[-1].at:
            return "time"
        if any(g.check(self.lead, q, at) for g in guards):  # type: ignore[attr-defined]
            return "guard"
        if needs_reason and reason is None:
            return "reason"
        if status is not None and status not in self.stages[to].statuses:
            return "status"
        return None

    @rule(
        data=st.data(),
        step=_STEPS,
        q=_QUALIFICATIONS,
        reason=st.none() | st.sampled_from(["spam", "bad timing"]),
        status=st.none() | st.sampled_from(["new", "connected", "bad_timing"]),
    )
    def advance(
        self, data: st.DataObject, step: timedelta, q: Qualification, reason: str | None, status: str | None
    ) -> None:
        declared = sorted(t.target for t in self.pipeline.moves_from(self.lead.stage))
        anywhere = st.sampled_from(sorted(self.stages))
        to = data.draw(st.one_of(st.sampled_from(declared), anywhere) if declared else anywhere)
        at = self.clock + step
        expected = self._expected_refusal(to, at, reason, q, status)
        before = self.lead
        try:
            moved = self.pipeline.advance(before, to, at=at, reason=reason, qualification=q, status=status)
        except TransitionError:
            assert expected is not None, "a move the pipeline declares and whose guards pass was refused"
            assert self.lead is before
            return
        assert expected is None, f"a move that should be refused ({expected}) was made"
        assert before.history == moved.history[:-1]
        assert moved.history[-1].to_stage == to
        self.lead = moved
        self.clock = max(self.clock, at)

    @rule(data=st.data(), step=_STEPS)
    def set_status(self, data: st.DataObject, step: timedelta) -> None:
        status = data.draw(st.sampled_from(["new", "attempted_to_contact", "connected", "bad_timing"]))
        at = self.clock + step
        stage = self.lead.stage
        legal = (
            stage is not None
            and status in self.stages[stage].statuses
            and status != self.lead.status
            and not (self.lead.history and at < self.lead.history[-1].at)
        )
        try:
            moved = self.pipeline.set_status(self.lead, status, at=at)
        except TransitionError:
            assert not legal
            return
        assert legal
        assert (moved.stage, moved.status) == (stage, status)
        self.lead = moved
        self.clock = max(self.clock, at)

    @invariant()
    def stage_is_known(self) -> None:
        if hasattr(self, "lead"):
            assert self.lead.stage is None or self.lead.stage in self.stages

    @invariant()
    def history_is_consistent(self) -> None:
        if not hasattr(self, "lead"):
            return
        history = self.lead.history
        for before, after in itertools.pairwise(history):
            assert after.from_stage == before.to_stage
            assert after.at >= before.at
        if history:
            assert history[0].from_stage is None
            assert self.lead.stage == history[-1].to_stage

    @invariant()
    def replay_rebuilds_the_stage(self) -> None:
        if hasattr(self, "lead"):
            journey = self.pipeline.replay(self.lead)
            assert (journey.stage, journey.status) == (self.lead.stage, self.lead.status)

    @invariant()
    def terminal_stages_are_left_only_by_reopening_moves(self) -> None:
        if not hasattr(self, "lead"):
            return
        moves = {(t.target, s): t for t in self.pipeline.transitions for s in t.sources}
        for change in self.lead.history:
            source = change.from_stage
            if source is not None and source != change.to_stage and self.stages[source].terminal:
                assert moves[(change.to_stage, source)].reopens


PipelineMachine.TestCase.settings = settings(max_examples=scaled(60), stateful_step_count=30, deadline=None)
TestPipelineMachine = PipelineMachine.TestCase
