"""The ``leadkit`` command line: ``leadkit demo`` and ``leadkit validate FILE``."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from leadkit._io import LeadBatch, read_leads
from leadkit.contact import dedupe, is_contactable
from leadkit.datasets import load_sample_leads, load_sample_personas, sample_leads_path
from leadkit.errors import LeadkitError


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "  ") -> str:
    """A plain-text table; numbers right-aligned, text left-aligned."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int) for row in rows) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric, strict=True)]
        return (indent + "  ".join(parts)).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _problems_report(batch: LeadBatch, out: TextIO) -> None:
    for problem in batch.problems:
        print(f"    {problem}", file=out)


def _demo(out: TextIO) -> int:
    batch = load_sample_leads()
    result = dedupe(batch.leads)
    leads = result.leads
    contactable = [lead for lead in leads if is_contactable(lead)]

    print("leadkit demo: the bundled sample of a (fictional) IT-upskilling institute", file=out)
    print(f"  file: {sample_leads_path()}", file=out)
    print("", file=out)
    print("1. Validation", file=out)
    print(
        _table(
            ["records", "count"],
            [["read", batch.read], ["valid", len(batch.leads)], ["invalid", len(batch.failed_rows)]],
        ),
        file=out,
    )
    if batch.problems:
        print(f"  Problems found ({len(batch.problems)}), with where they are:", file=out)
        _problems_report(batch, out)
    print("", file=out)
    print("2. De-duplication (same normalised email or phone)", file=out)
    conflicts = sum(len(m.conflicts) for m in result.merges)
    print(
        _table(
            ["step", "count"],
            [
                ["valid leads", len(batch.leads)],
                ["duplicates merged", result.duplicates_merged],
                ["leads after merging", len(leads)],
                ["differing values kept aside", conflicts],
            ],
        ),
        file=out,
    )
    print("", file=out)
    print("3. Contactability (a valid email or phone)", file=out)
    print(
        _table(
            ["leads", "count"],
            [["contactable", len(contactable)], ["not contactable", len(leads) - len(contactable)]],
        ),
        file=out,
    )
    print("  Not contactable: site visitors and tracking pixels; nobody can follow them up.", file=out)
    print("", file=out)
    print("4. Leads by source (after merging)", file=out)
    by_source = Counter(lead.source or "(none)" for lead in leads)
    reachable = Counter(lead.source or "(none)" for lead in contactable)
    engaged = Counter(lead.source or "(none)" for lead in leads if lead.interactions)
    rows: list[list[object]] = [
        [source, count, reachable[source], engaged[source]] for source, count in sorted(by_source.items())
    ]
    rows.append(["total", len(leads), len(contactable), sum(engaged.values())])
    print(_table(["source", "leads", "contactable", "with interactions"], rows), file=out)
    print("", file=out)
    personas = load_sample_personas()
    print(f"Personas in the sample ({len(personas)}): " + "; ".join(p.name for p in personas), file=out)
    return 0


def _validate(path: str, *, strict: bool, out: TextIO) -> int:
    batch = read_leads(path, strict=strict, errors="collect")
    print(
        f"{path}: read {batch.read}, valid {len(batch.leads)}, invalid {len(batch.failed_rows)}",
        file=out,
    )
    _problems_report(batch, out)
    return 1 if batch.problems else 0


def _parser() -> argparse.ArgumentParser:
    from leadkit import __version__

    parser = argparse.ArgumentParser(prog="leadkit", description="Lead-qualification primitives.")
    parser.add_argument("--version", action="version", version=f"leadkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("demo", help="validate, de-duplicate and summarise the bundled sample leads")
    validate = commands.add_parser("validate", help="check a leads file (.json, .jsonl, .yaml) and list its problems")
    validate.add_argument("path", help="the file to check")
    validate.add_argument(
        "--lenient", action="store_true", help="keep unknown fields in attributes instead of reporting them"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 invalid data, 2 unusable input)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(sys.stdout)
        return _validate(args.path, strict=not args.lenient, out=sys.stdout)
    except LeadkitError as exc:
        print(f"leadkit: error: {exc}", file=sys.stderr)
        return 2
