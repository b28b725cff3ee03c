"""Hostile YAML: object tags, alias bombs, deep nesting and oversized documents are refused.

Every refusal is a LeadkitError naming what was wrong and the limit; the
limits are `leadkit._yaml.MAX_BYTES`, `MAX_DEPTH` and `MAX_VALUES`. How
fast and in how much memory they are refused is measured in
``benchmarks/hostile_input.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from leadkit import ConfigError, Lead, LeadkitError, ValidationError, _yaml, load_model, load_pipeline, read_leads

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

PYTHON_TAGS = [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/object/new:builtins.list [[1]]",
    "!!python/name:os.system",
    "id: !!python/object:collections.OrderedDict {}",
]


def _hostile_documents() -> list[tuple[str, str]]:
    return [
        ("billion laughs", BILLION_LAUGHS),
        ("deep flow lists", "[" * 100_000 + "]" * 100_000),
        ("deep flow mappings", "{a: " * 50_000 + "1" + "}" * 50_000),
        ("deep block mappings", "".join(f"{' ' * i}k{i}:\n" for i in range(150)) + " " * 150 + "x: 1\n"),
        ("oversized", "# padding\n" * (_yaml.MAX_BYTES // 10 + 1)),
        *((f"python tag {i}", tag) for i, tag in enumerate(PYTHON_TAGS)),
    ]


HOSTILE = _hostile_documents()
REASONS = {
    "billion laughs": "alias bomb",
    "deep flow lists": "nested too deeply",
    "deep flow mappings": "nested too deeply",
    "deep block mappings": "nested too deeply",
    "oversized": "document too large",
}


@pytest.mark.parametrize(("name", "text"), HOSTILE, ids=[name for name, _ in HOSTILE])
class TestRefused:
    def test_lead_documents(self, name: str, text: str) -> None:
        """Lead.from_yaml refuses it with a ValidationError that says why."""
        with pytest.raises(ValidationError) as caught:
            Lead.from_yaml(text)
        assert REASONS.get(name, "invalid YAML") in str(caught.value)

    def test_scoring_models(self, name: str, text: str, tmp_path: Path) -> None:
        """load_model refuses it with a ConfigError."""
        path = tmp_path / "model.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_model(path)
        assert REASONS.get(name, "invalid YAML") in str(caught.value)

    def test_pipelines(self, name: str, text: str, tmp_path: Path) -> None:
        """load_pipeline refuses it with a ConfigError."""
        path = tmp_path / "pipeline.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError):
            load_pipeline(path)

    def test_lead_files(self, name: str, text: str, tmp_path: Path) -> None:
        """read_leads refuses a hostile YAML leads file as a whole (it cannot be read row by row)."""
        path = tmp_path / "leads.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(LeadkitError):
            read_leads(path, errors="collect")


def test_python_tags_never_run(tmp_path: Path) -> None:
    """A python/object tag is refused before anything is constructed: the side effect never happens."""
    marker = tmp_path / "ran"
    text = f"!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]"
    with pytest.raises(ValidationError, match="invalid YAML"):
        Lead.from_yaml(text)
    assert not marker.exists()


def test_documents_at_the_limits_are_read() -> None:
    """The limits refuse only what exceeds them."""
    nested = "[" * _yaml.MAX_DEPTH + "]" * _yaml.MAX_DEPTH
    assert _yaml.load(nested).data is not None
    padded = "x: 1\n" + "#" * (_yaml.MAX_BYTES - 6) + "\n"
    assert len(padded.encode()) == _yaml.MAX_BYTES
    assert _yaml.load(padded).data == {"x": 1}
    with pytest.raises(ValidationError, match="nested too deeply"):
        _yaml.load("[" * (_yaml.MAX_DEPTH + 1) + "]" * (_yaml.MAX_DEPTH + 1))


def _values(data: Any) -> int:
    """Values in ``data`` with shared parts counted each time they appear (aliases expanded)."""
    if isinstance(data, dict):
        return 1 + sum(1 + _values(v) for v in data.values())
    if isinstance(data, list):
        return 1 + sum(_values(v) for v in data)
    return 1


_LIMIT = 60
_scalars = st.none() | st.booleans() | st.integers(-9, 9) | st.text("abc", max_size=3)


@st.composite
def _shared_documents(draw: st.DrawFn) -> Any:
    """Nested data whose parts are reused, so yaml.dump writes anchors and aliases."""
    parts: list[Any] = [draw(_scalars)]
    for _ in range(draw(st.integers(1, 6))):
        picks = draw(st.lists(st.sampled_from(parts), max_size=5))
        if draw(st.booleans()):
            parts.append(picks)
        else:
            parts.append({f"k{i}": v for i, v in enumerate(picks)})
    return parts[-1]


@given(data=_shared_documents())
def test_values_are_counted_with_aliases_expanded(data: Any) -> None:
    """A document is refused exactly when its values, aliases expanded, exceed MAX_VALUES."""
    text = yaml.safe_dump(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_yaml, "MAX_VALUES", _LIMIT)
        if _values(data) > _LIMIT:
            with pytest.raises(ValidationError, match="alias bomb"):
                _yaml.load(text)
        else:
            assert _yaml.load(text).data == data


def test_aliases_of_an_anchored_scalar_count_one_value_each() -> None:
    """An alias to a scalar counts as one value: PyYAML never writes scalar anchors, so they are checked here."""
    text = "- &x word\n- *x\n- *x\n"  # the list and three scalars: 4 values
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_yaml, "MAX_VALUES", 4)
        assert _yaml.load(text).data == ["word", "word", "word"]
        patch.setattr(_yaml, "MAX_VALUES", 3)
        with pytest.raises(ValidationError, match="alias bomb"):
            _yaml.load(text)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("a",), 2),  # a value's line: the list starts on line 2
        (("a", 1), 3),
        (("a", 1, "deeper"), 3),  # a scalar has nothing under it: the line of the scalar
        (("a", 5), 2),  # past the end of the list: the line of the list
        (("a", "x"), 2),  # a list has no keys
        (("b", "c", 0), 4),
    ],
)
def test_line_of_stops_at_the_deepest_node_the_path_reaches(path: tuple[Any, ...], line: int) -> None:
    """A path reaching below a scalar, past a list's end or by a key into a list gives the last node's line."""
    document = _yaml.load("a:\n  - 1\n  - 2\nb: {c: x}\n")
    assert document.line_of(path) == line


@pytest.mark.parametrize(
    ("text", "data"),
    [("x: !!timestamp 2024-05-01", {"x": "2024-05-01"}), ("x: !!timestamp nonsense", {"x": "nonsense"})],
)
def test_explicit_timestamps_stay_text(text: str, data: Any) -> None:
    """Times are parsed by leadkit, explicit tag or not (a bad one once escaped as an AttributeError)."""
    assert _yaml.load(text).data == data


@pytest.mark.parametrize("text", ["x: !!int abc", "x: !!float abc", "x: !!int 0x", "x: !!bool maybe"])
def test_explicit_tags_on_bad_values_are_validation_errors(text: str) -> None:
    """A tag that cannot build its value is invalid YAML, not a ValueError from the constructor."""
    with pytest.raises(ValidationError, match="invalid YAML"):
        _yaml.load(text)


def test_lone_surrogates_are_not_utf8() -> None:
    """Text that cannot be UTF-8 is a ValidationError (it once escaped as a UnicodeEncodeError)."""
    with pytest.raises(ValidationError, match="UTF-8 text"):
        _yaml.load("x: \ud800")


def test_a_small_alias_bomb_is_refused_too() -> None:
    """Five aliases of five, eight levels deep (390,625 values) stays under MAX_VALUES but not MAX_ALIASED."""
    levels = [f"l0: &l0 [{', '.join(['lol'] * 5)}]"]
    levels += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 5)}]" for i in range(1, 9)]
    with pytest.raises(ValidationError, match="reached through aliases"):
        _yaml.load("\n".join(levels))
    assert _yaml.load("\n".join(levels[:4])).data["l3"][0][0][0] == ["lol"] * 5  # 5**4 values through aliases: fine
