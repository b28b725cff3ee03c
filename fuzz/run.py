"""Run leadkit's fuzz targets: ``python fuzz/run.py [TARGET ...] [--cases N] [--seed N]``.

For each target, prints the cases run, the escapes found (each with its
exception, message, where it was raised and how often), the slowest case's
CPU time (and wall-clock time) and the total time. Each escape's smallest reproducer is written to
``fuzz/crashes/<target>-<n>.txt``. Exits with status 1 when anything escaped.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import target_cli
import target_config
import target_csv
import target_model
from _harness import SLOW_SECONDS, Report, Runner, Target

TARGETS: dict[str, Target[Any]] = {
    t.name: t for t in (*target_model.TARGETS, *target_config.TARGETS, *target_csv.TARGETS, *target_cli.TARGETS)
}
"""Every target, by name, in the order they run."""

CRASHES = Path(__file__).resolve().parent / "crashes"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "targets", nargs="*", metavar="TARGET", help="targets to run (default: all): " + ", ".join(TARGETS)
    )
    parser.add_argument("--cases", type=int, default=100_000, help="cases per target (default: 100000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated cases (default: 0)")
    parser.add_argument("--list", action="store_true", help="list the targets and what each covers, then exit")
    return parser


def _save(report: Report) -> list[Path]:
    """Write each escape of a report to ``crashes/<target>-<n>.txt``; the files written."""
    CRASHES.mkdir(exist_ok=True)
    for old in CRASHES.glob(f"{report.target}-*.txt"):
        old.unlink()
    written = []
    for n, escape in enumerate(report.escapes.values(), start=1):
        path = CRASHES / f"{report.target}-{n}.txt"
        path.write_text(
            f"# {escape.kind}: {escape.error}: {escape.message}\n"
            f"# where: {escape.where}; seen {escape.count} times; this case took {escape.seconds:.3f} s\n\n"
            f"{escape.reproducer}\n" + (f'\n"""\n{escape.traceback}"""\n' if escape.traceback else ""),
            encoding="utf-8",
            errors="backslashreplace",
        )
        written.append(path)
    return written


def _print_report(report: Report, files: Sequence[Path]) -> None:
    print(f"== {report.target}")
    print(f"   cases run:     {report.cases}")
    print(f"   escapes found: {sum(e.count for e in report.escapes.values())} ({len(report.escapes)} distinct)")
    for escape, path in zip(report.escapes.values(), files, strict=True):
        print(f"     - {escape.error} x{escape.count} at {escape.where}: {escape.message[:200]!r}")
        print(f"       reproducer: {path}")
    flag = "  (over the limit)" if report.slowest > SLOW_SECONDS else ""
    print(f"   slowest case:  {report.slowest:.3f} s of CPU ({report.slowest_wall:.3f} s in all){flag}")
    print(f"   total time:    {report.total:.1f} s")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the targets asked for; 1 when anything escaped."""
    # re warns (once per case) about patterns such as "[[" that later Pythons may read as nested sets:
    # a warning, not an escape, and thousands of them would bury the report.
    warnings.filterwarnings("ignore", message="Possible (nested set|set )", category=FutureWarning)
    args = _parser().parse_args(argv)
    if args.list:
        for target in TARGETS.values():
            print(f"{target.name:14} {target.summary}")
        return 0
    unknown = [name for name in args.targets if name not in TARGETS]
    if unknown:
        print(f"unknown targets: {', '.join(unknown)}; known: {', '.join(TARGETS)}", file=sys.stderr)
        return 2
    escaped = False
    for name in args.targets or list(TARGETS):
        target = TARGETS[name]
        with tempfile.TemporaryDirectory(prefix=f"leadkit-fuzz-{name}-") as tmp:
            context = target.setup(Path(tmp))
            report = Runner(target, context).run(args.cases, args.seed)
        _print_report(report, _save(report))
        escaped = escaped or bool(report.escapes)
    return 1 if escaped else 0


if __name__ == "__main__":
    sys.exit(main())
