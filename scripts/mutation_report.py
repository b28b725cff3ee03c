"""Read ``mutmut results --all true`` on stdin: list mutants by status, or print the mutation score.

Used by scripts/mutation.sh:

    mutmut results --all true | python scripts/mutation_report.py names leadkit.scoring.rules survived,timeout
    mutmut results --all true | python scripts/mutation_report.py score leadkit.scoring.rules leadkit.stages
    mutmut results --all true | python scripts/mutation_report.py names leadkit.stages.guards "not checked" --sample 40

A prefix is a module or a package (``leadkit.scoring``); the score is
killed / (total - no tests - skipped - not checked) over the mutants under the prefixes given.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

# Statuses that say nothing about the tests: no test reaches the mutant, or it was not run.
UNTESTED = ("no tests", "skipped", "not checked")


def parse(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Yield ``(mutant name, status)`` from lines like ``    leadkit.scoring.rules.x__rule__mutmut_1: killed``."""
    for line in lines:
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            yield name, status


def module_of(name: str) -> str:
    """``leadkit.scoring.rules.xǁRuleǁmatches__mutmut_3`` -> ``leadkit.scoring.rules``."""
    parts = name.split(".")
    for i, part in enumerate(parts):
        if part.startswith(("x_", "xǁ")):
            return ".".join(parts[:i])
    return name.rpartition(".")[0]


def under(name: str, prefixes: Iterable[str]) -> bool:
    """Whether the mutant belongs to one of the modules or packages named by the prefixes."""
    module = module_of(name)
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def score(counts: Counter[str]) -> tuple[int, int, float]:
    """Total, tested and killed / tested (in %) of the counts by status."""
    total = sum(counts.values())
    tested = total - sum(counts[s] for s in UNTESTED)
    return total, tested, 100 * counts["killed"] / tested if tested else float("nan")


def estimated_score(
    by_module: dict[str, Counter[str]], caught: tuple[str, ...] = ("killed",)
) -> tuple[float, float, int] | None:
    """The score over every mutant of the modules with tested mutants, estimated from each module's tested ones.

    Each module's score (killed / tested) is weighted by its number of mutants (a stratified estimate:
    with ``--sample``, the tested mutants of a module are a random sample of it); the margin is 1.96
    standard errors, with the finite-population correction (zero for a module tested in full).
    ``caught`` names the statuses that count as caught (``killed``; ``timeout`` too for the second
    figure). Returns ``(score %, margin %, mutants covered)``, or ``None`` when nothing was tested.
    """
    strata = []
    for counts in by_module.values():
        total, tested, _ = score(counts)
        if tested:
            strata.append((total, tested, sum(counts[c] for c in caught) / tested))
    covered = sum(total for total, _, _ in strata)
    if not covered:
        return None
    value = sum(total * p for total, _, p in strata) / covered
    variance = sum(
        (total / covered) ** 2 * p * (1 - p) / tested * ((total - tested) / (total - 1) if total > 1 else 0.0)
        for total, tested, p in strata
    )
    return 100 * value, 196 * math.sqrt(variance), covered


def print_score(results: list[tuple[str, str]], prefixes: list[str]) -> None:
    by_module: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for name, status in results:
        if under(name, prefixes):
            by_module[module_of(name)][status] += 1
    if not by_module:
        print("no results for " + ", ".join(prefixes) + ": run scripts/mutation.sh first")
        return
    header = ("module", "mutants", "killed", "survived", "timeout", "untested", "other", "score")
    row = "{:34} {:>8} {:>7} {:>8} {:>7} {:>8} {:>6} {:>7}"
    print(row.format(*header))
    overall: Counter[str] = Counter()
    for module, counts in sorted(by_module.items()):
        overall += counts
        total, _, pct = score(counts)
        untested = sum(counts[s] for s in UNTESTED)
        other = total - counts["killed"] - counts["survived"] - counts["timeout"] - untested
        survived, timeout = counts["survived"], counts["timeout"]
        shown = f"{pct:.1f}%" if counts["killed"] + survived + timeout + other else "-"
        print(row.format(module, total, counts["killed"], survived, timeout, untested, other, shown))
    total, tested, pct = score(overall)
    print()
    print(f"mutants: {total} (" + ", ".join(f"{s}: {n}" for s, n in sorted(overall.items())) + ")")
    print(f"mutation score: {overall['killed']} killed / {tested} tested = {pct:.1f}%")
    if overall["timeout"] and tested:
        print(f"counting timeouts as killed: {100 * (overall['killed'] + overall['timeout']) / tested:.1f}%")
    estimate = estimated_score(by_module)
    if estimate is not None:
        value, margin, covered = estimate
        print(
            f"estimated score over all {covered} mutants of the modules tested: {value:.1f}% +/- {margin:.1f}% "
            "(each module's score weighted by its mutants; 95 % interval when its tested mutants are a sample)"
        )
        if overall["timeout"]:
            value, margin, _ = estimated_score(by_module, ("killed", "timeout")) or (value, margin, covered)
            print(f"  counting timeouts as killed: {value:.1f}% +/- {margin:.1f}%")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    names = commands.add_parser("names", help="the mutants under a prefix whose status is one of those given")
    names.add_argument("prefix")
    names.add_argument("statuses", help="comma-separated, as mutmut spells them: survived,timeout")
    names.add_argument("--sample", type=int, metavar="N", help="a random sample of N of them (all when fewer)")
    names.add_argument("--seed", type=int, default=0, help="the sample's seed (default: 0)")
    scores = commands.add_parser("score", help="the mutation score of the mutants under the prefixes")
    scores.add_argument("prefixes", nargs="+")
    args = parser.parse_args(argv)

    results = list(parse(sys.stdin))
    if args.command == "names":
        statuses = set(args.statuses.split(","))
        chosen = sorted(name for name, status in results if status in statuses and under(name, [args.prefix]))
        if args.sample is not None and args.sample < len(chosen):
            chosen = sorted(random.Random(f"{args.seed}:{args.prefix}").sample(chosen, args.sample))
        for name in chosen:
            print(name)
    else:
        print_score(results, args.prefixes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
