"""Funnel analytics: reach, conversion, time in stage, SLA breaches, groups and attribution."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit import (
    Attribution,
    Funnel,
    Interaction,
    Lead,
    MissingExtraError,
    Pipeline,
    Stage,
    StageChange,
    Transition,
    ValidationError,
    attribution,
    default_pipeline,
    funnel,
)
from leadkit.testing import aware_datetimes, histories

UTC = timezone.utc
T0 = datetime(2026, 9, 1, tzinfo=UTC)
AS_OF = datetime(2026, 11, 23, tzinfo=UTC)
CHAIN = ("a", "b", "c", "d")


def _chain() -> Pipeline:
    """A forward-only pipeline: a -> b -> c -> d, each move one step."""
    return Pipeline(
        name="chain",
        stages=[Stage(name=n, terminal=n == "d") for n in CHAIN],
        transitions=[Transition(name=f"{s}{t}", sources=s, target=t) for s, t in itertools.pairwise(CHAIN)],
        initial="a",
    )


def _lead(
    lead_id: str, stages: list[str], *, start: datetime = T0, step: timedelta = timedelta(days=1), **kw: object
) -> Lead:
    """A lead that entered ``stages`` one ``step`` apart from ``start``."""
    history, current = [], None
    for i, name in enumerate(stages):
        status = "new" if name == "sal" else None
        history.append(StageChange(from_stage=current, to_stage=name, at=start + i * step, status=status))
        current = name
    status = history[-1].status if history else None
    return Lead(id=lead_id, created_at=start, stage=current, history=history, status=status, **kw)  # type: ignore[arg-type]


MAIN = ["inquiry", "lead", "mql", "sal", "sql", "opportunity", "customer"]


# --- counts ---------------------------------------------------------------------------------------


def test_reach_counts_later_stages_and_conversion_is_from_the_previous_stage() -> None:
    people = [
        _lead("won", MAIN),
        _lead("fast", ["inquiry", "lead", "sal"]),  # fast-tracked past MQL: still reached it
        _lead("stuck", ["inquiry", "lead"]),
        _lead("new", ["inquiry"]),
    ]
    result = funnel(people, as_of=AS_OF)
    reached = {c.stage: c.reached for c in result.stages}
    assert reached == {"inquiry": 4, "lead": 3, "mql": 2, "sal": 2, "sql": 1, "opportunity": 1, "customer": 1}
    assert result.stage("mql").entered == 1
    assert result.stage("lead").conversion == pytest.approx(3 / 4)
    assert result.stage("inquiry").conversion is None
    assert result.stage("sal").current == 1
    assert result.leads == 4
    assert [c.stage for c in result.other] == ["lost", "nurture", "disqualified"]


def test_off_path_stages_count_entries() -> None:
    recycled = _lead("r", ["inquiry", "lead", "mql", "nurture", "mql"])
    result = funnel([recycled, _lead("d", ["inquiry", "disqualified"])], as_of=AS_OF)
    assert result.stage("nurture").entered == 1
    assert result.stage("nurture").conversion is None
    assert result.stage("disqualified").current == 1
    assert result.stage("mql").reached == 1  # a second stay in MQL is the same lead


def test_later_leads_and_changes_are_ignored() -> None:
    later = _lead("later", ["inquiry"], start=AS_OF + timedelta(days=1))
    moving = _lead("moving", ["inquiry", "lead", "mql"], start=AS_OF - timedelta(days=1))
    result = funnel([later, moving], as_of=AS_OF)
    assert result.leads == 1
    assert result.stage("lead").reached == 1
    assert result.stage("mql").reached == 0
    assert result.stage("lead").current == 1


def test_a_stage_without_a_history_counts_as_current() -> None:
    lead = Lead(id="x", created_at=T0, stage="sql")
    result = funnel([lead], as_of=AS_OF)
    assert result.stage("inquiry").reached == 1
    assert result.stage("sql").current == 1
    assert result.stage("sql").entered == 1
    assert result.stage("opportunity").reached == 0


def test_empty_funnel_has_no_conversion_instead_of_dividing_by_zero() -> None:
    result = funnel([], as_of=AS_OF)
    assert result.leads == 0
    assert all(c.reached == 0 and c.conversion is None for c in result.stages)
    assert "0 leads" in str(result)


def test_custom_path() -> None:
    people = [_lead("a", ["inquiry", "lead", "mql", "nurture"]), _lead("b", ["inquiry", "lead"])]
    result = funnel(people, as_of=AS_OF, path=["lead", "mql", "nurture"])
    assert [(c.stage, c.reached) for c in result.stages] == [("lead", 2), ("mql", 1), ("nurture", 1)]
    assert "inquiry" in [c.stage for c in result.other]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (["lead", "mlq"], r"path\[1\].*did you mean .mql."),
        ("lead", "a non-empty list of stage names"),
        ([], "a non-empty list of stage names"),
        (["lead", "lead"], "repeated stage"),
    ],
)
def test_bad_path(path: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        funnel([], as_of=AS_OF, path=path)  # type: ignore[arg-type]


def test_unknown_stage_in_a_history_is_named_with_its_place() -> None:
    lead = _lead("x", ["inquiry", "leed"])
    with pytest.raises(ValidationError, match=r"leads\[0\]\.history\[1\]\.to_stage.*did you mean 'lead'"):
        funnel([lead], as_of=AS_OF)
    with pytest.raises(ValidationError, match=r"leads\[0\]\.stage"):
        funnel([Lead(id="y", created_at=T0, stage="won")], as_of=AS_OF)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of": datetime(2026, 11, 23)}, "as_of"),  # naive on purpose
        ({"as_of": AS_OF, "cohort": "year"}, "'week' or 'month'"),
        ({"as_of": AS_OF, "cohort": "week", "by": "source"}, "either by or cohort"),
        ({"as_of": AS_OF, "by": 3}, "a field path"),
        ({"as_of": AS_OF, "pipeline": "default"}, "a Pipeline"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        funnel([], **kwargs)  # type: ignore[arg-type]


def test_leads_must_be_leads() -> None:
    with pytest.raises(ValidationError, match=r"leads\[1\]"):
        funnel([_lead("a", ["inquiry"]), {"id": "b"}], as_of=AS_OF)  # type: ignore[list-item]


def test_unknown_stage_lookup() -> None:
    with pytest.raises(ValidationError, match="did you mean 'mql'"):
        funnel([], as_of=AS_OF).stage("mq")


# --- time in stage and SLA ------------------------------------------------------------------------


def test_time_in_stage_percentiles_of_ended_stays() -> None:
    people = [
        _lead(f"L{d}", ["inquiry", "lead"], step=timedelta(days=d), start=T0) for d in (1, 2, 3, 4, 5)
    ]  # inquiry stays of 1..5 days, all ended; lead stays still open
    result = funnel(people, as_of=AS_OF)
    inquiry = next(t for t in result.times if t.stage == "inquiry")
    assert (inquiry.stays, inquiry.open) == (5, 0)
    assert inquiry.median == timedelta(days=3)
    assert inquiry.p25 == timedelta(days=2)
    assert inquiry.p90 == timedelta(days=4.6)
    lead = next(t for t in result.times if t.stage == "lead")
    assert (lead.stays, lead.open, lead.median) == (0, 5, None)


def test_status_changes_do_not_split_a_stay() -> None:
    history = [
        StageChange(from_stage=None, to_stage="sal", at=T0, status="new"),
        StageChange(from_stage="sal", to_stage="sal", at=T0 + timedelta(days=1), status="connected"),
        StageChange(from_stage="sal", to_stage="sql", at=T0 + timedelta(days=3)),
    ]
    lead = Lead(id="x", created_at=T0, stage="sql", history=history)
    sal = next(t for t in funnel([lead], as_of=AS_OF).times if t.stage == "sal")
    assert (sal.stays, sal.median) == (1, timedelta(days=3))


def test_sla_breaches_judge_ended_stays_and_open_ones_already_late() -> None:
    hour = timedelta(hours=1)
    people = [
        _lead("quick", ["inquiry", "lead", "mql", "sal"], step=12 * hour),  # 12 h in MQL: in time
        _lead("slow", ["inquiry", "lead", "mql", "sal"], step=48 * hour),  # 48 h: breached
        _lead("stuck", ["inquiry", "lead", "mql"], start=AS_OF - 10 * hour, step=hour),  # open, 8 h: not judged
        _lead("late", ["inquiry", "lead", "mql"], start=AS_OF - 50 * hour, step=hour),  # open, 48 h: breached
    ]
    mql = next(s for s in funnel(people, as_of=AS_OF).sla if s.stage == "mql")
    assert (mql.stays, mql.breached) == (3, 2)
    assert mql.rate == pytest.approx(2 / 3)
    assert mql.sla == timedelta(days=1)


# --- groups ---------------------------------------------------------------------------------------


def test_groups_by_field_path_channel_function_and_cohort() -> None:
    people = [
        _lead("a", MAIN, source="web", interactions=[Interaction(kind="email_open", at=T0, channel="email")]),
        _lead("b", ["inquiry", "lead"], source="web"),
        _lead("c", ["inquiry"], source="event", start=T0 + timedelta(days=40)),
        _lead("d", ["inquiry"], start=T0 + timedelta(days=40)),
    ]
    by_source = funnel(people, as_of=AS_OF, by="source")
    assert list(by_source.groups) == ["web", "(none)", "event"]  # biggest first, then by name
    assert [c.reached for c in by_source.groups["web"]][:3] == [2, 2, 1]
    assert by_source.group_by == "source"
    assert list(funnel(people, as_of=AS_OF, by="channel").groups) == ["(none)", "email"]

    def initial(lead: Lead) -> str:
        return lead.id.upper()

    assert set(funnel(people, as_of=AS_OF, by=initial).groups) == {"A", "B", "C", "D"}
    assert funnel(people, as_of=AS_OF, by=initial).group_by == "initial"
    months = funnel(people, as_of=AS_OF, cohort="month")
    assert list(months.groups) == ["2026-09", "2026-10"]
    weeks = funnel(people, as_of=AS_OF, cohort="week")
    assert list(weeks.groups) == ["2026-W36", "2026-W41"]
    assert "cohort:week" in str(weeks)


def test_field_path_of_by_is_checked() -> None:
    with pytest.raises(ValidationError, match=r"company\.industry"):
        funnel([], as_of=AS_OF, by="company.industri")


# --- output ---------------------------------------------------------------------------------------


def test_text_html_and_pandas() -> None:
    people = [_lead("a", MAIN, source="web"), _lead("b", ["inquiry", "lead"], source="event")]
    result = funnel(people, as_of=AS_OF, by="source")
    text = str(result)
    assert "customer" in text
    assert "50.0%" in text
    assert "SLA breaches: mql" in text
    html = result._repr_html_()
    assert html.startswith("<p>funnel of default")
    assert "<td>customer</td>" in html
    stages = result.to_pandas()
    assert list(stages["stage"])[:2] == ["inquiry", "lead"]
    assert stages["reached"].sum() == sum(c.reached for c in (*result.stages, *result.other))
    assert list(result.to_pandas("times").columns) == ["stage", "stays", "open", "median", "p25", "p75", "p90"]
    assert result.to_pandas("sla")["stage"].tolist() == ["mql", "sal"]
    assert len(result.to_pandas("groups")) == 2 * len(result.stages)
    with pytest.raises(ValidationError, match="part"):
        result.to_pandas("nope")  # type: ignore[arg-type]


def test_text_html_and_pandas_in_detail() -> None:
    """Rates with nothing to divide by show as ``-``; every table keeps its headers; frames keep their columns."""
    people = [_lead("a", MAIN, source="web"), _lead("b", ["inquiry", "lead"], source="event")]
    result = funnel(people, as_of=AS_OF, by="source")
    lines = str(result).splitlines()
    assert "  inquiry            2  100.0%  -                   0" in lines  # no previous stage
    assert "  time in stage  ended  open  median  p25    p75    p90" in lines
    assert "  customer           0     1  -       -      -      -" in lines  # no ended stay yet
    assert "  SLA breaches: mql 0 of 1 (0.0%), sal 0 of 1 (0.0%)" in lines
    empty = str(funnel([], as_of=AS_OF)).splitlines()
    assert "  inquiry            0  -       -                   0" in empty  # no top and no previous stage
    html = result._repr_html_()
    assert (
        "<thead><tr><th>time in stage</th><th>ended</th><th>open</th><th>median</th><th>p25</th><th>p75</th>"
        "<th>p90</th></tr></thead>" in html
    )
    assert "<tr><td>inquiry</td><td>2</td><td>100.0%</td><td>-</td><td>0</td></tr>" in html
    sla = result.to_pandas("sla")
    assert list(sla.columns) == ["stage", "sla", "stays", "breached", "rate"]
    assert sla["sla"].tolist() == [timedelta(days=1), timedelta(days=7)]
    groups = result.to_pandas("groups")
    assert list(groups.columns) == ["group", "stage", "reached", "entered", "current", "conversion"]
    assert groups["group"].tolist() == ["event"] * len(result.stages) + ["web"] * len(result.stages)
    assert groups["reached"].tolist() == [c.reached for g in ("event", "web") for c in result.groups[g]]


def test_to_pandas_names_the_extra_when_pandas_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"leadkit\[pandas\]"):
        funnel([], as_of=AS_OF).to_pandas()
    with pytest.raises(MissingExtraError, match=r"leadkit\[pandas\]"):
        attribution([], as_of=AS_OF).to_pandas()


# --- attribution ----------------------------------------------------------------------------------


def _touched(lead_id: str, stages: list[str], touches: list[tuple[int, str]]) -> Lead:
    return _lead(
        lead_id,
        stages,
        interactions=[Interaction(kind="page_view", at=T0 + timedelta(days=d), channel=c) for d, c in touches],
    )


def test_first_and_last_touch_before_conversion() -> None:
    people = [
        _touched("won", MAIN, [(0, "organic"), (2, "email"), (30, "paid")]),  # paid came after it converted
        _touched("lost", ["inquiry", "lead"], [(0, "paid")]),
        _touched("silent", MAIN, []),
    ]
    result = attribution(people, as_of=AS_OF)
    assert result.stage == "customer"
    assert (result.leads, result.converted) == (3, 2)
    assert result.credit("organic").first_touch == 1
    assert result.credit("email").last_touch == 1
    assert result.credit("paid").first_touch == 0
    assert result.credit("paid").leads == 1
    assert result.credit("(none)").first_touch == 1
    assert result.credit("events") == result.credit("events").__class__("events", 0, 0, 0)
    assert "credited by channel" in str(result)
    assert "<td>organic</td>" in result._repr_html_()
    assert result.to_pandas()["first_touch"].sum() == 2


def test_attribution_of_an_earlier_stage_by_kind_and_property() -> None:
    lead = _lead(
        "x",
        ["inquiry", "lead", "mql", "sal"],
        interactions=[
            Interaction(kind="webinar", at=T0, properties={"campaign": "spring"}),
            Interaction(kind="demo_request", at=T0 + timedelta(days=1)),
        ],
    )
    by_kind = attribution([lead], as_of=AS_OF, stage="mql", key="kind")
    assert by_kind.credit("webinar").first_touch == 1
    assert by_kind.credit("demo_request").last_touch == 1
    by_campaign = attribution([lead], as_of=AS_OF, stage="mql", key="properties.campaign")
    assert by_campaign.credit("spring").last_touch == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stage": "nurture"}, "not on the path"),
        ({"key": "source"}, "'channel', 'kind'"),
        ({"key": "properties."}, "properties.<name>"),
    ],
)
def test_bad_attribution_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        attribution([], as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------------------

_MOMENTS = aware_datetimes(
    min_value=datetime(2020, 1, 1, tzinfo=UTC), max_value=datetime(2030, 1, 1, tzinfo=UTC)
)  # the histories' range
_DEFAULT_STAGES = [s.name for s in default_pipeline().stages]
_TOUCHES = st.builds(
    Interaction,
    kind=st.sampled_from(["page_view", "webinar", "demo_request"]),
    at=_MOMENTS,
    channel=st.none() | st.sampled_from(["email", "organic", "paid"]),
)


@st.composite
def _funnel_leads(draw: st.DrawFn) -> Lead:
    """Leads with only what funnels read (the full `leads` strategy is slower and adds nothing here)."""
    history = draw(histories(stages=_DEFAULT_STAGES, max_size=6))
    return Lead(
        id=draw(st.text("abc", min_size=1, max_size=3)),
        created_at=draw(_MOMENTS),
        source=draw(st.none() | st.sampled_from(["web", "event"])),
        interactions=draw(st.lists(_TOUCHES, max_size=4)),
        stage=history[-1].to_stage if history else None,
        history=history,
        status=history[-1].status if history else None,
    )


_DEFAULT_LEADS = st.lists(_funnel_leads(), max_size=12)


@st.composite
def _chain_leads(draw: st.DrawFn) -> list[Lead]:
    """Leads moving one step at a time along the forward-only chain, each stopping anywhere."""
    people = []
    for i in range(draw(st.integers(0, 15))):
        steps = draw(st.integers(0, len(CHAIN)))
        start = draw(_MOMENTS)
        gaps = draw(st.lists(st.integers(1, 10**6), min_size=steps, max_size=steps))
        history, current, at = [], None, start
        for name, gap in zip(CHAIN, gaps, strict=False):  # the chain is cut after `steps` stages
            at += timedelta(seconds=gap)
            history.append(StageChange(from_stage=current, to_stage=name, at=at))
            current = name
        people.append(Lead(id=f"L{i}", created_at=start, stage=current, history=history))
    return people


@given(_chain_leads(), _MOMENTS)
def test_counts_never_increase_down_a_forward_only_pipeline(people: list[Lead], as_of: datetime) -> None:
    result = funnel(people, _chain(), as_of=as_of)
    entered = [c.entered for c in result.stages]
    assert entered == sorted(entered, reverse=True)  # each lead passes every stage before it
    assert entered == [c.reached for c in result.stages]  # so reach is what they entered
    for count in result.stages:
        assert count.conversion is None or 0.0 <= count.conversion <= 1.0


@given(_DEFAULT_LEADS, _MOMENTS, st.randoms(use_true_random=False))
def test_funnel_invariants_on_any_history(people: list[Lead], as_of: datetime, rnd: random.Random) -> None:
    result = funnel(people, as_of=as_of, by="source")
    reached = [c.reached for c in result.stages]
    assert reached == sorted(reached, reverse=True)
    assert all(c.entered <= c.reached <= result.leads for c in result.stages)
    assert all(c.conversion is None or 0.0 <= c.conversion <= 1.0 for c in result.stages)
    assert sum(c.current for c in (*result.stages, *result.other)) <= result.leads
    for i, count in enumerate(result.stages):  # the groups add up to the whole
        assert sum(group[i].reached for group in result.groups.values()) == count.reached
    assert all(s.breached <= s.stays for s in result.sla)
    shuffled = list(people)
    rnd.shuffle(shuffled)
    assert funnel(shuffled, as_of=as_of, by="source") == result  # order does not matter


@given(_DEFAULT_LEADS, _MOMENTS, _MOMENTS)
def test_reach_only_grows_with_time(people: list[Lead], first: datetime, second: datetime) -> None:
    early, late = sorted([first, second])
    before, after = funnel(people, as_of=early), funnel(people, as_of=late)
    assert after.leads >= before.leads
    for b, a in zip(before.stages, after.stages, strict=True):
        assert a.reached >= b.reached


@given(_DEFAULT_LEADS, _MOMENTS, st.sampled_from(["lead", "mql", "sql", "customer"]))
def test_attribution_counts_add_up(people: list[Lead], as_of: datetime, stage: str) -> None:
    result = attribution(people, as_of=as_of, stage=stage)
    assert sum(c.leads for c in result.credits) == result.leads
    assert sum(c.first_touch for c in result.credits) == result.converted
    assert sum(c.last_touch for c in result.credits) == result.converted
    assert result.converted == funnel(people, as_of=as_of).stage(stage).reached
    assert all(0.0 <= c.rate <= 1.0 for c in result.credits)


def test_results_are_immutable() -> None:
    import attrs

    result = funnel([], as_of=AS_OF)
    assert isinstance(result, Funnel)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.leads = 3  # type: ignore[misc]
    assert isinstance(attribution([], as_of=AS_OF), Attribution)


def test_channel_groups_ignore_touches_after_the_moment() -> None:
    lead = _lead(
        "a",
        ["inquiry"],
        interactions=[
            Interaction(kind="page_view", at=AS_OF + timedelta(days=1), channel="paid"),
            Interaction(kind="page_view", at=T0, channel=None),
        ],
    )
    assert list(funnel([lead], as_of=AS_OF, by="channel").groups) == ["(none)"]
    assert list(funnel([lead], as_of=AS_OF + timedelta(days=2), by="channel").groups) == ["paid"]


def test_a_bad_attribution_key_is_named_in_full() -> None:
    """An unknown ``key`` is refused with the keys that work and the one given."""
    with pytest.raises(ValidationError) as info:
        attribution([], as_of=AS_OF, key="source")
    assert str(info.value) == "key: expected 'channel', 'kind' or 'properties.<name>' (got 'source')"
    assert info.value.path == "key"
