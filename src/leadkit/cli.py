"""The ``leadkit`` command line: demo, validate, score, explain, pipeline show, fit, evaluate and funnel.

Exit status: 0 when all went well, 1 when some rows of a leads file are
invalid (the valid ones are still processed), 2 when the input cannot be used
at all (a missing file, an invalid model, a bad option). Errors print as one
line; ``--debug`` shows the traceback too.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from leadkit import _cli_learn
from leadkit._cli_learn import add_commands as add_learning_commands
from leadkit._io import LeadBatch, read_leads
from leadkit._tables import text_table as _table
from leadkit.contact import dedupe, is_contactable
from leadkit.datasets import SAMPLE_AS_OF, load_sample_leads, load_sample_personas, sample_leads_path
from leadkit.errors import ConfigError, LeadkitError, Problem, ValidationError, describe_path, format_path, suggest

if TYPE_CHECKING:
    from leadkit.model import Lead
    from leadkit.scoring import Qualification, ScoringModel

_FORMATS = ("table", "csv", "json")


def _problems_report(batch: LeadBatch, out: TextIO) -> None:
    for problem in batch.problems:
        print(f"    {problem}", file=out)


def _flags(q: Qualification) -> str:
    return ", ".join(name for name, on in (("MQL", q.mql), ("sales-ready", q.sales_ready)) if on) or "-"


def _top(q: Qualification, n: int = 3) -> str:
    """The ``n`` contributions that weigh most in the total, as ``label +points``."""
    return ", ".join(f"{c.label} {c.points:+.0f}" for c in q.top[:n] if round(c.points))


def _ranking(qualifications: Sequence[Qualification], limit: int | None = None) -> str:
    ranked = sorted(qualifications, key=lambda q: -q.total)[:limit]
    rows = [
        [i, q.lead_id, q.persona or "-", q.rating, str(q.temperature), _flags(q), q.total, _top(q)]
        for i, q in enumerate(ranked, 1)
    ]
    return _table(["#", "lead", "persona", "grade", "temperature", "flags", "total", "top reasons"], rows)


def _demo(out: TextIO) -> int:
    from leadkit.scoring import default_model

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
    print("", file=out)

    model = default_model()
    qualifications = model.qualify_many(contactable, as_of=SAMPLE_AS_OF)
    print(f"5. Ranking with the default model, as of {SAMPLE_AS_OF.isoformat()} (top 15)", file=out)
    print(_ranking(qualifications, 15), file=out)
    temperatures = Counter(str(q.temperature) for q in qualifications)
    print(
        f"  {len(qualifications)} contactable leads: {sum(q.mql for q in qualifications)} MQL,"
        f" {sum(q.sales_ready for q in qualifications)} sales-ready;"
        f" {temperatures['hot']} hot, {temperatures['warm']} warm, {temperatures['cold']} cold.",
        file=out,
    )
    print("  Explain one: leadkit explain FILE --id ID (the sample file is above).", file=out)
    print("", file=out)
    _next_moves(contactable, qualifications, out)
    return 0


def _next_moves(leads: Sequence[Lead], qualifications: Sequence[Qualification], out: TextIO) -> None:
    """Section 6 of the demo: each lead walked through the default pipeline by its automatic policy."""
    from leadkit.stages import default_pipeline

    pipeline = default_pipeline()
    walked = [pipeline.auto_advance(lead, q) for lead, q in zip(leads, qualifications, strict=True)]
    by_total = sorted(zip(walked, qualifications, strict=True), key=lambda pair: -pair[1].total)[:15]
    print("6. Where each lead moves next: the default pipeline's automatic policy (top 15)", file=out)
    rows = [
        [lead.id, lead.stage, " > ".join(c.to_stage for c in lead.history), _why(lead, pipeline)]
        for lead, _ in by_total
    ]
    print(_table(["lead", "stage", "path", "why (its last move)"], rows), file=out)
    stages = Counter(lead.stage for lead in walked)
    summary = ", ".join(f"{stages[s.name]} {s.name}" for s in pipeline.stages if stages[s.name])
    print(f"  {len(walked)} contactable leads placed: {summary}.", file=out)
    print("  See the pipeline: leadkit pipeline show (or --format mermaid).", file=out)


def _why(lead: Lead, pipeline: Any) -> str:
    """The description of the policy rule that made the lead's last move."""
    last = lead.history[-1]
    rule = next((r for r in pipeline.policy if r.reason == last.reason), None)
    return rule.description or rule.reason if rule is not None else "entered the pipeline"


def _document_kind(path: str) -> str | None:
    """``model`` or ``pipeline`` for a YAML file that looks like one, else ``None`` (a leads file)."""
    if Path(path).suffix.lower() not in (".yaml", ".yml"):
        return None
    from leadkit import _yaml

    try:
        data = _yaml.load(Path(path).read_bytes()).data
    except (OSError, ValidationError):
        return None  # reported by the leads reader, with its own message
    if not isinstance(data, dict):
        return None
    if "transitions" in data or "stages" in data:
        return "pipeline"
    return "model" if "scorers" in data or "version" in data else None


def _validate(path: str, *, strict: bool, out: TextIO) -> int:
    kind = _document_kind(path)
    if kind == "pipeline":
        from leadkit.stages import load_pipeline

        pipeline = load_pipeline(path)
        print(
            f"{describe_path(path)}: a valid pipeline {pipeline.name!r} with {len(pipeline.stages)} stages and "
            f"{len(pipeline.transitions)} moves (initial stage: {pipeline.initial})",
            file=out,
        )
        return 0
    if kind == "model":
        from leadkit.scoring import load_model

        model = load_model(path)
        names = ", ".join(f"{s.name}" for s in model.scorers)
        described = f"a valid scoring model {model.name!r} with {len(model.scorers)} scorers ({names})"
        print(f"{describe_path(path)}: {described}", file=out)
        return 0
    batch = read_leads(path, strict=strict, errors="collect")
    print(
        f"{describe_path(path)}: read {batch.read}, valid {len(batch.leads)}, invalid {len(batch.failed_rows)}",
        file=out,
    )
    _problems_report(batch, out)
    return 1 if batch.problems else 0


def _pipeline_show(path: str | None, fmt: str, out: TextIO) -> int:
    from leadkit.scoring.conditions import format_duration
    from leadkit.stages import default_pipeline, load_pipeline
    from leadkit.stages.guards import guard_description

    pipeline = default_pipeline() if path is None else load_pipeline(path)
    if fmt == "mermaid":
        out.write(pipeline.to_mermaid())
        return 0
    if fmt == "dot":
        out.write(pipeline.to_dot())
        return 0
    print(f"pipeline {pipeline.name!r}, initial stage: {pipeline.initial}", file=out)
    if pipeline.description:
        print(f"  {pipeline.description}", file=out)
    print("", file=out)
    stages = [
        [
            s.name,
            s.owner or "-",
            "yes" if s.terminal else "-",
            ", ".join(s.statuses) or "-",
            format_duration(s.sla) if s.sla is not None else "-",
        ]
        for s in pipeline.stages
    ]
    print(_table(["stage", "owner", "terminal", "statuses", "sla"], stages), file=out)
    print("", file=out)
    moves = [
        [
            t.name,
            ", ".join(t.sources),
            t.target,
            "; ".join(guard_description(g) for g in t.guards) or "-",
            "yes" if t.requires_reason else "-",
        ]
        for t in pipeline.transitions
    ]
    print(_table(["move", "from", "to", "guards", "needs a reason"], moves), file=out)
    if pipeline.policy:
        print("", file=out)
        rules = [
            [", ".join(r.sources), r.target, "; ".join(guard_description(g) for g in r.when) or "-", r.reason]
            for r in pipeline.policy
        ]
        print("Automatic policy (first match wins):", file=out)
        print(_table(["from", "to", "when", "reason code"], rules), file=out)
    return 0


def parse_as_of(text: str | None) -> datetime:
    """The ``--as-of`` option as an aware datetime; now, in UTC, when it is not given."""
    if text is None:
        return datetime.now(timezone.utc)  # the command line is the one place that may read the clock
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise ValidationError.at(
            ("as_of",), "an ISO 8601 date-time with offset (2026-12-01T09:00:00+00:00)", text
        ) from None
    if moment.tzinfo is None:
        raise ValidationError.at(
            ("as_of",), "a date-time with its UTC offset (2026-12-01T09:00:00+00:00)", text, reason="naive datetime"
        )
    return moment


def load_model_option(path: str | None) -> ScoringModel:
    """The ``--model`` option: a scoring model YAML file, or the default model."""
    from leadkit.scoring import default_model, load_model

    return default_model() if path is None else load_model(path)


def _read(path: str, *, strict: bool, err: TextIO) -> LeadBatch:
    batch = read_leads(path, strict=strict, errors="collect")
    if batch.problems:
        print(f"leadkit: {len(batch.failed_rows)} of {batch.read} rows are invalid and were not scored:", file=err)
        _problems_report(batch, err)
    return batch


def _record(q: Qualification) -> dict[str, Any]:
    record: dict[str, Any] = {
        "lead": q.lead_id,
        "as_of": q.as_of.isoformat(),
        "persona": q.persona,
        "rating": q.rating,
        "grade": q.grade,
        "band": q.band,
        "temperature": str(q.temperature),
        "mql": q.mql,
        "sales_ready": q.sales_ready,
        "fit": q.fit,
        "engagement": q.engagement,
        "total": q.total,
    }
    record |= {f"score.{name}": score.value for name, score in q.scores.items()}
    record["reasons"] = list(q.reasons)
    return record


def _error_report(problems: Sequence[Problem]) -> str:
    """The problems as CSV: the 0-based row of the lead in the input, the field path, the line, the message."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "field", "line", "message"])
    for p in problems:
        row = p.path[1] if len(p.path) > 1 and p.path[0] == "leads" else ""
        field = format_path(p.path[2:]) if row != "" else format_path(p.path)
        message = f"{p.reason}; expected {p.expected}" if p.reason else f"expected {p.expected}"
        message += f" (got {p.got})" if p.got is not None else ""
        writer.writerow([row, field, "" if p.line is None else p.line, message])
    return buffer.getvalue()


def _scored_output(args: argparse.Namespace, qualifications: Sequence[Qualification], as_of: datetime) -> str:
    model_name = args.model_name
    if args.format == "table":
        head = f"{describe_path(args.path)}: {len(qualifications)} leads scored with model {model_name!r}"
        head += f" as of {as_of.isoformat()}"
        return f"{head}\n{_ranking(qualifications)}\n"
    if args.format == "json":
        return json.dumps([_record(q) for q in qualifications], indent=2) + "\n"
    records = [_record(q) for q in qualifications]
    buffer = io.StringIO()
    headers = list(records[0]) if records else ["lead", "total"]
    writer = csv.DictWriter(buffer, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(record | {"reasons": " | ".join(record["reasons"])})
    return buffer.getvalue()


def _score(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from leadkit.scoring.many import score_many

    model = load_model_option(args.model)
    args.model_name = model.name
    as_of = parse_as_of(args.as_of)
    batch = read_leads(args.path, strict=not args.lenient, errors=args.errors)
    rows = [row for row in range(batch.read) if row not in set(batch.failed_rows)]  # the file row of each lead
    scored = score_many(model, batch.leads, as_of=as_of, errors="collect")
    unscored = [attrs.evolve(p, path=("leads", rows[int(p.path[1])], *p.path[2:])) for p in scored.problems]
    if args.errors == "raise" and unscored:
        raise ValidationError(unscored)
    problems = sorted(
        (*batch.problems, *unscored), key=lambda p: (p.path[0] != "leads", p.path[1] if len(p.path) > 1 else 0)
    )
    failed = len({p.path[1] for p in problems if len(p.path) > 1 and p.path[0] == "leads"})
    text = _scored_output(args, scored.results, as_of)
    report_path = None
    if args.output is None:
        out.write(text)
    else:
        output = Path(args.output)
        _write_text(output, text)
        report_path = output.with_name(output.name + ".errors.csv")
        if problems:
            _write_text(report_path, _error_report(problems))
        elif report_path.exists():
            report_path.unlink()  # a report left from an earlier run would describe other data
    if problems:
        where = f"listed in {describe_path(report_path)}" if report_path is not None else "listed below"
        print(
            f"leadkit: read {batch.read} leads: scored {len(scored.results)}, failed {failed} ({where})",
            file=err,
        )
        if report_path is None:
            for problem in problems:
                print(f"    {problem}", file=err)
    return 1 if problems else 0


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError.at(
            ("--output",), "a writable file", str(path), reason=exc.strerror or type(exc).__name__
        ) from None


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    model = load_model_option(args.model)
    as_of = parse_as_of(args.as_of)
    batch = _read(args.path, strict=not args.lenient, err=err)
    found: Lead | None = next((lead for lead in batch.leads if lead.id == args.id), None)
    if found is None:
        raise ConfigError.at(
            ("--id",),
            f"the id of one of the {len(batch.leads)} valid leads in {describe_path(args.path)}",
            args.id,
            reason="no such lead" + suggest(args.id, [lead.id for lead in batch.leads]),
        )
    print(model.qualify(found, as_of=as_of), file=out)
    return 1 if batch.problems else 0


def _parser() -> argparse.ArgumentParser:
    from leadkit import __version__

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of errors")
    parser = argparse.ArgumentParser(prog="leadkit", description="Lead-qualification primitives.", parents=[common])
    parser.add_argument("--version", action="version", version=f"leadkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser(
        "demo", parents=[common], help="validate, de-duplicate, summarise and rank the bundled sample leads"
    )
    validate = commands.add_parser(
        "validate",
        parents=[common],
        help="check a leads file (.json, .jsonl, .yaml), a scoring model or a pipeline (.yaml)",
    )
    validate.add_argument("path", help="the file to check")
    pipeline = commands.add_parser("pipeline", parents=[common], help="work with lifecycle pipelines")
    pipeline_commands = pipeline.add_subparsers(dest="pipeline_command", metavar="ACTION", required=True)
    show = pipeline_commands.add_parser(
        "show", parents=[common], help="print a pipeline's stages, moves and policy, or its diagram"
    )
    show.add_argument("path", nargs="?", help="a pipeline YAML file (default: the pipeline shipped with leadkit)")
    show.add_argument(
        "--format", choices=("text", "mermaid", "dot"), default="text", help="text tables, Mermaid or Graphviz DOT"
    )
    validate.add_argument(
        "--lenient", action="store_true", help="keep unknown fields in attributes instead of reporting them"
    )
    for name, text in (
        ("score", "score every lead of a file and rank them"),
        ("explain", "show every point of one lead's qualification"),
    ):
        command = commands.add_parser(name, parents=[common], help=text)
        command.add_argument("path", help="the leads file (.json, .jsonl, .yaml)")
        if name == "explain":
            command.add_argument("--id", required=True, help="the id of the lead to explain")
        command.add_argument("--model", help="a scoring model YAML file (default: the model shipped with leadkit)")
        command.add_argument("--as-of", help="score as of this ISO 8601 date-time with offset (default: now, in UTC)")
        if name == "score":
            command.add_argument(
                "--format", choices=_FORMATS, default="table", help="table (ranked), csv or json (in file order)"
            )
            command.add_argument(
                "--output",
                metavar="FILE",
                help="write the results to FILE (default: standard output) and any error report to FILE.errors.csv",
            )
            command.add_argument(
                "--errors",
                choices=("collect", "raise"),
                default="collect",
                help="collect: score every valid lead and report the others, exit status 1 (the default); "
                "raise: stop at the first invalid lead, exit status 2",
            )
        command.add_argument("--lenient", action="store_true", help="keep unknown fields in attributes")
    add_learning_commands(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 invalid rows, 2 unusable input)."""
    args = _parser().parse_args(argv)
    out, err = sys.stdout, sys.stderr
    commands: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
        "demo": lambda _, out, __: _demo(out),
        "validate": lambda args, out, _: _validate(args.path, strict=not args.lenient, out=out),
        "score": _score,
        "explain": _explain,
        "pipeline": lambda args, out, _: _pipeline_show(args.path, args.format, out),
        "fit": _cli_learn.fit,
        "evaluate": _cli_learn.evaluate,
        "funnel": _cli_learn.funnel,
    }
    try:
        return commands[args.command](args, out, err)
    except LeadkitError as exc:
        if getattr(args, "debug", False):
            raise
        message = str(exc).replace("\n", " ")
        print(f"leadkit: error: {message}", file=err)
        return 2
