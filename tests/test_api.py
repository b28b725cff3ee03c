"""The public API: curated, documented, typed, light to import."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import leadkit
import leadkit.testing

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs" / "reference").glob("*.md")))
PUBLIC = [name for name in leadkit.__all__ if name != "__version__"]
TESTING = list(leadkit.testing.__all__)


def test_all_is_unique() -> None:
    """__all__ lists each public name once (ruff's RUF022 keeps it sorted)."""
    assert len(leadkit.__all__) == len(set(leadkit.__all__))
    assert len(leadkit.testing.__all__) == len(set(leadkit.testing.__all__))


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_are_documented(name: str) -> None:
    """Every public name exists, has a docstring, and is in the reference docs."""
    obj = getattr(leadkit, name)
    assert inspect.getdoc(obj), f"{name} has no docstring"
    assert re.search(rf"^::: leadkit\.{name}$", REFERENCE, re.MULTILINE), f"{name} missing from docs/reference"


@pytest.mark.parametrize("name", TESTING)
def test_testing_names_are_documented(name: str) -> None:
    """Every strategy is documented and in the reference docs."""
    assert inspect.getdoc(getattr(leadkit.testing, name))
    assert re.search(rf"^::: leadkit\.testing\.{name}$", REFERENCE, re.MULTILINE), name


def test_version_matches_metadata() -> None:
    """__version__ comes from the installed metadata."""
    from importlib.metadata import version

    assert leadkit.__version__ == version("leadkit")
    with pytest.raises(AttributeError):
        _ = leadkit.no_such_name  # type: ignore[attr-defined]


def test_py_typed_is_shipped() -> None:
    """The package is marked as typed."""
    assert (Path(leadkit.__file__).parent / "py.typed").exists()


def test_import_is_light() -> None:
    """`import leadkit` pulls in no optional dependency, neither cattrs nor yaml, and not the scorers yet."""
    code = (
        "import sys, leadkit\n"
        "heavy = {'hypothesis', 'pandas', 'polars', 'numpy', 'narwhals', 'matplotlib', 'cattrs', 'yaml'}\n"
        "loaded = {m.split('.')[0] for m in sys.modules} | set(sys.modules)\n"
        "print(sorted((heavy | {'leadkit.scoring'}) & loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_a_public_name_no_package_provides_is_an_attribute_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name listed in __all__ but found in no lazily loaded package raises AttributeError, not None."""
    monkeypatch.setattr(leadkit, "__all__", [*leadkit.__all__, "NoSuchScorer"])
    with pytest.raises(AttributeError, match="module 'leadkit' has no attribute 'NoSuchScorer'"):
        _ = leadkit.NoSuchScorer  # type: ignore[attr-defined]
    assert "NoSuchScorer" not in vars(leadkit)


def test_dir_lists_every_public_name_before_it_is_loaded() -> None:
    """dir(leadkit) offers the lazily loaded names too, for completion in notebooks and shells."""
    listed = dir(leadkit)
    assert set(leadkit.__all__) <= set(listed)
    assert listed == sorted(listed)
