"""Hostile input: how fast, and in how much memory, leadkit refuses it; how slow an accepted regex can get.

1. Hostile YAML documents (python object tags, a "billion laughs" alias
   bomb, flow and block nesting far past the depth limit, a document over
   the size limit) read as a scoring model, a pipeline and a leads file:
   the time to the error and the peak memory Python allocated meanwhile
   (tracemalloc), against the targets of 1 s and 50 MB.
2. Catastrophic regexes (nested and repeated quantifiers, repeated
   alternatives): the time to refuse each at load.
3. Accepted regexes at their worst: each pattern searched over adversarial
   texts of `MAX_MATCH_LENGTH` characters (runs of one character, with and
   without a near miss at the end), the slowest search against 1 s.

Usage: python benchmarks/hostile_input.py
"""

from __future__ import annotations

import re
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import leadkit
from leadkit import _yaml
from leadkit.scoring.conditions import MAX_MATCH_LENGTH, MAX_REGEX_WAYS, regex_problem

SECONDS = 1.0
MEGABYTES = 50.0

BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9 if previous else ['lol'] * 9)}]\n"
    for previous, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)

DOCUMENTS = {
    "python object tag": "!!python/object/apply:os.system ['echo pwned']",
    "billion laughs (10^9 values)": BILLION_LAUGHS,
    "flow lists 1,000,000 deep": "[" * 1_000_000 + "]" * 1_000_000,
    "flow mappings 200,000 deep": "{a: " * 200_000 + "1" + "}" * 200_000,
    "block mappings 5,000 deep": "".join(f"{' ' * i}k:\n" for i in range(5_000)) + " " * 5_000 + "x: 1\n",
    "a document of 10 MB + 1 byte": "#" * _yaml.MAX_BYTES + "\n",
}

CATASTROPHIC = [
    "(a+)+$",
    "(a*)*b",
    r"(\w+\s?)*$",
    "(a|a)*$",
    "(a|aa)+b",
    "(a|aa){1,50}b",
    "a*a*a*b",
    ".*.*x",
    "(.*a){20}",
    r"^(([a-z])+.)+[A-Z]([a-z])+$",
]

ACCEPTED = [
    r"\b(manager|head|director|lead|architect|vp)\b",  # the default model's
    r"@example[.](com|net|org)$",  # the default model's
    r".*x",
    r"\w+@example",
    r"^[a-z]+-\d{1,4}$",
    r"\s{1,5}of\s{1,5}sales",
    r"(?:\d|-){3}",
    r"[a-z]{1,9}\d{1,99}x",
]


def _measured(run: Callable[[], Any]) -> tuple[float, float, str]:
    """Seconds, peak MB allocated and the error's class from ``run()`` (which should raise)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        run()
    except leadkit.LeadkitError as exc:
        outcome = type(exc).__name__
    else:
        outcome = "ACCEPTED"
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6, outcome


def hostile_documents(folder: Path) -> bool:
    print(f"1. Hostile YAML (limits: {_yaml.MAX_BYTES:,} bytes, {_yaml.MAX_DEPTH} levels, {_yaml.MAX_VALUES:,} values)")
    print(f"   {'document':<30} {'read as':<10} {'error':<16} {'seconds':>8} {'peak MB':>8}")
    ok = True
    for name, text in DOCUMENTS.items():
        path = folder / "hostile.yaml"
        path.write_text(text, encoding="utf-8")
        readers: dict[str, Callable[[], Any]] = {
            "model": lambda p=path: leadkit.load_model(p),  # type: ignore[misc]
            "pipeline": lambda p=path: leadkit.load_pipeline(p),  # type: ignore[misc]
            "leads": lambda p=path: leadkit.read_leads(p, errors="collect"),  # type: ignore[misc]
        }
        for reader, run in readers.items():
            seconds, peak, outcome = _measured(run)
            ok &= outcome != "ACCEPTED" and seconds <= SECONDS and peak <= MEGABYTES
            print(f"   {name:<30} {reader:<10} {outcome:<16} {seconds:>8.3f} {peak:>8.1f}")
    return ok


def catastrophic_patterns() -> bool:
    print()
    print(f"2. Catastrophic regexes refused at load (at most {MAX_REGEX_WAYS:,} ways to match at one place)")
    ok = True
    for pattern in CATASTROPHIC:
        condition = {"field": "contact.title", "matches": pattern}
        seconds, _, outcome = _measured(lambda c=condition: leadkit.parse_condition(c))  # type: ignore[misc]
        ok &= outcome == "ConfigError"
        print(f"   {pattern:<34} {outcome:<12} {seconds * 1e6:>8.0f} µs")
    return ok


def accepted_patterns() -> bool:
    print()
    print(f"3. Accepted regexes at their worst, over adversarial texts of {MAX_MATCH_LENGTH:,} characters")
    ok = True
    texts = [c * MAX_MATCH_LENGTH for c in "a1 -@x"] + [c * (MAX_MATCH_LENGTH - 1) + "!" for c in "a1 -"]
    for pattern in ACCEPTED:
        assert regex_problem(pattern) is None, pattern
        compiled = re.compile(pattern)
        worst = 0.0
        for text in texts:
            start = time.perf_counter()
            compiled.search(text)
            worst = max(worst, time.perf_counter() - start)
        ok &= worst <= SECONDS
        print(f"   {pattern:<48} slowest search {worst * 1e3:>8.2f} ms")
    return ok


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ok = hostile_documents(Path(folder))
    ok &= catastrophic_patterns()
    ok &= accepted_patterns()
    print()
    print(
        f"targets: refused within {SECONDS:g} s and {MEGABYTES:g} MB, accepted regexes within {SECONDS:g} s: ", end=""
    )
    print("PASS" if ok else "MISS")


if __name__ == "__main__":
    main()
