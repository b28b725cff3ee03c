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
