"""Pipelines as YAML: loading, every documented error with its line, round trips, plugins, fuzzed documents."""

from __future__ import annotations

import contextlib
import copy
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit import (
    ConfigError,
    Lead,
    Pipeline,
    TransitionError,
    default_pipeline,
    default_pipeline_path,
    guard_names,
    load_pipeline,
    register_guard,
)
from leadkit.stages import guards as guards_module
from leadkit.stages.guards import (
    AllGuards,
    AnyGuard,
    IsMQL,
    MinScore,
    ScoreBelow,
    guard_from_data,
    guard_to_data,
)
from leadkit.testing import guards, json_values, pipelines

from .conftest import T0

SMALL = """\
version: 1
name: small
initial: new
stages:
  - name: new
  - name: working
    statuses: [new, connected]
    sla: 2d
  - name: won
    terminal: true
transitions:
  - name: start
    from: new
    to: working
    guards: [contactable]
  - name: win
    from: working
    to: won
    guards:
      - min_score: 40
"""


def test_the_default_pipeline_loads_and_round_trips() -> None:
    pipeline = default_pipeline()
    assert pipeline is default_pipeline()  # read once
    assert load_pipeline(default_pipeline_path()) == pipeline
    assert Pipeline.from_yaml(pipeline.to_yaml()) == pipeline
    assert Pipeline.from_dict(pipeline.to_dict()) == pipeline
    assert [s.name for s in pipeline.stages][:7] == ["inquiry", "lead", "mql", "sal", "sql", "opportunity", "customer"]


def test_a_small_pipeline_reads_as_written() -> None:
    pipeline = Pipeline.from_yaml(SMALL)
    assert pipeline.stage("working").statuses == ("new", "connected")
    assert pipeline.transitions[1].guards == (MinScore(40),)
    assert pipeline.to_dict()["transitions"][1] == {
        "name": "win",
        "from": "working",
        "to": "won",
        "guards": [{"min_score": 40}],
    }


def _broken(old: str, new: str) -> str:
    assert old in SMALL
    return SMALL.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "path", "line", "fragment"),
    [
        (
            _broken("    to: working", "    to: workin"),
            "transitions[0].to",
            14,
            "unknown stage 'workin' (did you mean 'working'?)",
        ),
        (_broken("    from: working", "    from: [working, lost]"), "transitions[1].from", 17, "unknown stage 'lost'"),
        (_broken("initial: new", "initial: nwe"), "initial", 3, "unknown stage 'nwe' (did you mean 'new'?)"),
        (_broken("initial: new\n", ""), "initial", 1, "missing key"),
        (_broken("  - name: won\n", "  - name: won\n  - name: lost\n"), "stages", 5, "unreachable stages: 'lost'"),
        (_broken("  - name: won\n", "  - name: new\n"), "stages[2].name", 9, "expected a name no other stage uses"),
        (_broken("  - name: win", "  - name: start"), "transitions[1].name", 16, "a name no other move uses"),
        (
            _broken("[contactable]", "[contactible]"),
            "transitions[0].guards[0]",
            15,
            "unknown guard 'contactible' (did you mean 'contactable'?)",
        ),
        (_broken("min_score: 40", "min_score: lots"), "transitions[1].guards[0].min_score", 20, "expected a number"),
        (_broken("min_score: 40", "min_grade: E"), "transitions[1].guards[0].min_grade", 20, "one of the grades"),
        (_broken("[contactable]", "[quiet_for]"), "transitions[0].guards[0]", 15, "missing setting"),
        (_broken("[contactable]", "[{quiet_for: soon}]"), "transitions[0].guards[0].quiet_for", 15, "a duration"),
        (_broken("    sla: 2d", "    sla: -2d"), "stages[1].sla", 8, "a duration"),
        (_broken("version: 1", "version: 2"), "version", 1, "version 1"),
        (
            _broken("    to: working", "    to: working\n    too: won"),
            "transitions[0].too",
            15,
            "unknown key 'too' (did you mean 'to'?)",
        ),
        (_broken("  - name: new\n", "  - name: new\n    name: again\n"), "stages[0].name", 6, "duplicate key"),
        (_broken("    terminal: true", "    terminal: yes please"), "stages[2].terminal", 10, "true or false"),
        (
            SMALL + "policy:\n  - from: new\n    to: won\n    reason: skip\n",
            "policy[0].from",
            22,
            "not a move of the pipeline",
        ),
        (SMALL + "policy:\n  - from: new\n    to: working\n", "policy[0].reason", 22, "missing key"),
        ("version: 1\nstages: []\ntransitions: []\ninitial: a\n", "stages", 2, "a non-empty list of Stage"),
        ("- just\n- a list\n", "<document>", 1, "a mapping with the keys"),
        ("version: 1\nstages: {a: 1}\n", "initial", 1, "missing key"),
        ("version: [1\n", "<document>", 2, "invalid YAML"),
        ("!!python/object:os.system {}\n", "<document>", 1, "invalid YAML"),
    ],
)
def test_every_problem_names_its_path_and_line(text: str, path: str, line: int | None, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        Pipeline.from_yaml(text)
    error = info.value
    assert fragment in str(error)
    assert error.path == path
    assert error.line == line


_TWO_STAGES = "version: 1\ninitial: a\nstages: [{name: a}, {name: b, terminal: true}]\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _TWO_STAGES + "transitions: [{name: t, from: a, to: ''}]\n",
            "transitions[0].to (line 4): expected non-empty text (got None)",
        ),
        (
            _TWO_STAGES + "transitions: [{name: t, from: a, to: b}]\npolicy: [{from: a, to: 3, reason: r}]\n",
            "policy[0].to (line 5): expected non-empty text (got 3)",
        ),
        (
            "version: 1\ninitial: a\nstages: {a: 1}\ntransitions: []\n",
            "stages (line 3): expected a list (got {'a': 1})",
        ),
    ],
)
def test_errors_name_the_yaml_keys_not_the_python_fields(text: str, message: str) -> None:
    """A bad ``to`` is reported under ``to`` (not the Python field ``target``), a bad stage list at ``stages``."""
    with pytest.raises(ConfigError) as info:
        Pipeline.from_yaml(text)
    assert str(info.value) == message
    assert info.value.path == message.split(" ", 1)[0]


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="a readable YAML file"):
        load_pipeline(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    "data",
    [
        "contactable",
        "mql",
        "sales_ready",
        "bant_qualified",
        {"bant_qualified": {"checklist": "MEDDIC"}},
        {"min_score": 40},
        {"min_score": {"value": 10, "scorer": "engagement"}},
        {"score_below": 12.5},
        {"min_grade": "B"},
        {"min_temperature": "warm"},
        {"max_temperature": "cold"},
        {"quiet_for": "30d"},
        {"status_in": ["connected"]},
        {"any": ["mql", {"min_score": 5}]},
        {"all": ["mql", "contactable"]},
        {"not": {"quiet_for": "1w"}},
    ],
)
def test_every_built_in_guard_reads_and_writes(data: Any) -> None:
    guard = guard_from_data(data)
    assert guard_from_data(guard_to_data(guard)) == guard
    assert guard.name in guard_names()


@pytest.mark.parametrize(
    ("factory", "cls", "value", "expected"),
    [
        ("_read_score", MinScore, {"value": 10, "scorer": "engagement"}, MinScore(10, "engagement")),
        ("_read_score", MinScore, {"value": 10}, MinScore(10)),
        ("_read_score", ScoreBelow, 12.5, ScoreBelow(12.5)),
        ("_read_list", AnyGuard, ["mql", {"min_score": 5}], AnyGuard([IsMQL(), MinScore(5)])),
        ("_read_list", AllGuards, [{"score_below": 3}], AllGuards([ScoreBelow(3)])),
    ],
)
def test_freshly_built_guard_readers_read_every_form(factory: str, cls: type, value: Any, expected: Any) -> None:
    """The readers of score and list guards read each setting form.

    The reader table is built once at import; these readers are built in the test, so the factories themselves
    are checked.
    """
    reader = getattr(guards_module, factory)(cls)
    assert reader(value, ("guards", 0)) == expected


def test_a_freshly_built_score_reader_locates_a_bad_number() -> None:
    """A bad bare threshold is reported at the guard's own path."""
    with pytest.raises(ConfigError) as info:
        guards_module._read_score(MinScore)("lots", ("guards", 0, "min_score"))
    assert str(info.value) == "guards[0].min_score: expected a number (got 'lots')"


def test_a_bare_status_in_setting_is_one_status() -> None:
    assert guard_to_data(guard_from_data({"status_in": "connected"})) == {"status_in": ["connected"]}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (3, "a guard: a name, or a mapping of one name to its setting"),
        ({"mql": None, "sales_ready": None}, "a guard: a name, or a mapping"),
        ({"any": []}, "a non-empty list of guards"),
        ({"any": "mql"}, "a list"),
        ({"min_score": {"value": 1, "scorer": ""}}, "a scorer name or null"),
        ({"min_score": {"points": 1}}, "unknown key 'points'"),
        ({"min_temperature": "tepid"}, "cold, warm or hot"),
        ({"bant_qualified": {"checklist": "SPIN"}}, "BANT, CHAMP, MEDDIC or a checklist mapping"),
        ({1: 2}, "a guard name"),
    ],
)
def test_bad_guards_are_config_errors(data: Any, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        guard_from_data(data, ("guards", 0))


@given(guard=guards(max_depth=2))
def test_generated_guards_round_trip(guard: Any) -> None:
    assert guard_from_data(guard_to_data(guard)) == guard


@given(pipeline=pipelines())
def test_generated_pipelines_round_trip_through_yaml(pipeline: Pipeline) -> None:
    assert Pipeline.from_yaml(pipeline.to_yaml()) == pipeline
    assert Pipeline.from_dict(pipeline.to_dict()) == pipeline


# --- custom guards --------------------------------------------------------------------------------


@attrs.frozen
class HasCompany:
    name = "test_has_company"

    def check(self, lead: Lead, qualification: object, at: object) -> tuple[str, ...]:
        return () if lead.company.name else ("a company name",)


@attrs.frozen
class EmployeesAtLeast:
    minimum: int
    name = "test_employees"

    def check(self, lead: Lead, qualification: object, at: object) -> tuple[str, ...]:
        employees = lead.company.employees
        return () if employees is not None and employees >= self.minimum else (f"{self.minimum}+ employees",)


@pytest.fixture
def registered() -> Iterator[None]:
    register_guard("test_has_company")(HasCompany)
    register_guard("test_employees")(EmployeesAtLeast)
    yield
    guards_module._REGISTRY.registered.pop("test_has_company", None)
    guards_module._REGISTRY.registered.pop("test_employees", None)


CUSTOM = SMALL.replace("[contactable]", "[test_has_company, {test_employees: 50}]")


def test_registered_guards_work_in_yaml_and_round_trip(registered: None) -> None:
    pipeline = Pipeline.from_yaml(CUSTOM)
    assert pipeline.transitions[0].guards == (HasCompany(), EmployeesAtLeast(50))
    assert Pipeline.from_yaml(pipeline.to_yaml()) == pipeline
    lead = pipeline.advance(Lead(id="L-1", created_at=T0), "new", at=T0)
    with pytest.raises(TransitionError, match="needs a company name; 50\\+ employees"):
        pipeline.advance(lead, "working", at=T0)


def test_custom_guard_errors(registered: None) -> None:
    with pytest.raises(ConfigError, match="a valid setting for the guard 'test_employees'"):
        guard_from_data({"test_employees": {"maximum": 3}})
    with pytest.raises(ConfigError, match="name taken"):
        register_guard("mql")(HasCompany)
    with pytest.raises(ConfigError, match="name taken"):
        register_guard("test_has_company")(EmployeesAtLeast)
    with pytest.raises(ConfigError, match="a non-empty guard name") as info:
        register_guard(" ")
    assert info.value.path == "guard"
    assert str(info.value) == "guard: expected a non-empty guard name (got ' ')"


def test_an_unregistered_guard_cannot_be_written() -> None:
    pipeline = Pipeline.from_yaml(SMALL)
    custom = attrs.evolve(pipeline.transitions[0], guards=[HasCompany()])
    unregistered = attrs.evolve(pipeline, transitions=[custom, pipeline.transitions[1]])
    with pytest.raises(ConfigError, match="cannot write HasCompany"):
        unregistered.to_yaml()


def test_guards_from_an_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_guards.py").write_text(
        textwrap.dedent("""\
        class Always:
            name = "always"

            def check(self, lead, qualification, at):
                return ()
        """)
    )
    dist = tmp_path / "my_guards-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: my-guards\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[leadkit.guards]\nalways = my_guards:Always\nbroken = nope:X\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert {"always", "broken"} <= set(guard_names())
    pipeline = Pipeline.from_yaml(SMALL.replace("[contactable]", "[always]"))
    assert type(pipeline.transitions[0].guards[0]).__name__ == "Always"
    assert pipeline.to_dict()["transitions"][0]["guards"] == ["always"]
    with pytest.raises(ConfigError, match="an importable guard"):
        Pipeline.from_yaml(SMALL.replace("[contactable]", "[broken]"))


# --- fuzzed documents -----------------------------------------------------------------------------

_DOCUMENT = default_pipeline().to_dict()


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*prefix, i))


_ALL_PATHS = list(_paths(_DOCUMENT))[1:]
_NAMES = st.sampled_from(["mql", "sal", "nope", "any", "not", "quiet_for", "min_score", "from", "to", "", "reopens"])


@given(
    edits=st.lists(
        st.tuples(st.sampled_from(_ALL_PATHS), st.one_of(json_values(max_leaves=4), _NAMES, st.none())),
        min_size=1,
        max_size=4,
    ),
    drop=st.booleans(),
)
def test_fuzzed_pipeline_documents_raise_only_config_errors(
    edits: list[tuple[tuple[Any, ...], Any]], drop: bool
) -> None:
    document = copy.deepcopy(_DOCUMENT)
    for path, value in edits:
        parent: Any = document
        try:
            for part in path[:-1]:
                parent = parent[part]
            if drop and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed this place
    try:
        pipeline = Pipeline.from_dict(document)
    except ConfigError:
        return  # the only error allowed to escape
    assert Pipeline.from_dict(pipeline.to_dict()) == pipeline


@given(text=st.text(max_size=300))
def test_arbitrary_text_raises_only_config_errors(text: str) -> None:
    with contextlib.suppress(ConfigError):  # the only error allowed to escape
        Pipeline.from_yaml(text)


def test_pipeline_guards_any_are_instances() -> None:
    assert isinstance(Pipeline.from_yaml(default_pipeline().to_yaml()).transitions[1].guards[0], AnyGuard)


def test_the_lifecycle_page_shows_the_default_pipeline_as_it_is() -> None:
    """The Mermaid diagram pasted in the docs is the default pipeline's own diagram."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    diagram = page.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert diagram == default_pipeline().to_mermaid()
