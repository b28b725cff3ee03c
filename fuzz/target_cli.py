"""Target ``cli``: the command line's argument handling, ``leadkit.cli.main(argv)``.

Each case is an argv list: a subcommand (demo, validate, score, explain,
pipeline show, fit, evaluate, funnel, or junk), a path, and random options
with valid and hostile values, in random order, sometimes with junk tokens or
a required argument missing. Paths point at files written for the case (a
mutated leads document as JSON, JSON Lines or YAML, and a mutated model,
pipeline or column mapping), at a fixed set of valid and broken files (CSV
leads with interactions and history, models, pipelines, mappings), or at
paths that cannot be read.

The command runs in the temp folder with stdout and stderr captured as UTF-8
streams with the error handlers Python gives them in a UTF-8 locale (stdout
``strict``, stderr ``backslashreplace``), so text UTF-8 cannot encode fails
on stdout as it would in a terminal or pipe. Allowed: a return code of 0,
1 or 2; ``SystemExit`` with code 0 or 2 (argparse's help and usage errors);
a `LeadkitError` only with ``--debug``, which asks for the traceback.
"""

from __future__ import annotations

import io
import os
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _generators as gen
import target_csv
import target_model
from _harness import Target, corpus
from _source import literal
from hypothesis import strategies as st

from leadkit import LeadkitError, default_pipeline
from leadkit.cli import main

_SUFFIXES = (".json", ".jsonl", ".yaml", ".yml", ".csv", ".txt", "")

AS_OF = (
    "2026-11-02T09:30:00+00:00",
    "2026-11-02T09:30:00Z",
    "2026-11-02",
    "2026-11-02T09:30:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59.999999+00:00",
    "2024-02-30T00:00:00+00:00",
    "now",
    "",
    "Z",
)
NUMBERS = ("0", "0.3", "0.999999", "1", "-1", "nan", "inf", "-inf", "1e-300", "1e308", "x", "", "5", "50")
COUNTS = ("0", "1", "5", "-1", "-200", "x", "", "2.5", "20")
TEXTS = ("L-1", "L1", "", " ", "x", "\udcff", "-", "--", "\x00", "a" * 5_000)
FIELDS = ("source", "company.industry", "attributes.x", "attributes.", "nope", "contact.email", "bant.need", "")
BY = ("source", "channel", "attributes.campaign", "company.country", "nope", "attributes.", "", "stage", "status")
STAGES = ("sql", "customer", "nope", "", "inquiry")

COMMANDS = ("validate", "score", "explain", "pipeline", "fit", "evaluate", "funnel")
"""Commands drawn uniformly; ``demo`` (slow: it scores the whole sample) and junk commands are drawn rarely."""

OPTIONS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "demo": {},
    "validate": {"--lenient": None},
    "score": {"--model": (), "--as-of": AS_OF, "--format": ("table", "csv", "json", "xml"), "--lenient": None},
    "explain": {"--id": TEXTS, "--model": (), "--as-of": AS_OF, "--lenient": None},
    "pipeline show": {"--format": ("table", "mermaid", "dot", "json")},
    "fit": {
        "--mapping": (),
        "--interactions": (),
        "--history": (),
        "--as-of": AS_OF,
        "--bootstrap": COUNTS,
        "--out": (),
        "--fields": FIELDS,
        "--rules": (),
        "--name": TEXTS,
        "--test-fraction": NUMBERS,
    },
    "evaluate": {
        "--mapping": (),
        "--interactions": (),
        "--history": (),
        "--as-of": AS_OF,
        "--bootstrap": COUNTS,
        "--model": (),
        "--capacity": NUMBERS,
        "--precision": NUMBERS,
    },
    "funnel": {
        "--mapping": (),
        "--interactions": (),
        "--history": (),
        "--as-of": AS_OF,
        "--pipeline": (),
        "--by": BY,
        "--cohort": ("week", "month", "year"),
        "--attribution": STAGES,
    },
}
"""Each command's options and their values; ``()`` takes a path, ``None`` is a flag."""

JUNK = ("--", "-x", "--unknown", "", "\x00", "--as-of=2026-11-02T09:30:00Z", "-h", "--debug", "--version", "show")
OUT_PATHS = ("out.yaml", "out.json", "missing/dir/out.yaml", "dir", "", "\x00", "fit/", "leads.json")


# --------------------------------------------------------------------------- the fixed files

_LEADS_CSV = """Lead ID,Created,Email,Source,Industry,Employees,Country,Won
L1,2026-01-05T09:00:00Z,ana@example.com,web_form,Software,120,DE,yes
L2,2026-01-12T09:00:00Z,bo@example.org,chat,Retail,15,US,no
L3,2026-02-02T09:00:00Z,cy@example.net,bought_list,Software,800,GB,no
L4,2026-02-16T09:00:00Z,di@example.com,web_form,Banking,5000,IN,yes
L5,2026-03-02T09:00:00Z,ed@example.com,event,Retail,40,DE,no
L6,2026-03-09T09:00:00Z,fi@example.com,web_form,Software,300,US,yes
L7,2026-03-23T09:00:00Z,gu@example.com,chat,Banking,60,GB,no
L8,2026-04-06T09:00:00Z,ha@example.com,event,Software,2000,DE,yes
"""
_INTERACTIONS_CSV = """Lead,Type,When,Channel
L1,demo_request,2026-01-06T10:00:00Z,web
L2,page_view,2026-01-13T10:00:00Z,web
L4,pricing_view,2026-02-17T10:00:00Z,web
L6,free_trial,2026-03-10T10:00:00Z,web
L8,webinar,2026-04-07T10:00:00Z,event
"""
_HISTORY_CSV = """Lead,To,When,Why
L1,inquiry,2026-01-05T09:00:00Z,entered
L1,lead,2026-01-05T10:00:00Z,contactable
L1,mql,2026-01-06T11:00:00Z,crossed_mql_threshold
L4,inquiry,2026-02-16T09:00:00Z,entered
L4,lead,2026-02-16T10:00:00Z,contactable
"""
_MAPPING: dict[str, Any] = {
    "version": 1,
    "timezone": "UTC",
    "leads": {
        "columns": {
            "Lead ID": "id",
            "Created": "created_at",
            "Email": "contact.email",
            "Source": "source",
            "Industry": "company.industry",
            "Employees": "company.employees",
            "Country": "company.country",
        }
    },
    "outcome": {"column": "Won", "won": ["yes"], "lost": ["no"]},
    "interactions": {"columns": {"Lead": "lead_id", "Type": "kind", "When": "at", "Channel": "channel"}},
    "history": {"columns": {"Lead": "lead_id", "To": "to_stage", "When": "at", "Why": "reason"}},
}


_BUILT = {
    "sample.json": "leadkit.datasets.sample_leads_path().read_bytes()",
    "model.yaml": "leadkit.default_model().to_yaml().encode()",
    "pipeline.yaml": "leadkit.default_pipeline().to_yaml().encode()",
}
"""Fixed files that reproducers write with leadkit's help rather than as literals."""


def _fixed_files(tmp: Path) -> dict[str, bytes | None]:
    """Write the files every case may name; name (relative to the temp folder) -> contents, ``None`` for folders."""
    from leadkit import default_model
    from leadkit.datasets import sample_leads_path

    files: dict[str, str | bytes] = {
        "sample.json": sample_leads_path().read_bytes(),
        "leads.csv": _LEADS_CSV,
        "interactions.csv": _INTERACTIONS_CSV,
        "history.csv": _HISTORY_CSV,
        "mapping.yaml": gen.to_yaml(_MAPPING),
        "mapping_no_outcome.yaml": gen.to_yaml({**_MAPPING, "outcome": None}).replace("outcome: null\n", ""),
        "model.yaml": default_model().to_yaml(),
        "pipeline.yaml": default_pipeline().to_yaml(),
        "broken.yaml": "version: 1\nscorers: [{type: nope}]\n",
        "broken.json": '[{"id": "x", "created_at": "yesterday"}, 1, null]',
        "empty.json": "",
        "empty.csv": "",
        "binary.json": b"\xff\xfe\x00\x00garbage",
        "leads.txt": "[]",
        "\udcff.json": '[{"id": "a", "created_at": "2026-01-05T09:00:00Z"}]',  # a name that is not UTF-8: b"\xff.json"
    }
    written: dict[str, bytes | None] = {}
    for name, data in files.items():
        written[name] = data if isinstance(data, bytes) else data.encode("utf-8")
        (tmp / name).write_bytes(written[name] or b"")
    for folder in ("dir", "dir.yaml"):
        (tmp / folder).mkdir()
        written[folder] = None
    return written


EDGE_LEADS: tuple[dict[str, Any], ...] = (
    {"id": "dawn", "created_at": "0001-01-01T00:00:00+14:00", "contact": {"email": "a@example.com"}},
    {
        "id": "dusk",
        "created_at": "9999-12-31T23:59:59.999999-14:00",
        "interactions": [{"kind": "demo_request", "at": "9999-12-31T23:59:59.999999-14:00"}],
        "stage": "inquiry",
        "history": [{"from_stage": None, "to_stage": "inquiry", "at": "9999-12-31T23:59:59.999999-14:00"}],
    },
)
"""Leads at both ends of the calendar, whose times in UTC fall outside it."""

ODD_PATHS = (
    "missing.json",
    "missing.csv",
    "dir",
    "dir.yaml",
    "",
    "-",
    "a\x00b.json",
    "\udcfe.json",
    "x" * 300 + ".json",
)


@dataclass(frozen=True)
class CliContext:
    """The temp folder (the commands' working directory), its fixed files and the documents to mutate."""

    tmp: Path
    fixed: dict[str, bytes | None]
    leads: list[Any]
    configs: dict[str, list[Any]]


@dataclass(frozen=True)
class CliCase:
    """One command line, and the files written for it (name -> contents) before it runs."""

    argv: tuple[str, ...]
    files: tuple[tuple[str, str | bytes], ...]


def _read_default_model_once() -> None:
    """Have the commands share one default model instead of re-reading its constant file for every case.

    A model is immutable, so sharing it changes no behaviour; reading models from files is the
    ``scoring_model`` target's job, and here it would cost ~10 ms a case.
    """
    import leadkit.scoring

    model = leadkit.scoring.default_model()
    leadkit.scoring.default_model = lambda: model


def setup(tmp: Path) -> CliContext:
    """Write the fixed files and build the documents the cases mutate."""
    from leadkit import default_model
    from leadkit.testing import leads

    _read_default_model_once()
    fixed = _fixed_files(tmp)
    lead_docs = [lead.to_dict() for lead in corpus(leads(), 20, 4)] + list(EDGE_LEADS)
    configs = {
        "model": [default_model().to_dict()],
        "pipeline": [default_pipeline().to_dict()],
        "mapping": [_MAPPING, *target_csv.MAPPINGS],
    }
    return CliContext(tmp, fixed, lead_docs, configs)


# --------------------------------------------------------------------------- cases


Strategies = dict[str, st.SearchStrategy[Any]]


def _strategies(context: CliContext) -> Strategies:
    """The document strategies, built once."""
    return {
        "leads": st.lists(gen.mutated(st.sampled_from(context.leads), target_model.FIELD_VALUES), max_size=3),
        **{kind: gen.mutated(st.sampled_from(docs)) for kind, docs in context.configs.items()},
    }


def _generated_leads(draw: st.DrawFn, strategies: Strategies) -> tuple[str, str | bytes]:
    """A leads file for this case: mutated lead documents as JSON, JSON Lines or YAML."""
    docs = draw(strategies["leads"])
    suffix = draw(st.sampled_from([".json", ".jsonl", ".yaml"]))
    if suffix == ".jsonl":
        text = "\n".join(gen.to_json(doc) for doc in docs)
    elif suffix == ".json":
        text = gen.to_json(docs)
    else:
        text = gen.to_yaml(docs)
    if not draw(st.integers(0, 4)):
        text = gen.damaged(draw, text)
    return f"case{suffix}", text


@dataclass
class _Draft:
    """A command line being drawn: what is needed to draw it, and the files it needs written."""

    draw: st.DrawFn
    context: CliContext
    strategies: Strategies
    files: dict[str, str | bytes]


def _path(draft: _Draft, wanted: str) -> str:
    """A path for an option or the positional argument: a generated file, a fixed one, or an odd one."""
    draw = draft.draw
    choice = draw(st.integers(0, 9))
    if choice < 4 and wanted != "leads":  # a generated config for config options
        name = f"gen_{wanted}.yaml"
        draft.files[name] = gen.to_yaml(draw(draft.strategies[wanted]))
        return name
    if choice < 4:
        name, text = _generated_leads(draw, draft.strategies)
        draft.files[name] = text
        return name
    if choice < 9:
        return draw(st.sampled_from(sorted(draft.context.fixed)))
    return draw(st.sampled_from(ODD_PATHS))


_WANTED = {
    "--model": "model",
    "--rules": "model",
    "--pipeline": "pipeline",
    "--mapping": "mapping",
    "--interactions": "leads",
    "--history": "leads",
}


_KNOWN_FILES = {
    "--out": OUT_PATHS,
    "--interactions": ("interactions.csv",),
    "--history": ("history.csv",),
    "--mapping": ("mapping.yaml", "mapping_no_outcome.yaml"),
}
"""Options whose value is, half the time, one of these (the files that go with leads.csv)."""


def _values(draft: _Draft, name: str, values: tuple[str, ...]) -> list[str]:
    """The value tokens of an option that takes values (``--fields`` takes several, ``--attribution`` maybe none)."""
    draw = draft.draw
    known = _KNOWN_FILES.get(name)
    if known is not None and (name == "--out" or draw(st.booleans())):
        return [draw(st.sampled_from(known))]
    if not values:
        return [_path(draft, _WANTED[name])]
    if name == "--fields":
        return draw(st.lists(st.sampled_from(values), min_size=0, max_size=3))
    if name == "--attribution" and draw(st.booleans()):
        return []
    return [draw(st.sampled_from(values))]


def _option(draft: _Draft, name: str, values: tuple[str, ...] | None) -> list[str]:
    """An option and its values, sometimes written ``--name=value``."""
    if values is None:
        return [name]
    tokens = _values(draft, name, values)
    if len(tokens) == 1 and draft.draw(st.integers(0, 4)) == 0:
        return [f"{name}={tokens[0]}"]
    return [name, *tokens]


def _argv(draw: st.DrawFn, context: CliContext, strategies: Strategies) -> CliCase:
    draft = _Draft(draw, context, strategies, {})
    pick = draw(st.integers(0, 399))
    command = "demo" if pick == 0 else "junk" if pick < 8 else draw(st.sampled_from(COMMANDS))
    if command == "junk":
        argv = draw(st.lists(st.sampled_from([*JUNK, *COMMANDS, "pipeline", "show"]), max_size=4))
        return CliCase(tuple(argv), ())
    argv = ["pipeline", "show"] if command == "pipeline" else [command]
    options = OPTIONS["pipeline show" if command == "pipeline" else command]
    if command != "demo" and (command != "pipeline" or draw(st.booleans())):
        wanted = "pipeline" if command == "pipeline" else "leads"
        if command in ("fit", "evaluate") and draw(st.booleans()):
            argv.append("leads.csv")
        else:
            argv.append(_path(draft, wanted))
    chosen = draw(st.lists(st.sampled_from(sorted(options)), max_size=5, unique=True)) if options else []
    if command == "fit" and "--out" not in chosen and draw(st.integers(0, 5)):
        chosen.append("--out")  # required: without it, argparse stops the command every time
    if command == "explain" and "--id" not in chosen and draw(st.integers(0, 5)):
        chosen.append("--id")
    for name in chosen:
        argv += _option(draft, name, options[name])
    if not draw(st.integers(0, 9)):
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(JUNK)))
    return CliCase(tuple(argv), tuple(draft.files.items()))


def cases(context: CliContext) -> st.SearchStrategy[CliCase]:
    """Command lines, with their generated files."""
    strategies = _strategies(context)

    @st.composite  # a closure: hypothesis shows a composite's arguments in its messages, and these are large
    def command_lines(draw: st.DrawFn) -> CliCase:
        return _argv(draw, context, strategies)

    return command_lines()


# --------------------------------------------------------------------------- calls


def _stream(errors: str) -> io.TextIOWrapper:
    """A UTF-8 text stream as Python opens stdout (``strict``) and stderr (``backslashreplace``) in a UTF-8 locale."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, write_through=True)


def call(context: CliContext, case: CliCase) -> None:
    """Write the case's files, then run the command line in the temp folder."""
    for name, data in case.files:
        (context.tmp / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    before = Path.cwd()
    os.chdir(context.tmp)
    try:
        with redirect_stdout(_stream("strict")), redirect_stderr(_stream("backslashreplace")):
            status = main(list(case.argv))
    finally:
        os.chdir(before)
    if status not in (0, 1, 2):
        msg = f"main returned {status!r}, not an exit status 0, 1 or 2"
        raise AssertionError(msg)


def _named(argv: tuple[str, ...]) -> set[str]:
    """The tokens of a command line that may name files (``--opt=value`` gives its value)."""
    return {token.partition("=")[2] if token.startswith("--") and "=" in token else token for token in argv}


def reproduce(context: CliContext, case: CliCase) -> str:
    """Python source reproducing the case, in a new temp folder with the files it names."""
    lines = ["import os", "import pathlib", "import tempfile", "", "import leadkit", "from leadkit.cli import main", ""]
    lines.append("os.chdir(tempfile.mkdtemp())")
    generated = {name for name, _ in case.files}
    for name in sorted(_named(case.argv) & set(context.fixed) - generated):
        fixed = context.fixed[name]
        if fixed is None:
            lines.append(f"os.mkdir({name!r})")
        else:
            lines.append(f"pathlib.Path({name!r}).write_bytes({_BUILT.get(name) or literal(fixed)})")
    for name, data in case.files:
        raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
        lines.append(f"pathlib.Path({name!r}).write_bytes({literal(raw)})")
    lines.append(f"main({literal(list(case.argv))})")
    return "\n".join(lines) + "\n"


def allowed(error: BaseException, case: CliCase) -> bool:
    """Argparse's own exits (help, version, usage errors), and leadkit's errors when ``--debug`` asks for them."""
    if isinstance(error, SystemExit):
        return error.code in (0, 2)
    return isinstance(error, LeadkitError) and "--debug" in case.argv


TARGETS: list[Target[Any]] = [
    Target(
        "cli", "leadkit.cli.main(argv) with generated command lines and files", cases, call, reproduce, allowed, setup
    )
]
