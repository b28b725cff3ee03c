"""Targets ``model_dict``, ``model_json`` and ``model_yaml``: the model classes built from documents.

`Lead`, `Interaction`, `Persona` and `BANT` are built with ``from_dict``,
``from_json`` and ``from_yaml`` (strict and lenient), and `read_leads` reads
lists of records and ``.json``, ``.jsonl`` and ``.yaml`` files. Documents come
from a corpus of valid objects (`leadkit.testing`) and from the real field
names, then are mutated; the texts are also damaged, re-encoded, given YAML
tricks, or replaced by unstructured text and bytes.

An object that is built must also survive the round trip
``from_dict(to_dict())`` (equal) and ``to_json``/``to_yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _generators as gen
from _harness import Target, corpus
from _source import literal
from hypothesis import strategies as st

from leadkit import BANT, Interaction, LeadkitError, Persona, read_leads
from leadkit.model import LEAD_FIELD_PATHS, CriterionStatus, InteractionKind, Lead

CLASSES: dict[str, type[Any]] = {"Lead": Lead, "Interaction": Interaction, "Persona": Persona, "BANT": BANT}
CORPUS_SIZE = 60

_DATES = ("2024-05-01T09:30:00+00:00", "2024-05-01T09:30:00Z", "2024-05-01T09:30:00", "2024-05-01")
_STATUSES = tuple(s.value for s in CriterionStatus)
_KINDS = tuple(k.value for k in InteractionKind)
FIELD_VALUES: tuple[Any, ...] = (
    *LEAD_FIELD_PATHS,
    *_DATES,
    *_STATUSES,
    *_KINDS,
    {"status": "yes", "note": "x"},
    {"status": "maybe"},
    {"kind": "demo_request", "at": "2024-05-01T09:30:00+00:00"},
    {"kind": "demo_request", "at": "2024-05-01T09:30:00"},
    {"from_stage": None, "to_stage": "lead", "at": "2024-05-01T09:30:00+00:00"},
    {"email": "a@b.co", "phone": "+4930123456"},
    {"employees": -1, "annual_revenue": 1e400, "country": "zz"},
)
"""Target-specific values mixed into mutations: field names, dates, statuses, nested records."""


@dataclass(frozen=True)
class ModelContext:
    """What the model targets share: a temp directory and a corpus of valid documents per class."""

    tmp: Path
    documents: dict[str, list[Any]]


@dataclass(frozen=True)
class ModelCase:
    """One call: ``how`` is ``object`` (a class constructor) or ``read_leads``; ``payload`` its input.

    ``render`` is how the payload is written: ``dict`` (plain data), ``json`` or ``yaml`` (text or bytes);
    ``suffix`` is the file name's suffix when `read_leads` reads a file.
    """

    how: str
    render: str
    cls: str
    payload: Any
    strict: bool
    errors: str = "raise"
    suffix: str = ""


def setup(tmp: Path) -> ModelContext:
    """Draw the corpus of valid documents once."""
    from leadkit.testing import bants, interactions, leads, personas

    strategies = {"Lead": leads(), "Interaction": interactions(), "Persona": personas(), "BANT": bants()}
    documents = {name: [obj.to_dict() for obj in corpus(s, CORPUS_SIZE, 1)] for name, s in strategies.items()}
    return ModelContext(tmp, documents)


# --------------------------------------------------------------------------- documents


def _handmade_lead() -> st.SearchStrategy[dict[str, Any]]:
    text = st.sampled_from(["L-1", " x ", "", "a@b.co", "\ud800"])
    return st.fixed_dictionaries(
        {"id": text, "created_at": st.sampled_from(_DATES)},
        optional={
            "contact": st.fixed_dictionaries({}, optional={"email": text, "phone": text, "name": text}),
            "company": st.fixed_dictionaries(
                {},
                optional={"employees": st.integers(), "country": text, "domain": text, "annual_revenue": st.floats()},
            ),
            "bant": st.fixed_dictionaries({}, optional={"budget": st.sampled_from(_STATUSES), "need": text}),
            "attributes": st.dictionaries(st.text(max_size=5), gen.scalars(), max_size=3),
            "stage": text,
            "status": text,
            "source": text,
            "interactions": st.lists(
                st.fixed_dictionaries({"kind": st.sampled_from(_KINDS), "at": st.sampled_from(_DATES)}), max_size=2
            ),
            "history": st.lists(
                st.fixed_dictionaries(
                    {"from_stage": st.none() | text, "to_stage": text, "at": st.sampled_from(_DATES)},
                    optional={"status": text},
                ),
                max_size=2,
            ),
        },
    )


def documents(context: ModelContext) -> dict[str, st.SearchStrategy[Any]]:
    """Per class, valid-looking documents (from the corpus, or built from the field names), then mutated."""
    found: dict[str, st.SearchStrategy[Any]] = {}
    for cls, docs in context.documents.items():
        base: st.SearchStrategy[Any] = st.sampled_from(docs)
        if cls == "Lead":
            base = st.one_of(base, _handmade_lead())
        found[cls] = gen.mutated(base, FIELD_VALUES)
    return found


# --------------------------------------------------------------------------- cases

_ERRORS = ("raise", "collect")


@st.composite
def _dict_case(draw: st.DrawFn, docs: dict[str, st.SearchStrategy[Any]]) -> ModelCase:
    if draw(st.integers(0, 3)):
        cls = draw(st.sampled_from(list(CLASSES)))
        return ModelCase("object", "dict", cls, draw(docs[cls]), draw(st.booleans()))
    # read_leads on records in memory, or on any value at all (its source argument)
    source = draw(st.lists(docs["Lead"], max_size=3)) if draw(st.integers(0, 3)) else draw(gen.values())
    errors = draw(st.sampled_from([*_ERRORS, "ignore"]))
    return ModelCase("read_leads", "dict", "Lead", source, draw(st.booleans()), errors)


@st.composite
def _jsonl(draw: st.DrawFn, doc: st.SearchStrategy[Any]) -> str | bytes:
    lines = [
        gen.to_json(draw(doc)) if draw(st.integers(0, 3)) else draw(st.text(max_size=10))
        for _ in range(draw(st.integers(0, 4)))
    ]
    return gen.encoded(draw, "\n".join(lines))


@st.composite
def _text_case(
    draw: st.DrawFn,
    texts: dict[str, st.SearchStrategy[str | bytes]],
    lines: st.SearchStrategy[str | bytes],
    render: str,
) -> ModelCase:
    strict = draw(st.booleans())
    if draw(st.integers(0, 3)):
        cls = draw(st.sampled_from(list(CLASSES)))
        return ModelCase("object", render, cls, draw(texts[cls]), strict)
    suffixes = [".json", ".JSON", ".jsonl", ".ndjson"] if render == "json" else [".yaml", ".yml"]
    suffix = draw(st.sampled_from(suffixes))
    payload = draw(lines) if suffix in (".jsonl", ".ndjson") else draw(texts["Lead"])
    return ModelCase("read_leads", render, "Lead", payload, strict, draw(st.sampled_from(_ERRORS)), suffix)


# --------------------------------------------------------------------------- calls


def _round_trip(obj: Any) -> None:
    """A built object reads back equal from its dict, and writes as JSON and YAML."""
    again = type(obj).from_dict(obj.to_dict())
    if again != obj:
        msg = f"{type(obj).__name__}.from_dict(obj.to_dict()) differs from obj"
        raise AssertionError(msg)
    obj.to_json()
    obj.to_yaml()


def _file(context: ModelContext, case: ModelCase) -> Path:
    path = context.tmp / f"leads{case.suffix}"
    data = case.payload
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return path


def call(context: ModelContext, case: ModelCase) -> None:
    """Build the object (or read the leads) the case describes, then round-trip what was built."""
    if case.how == "object":
        cls = CLASSES[case.cls]
        method = {"dict": cls.from_dict, "json": cls.from_json, "yaml": cls.from_yaml}[case.render]
        _round_trip(method(case.payload, strict=case.strict))
        return
    source = _file(context, case) if case.suffix else case.payload
    batch = read_leads(source, strict=case.strict, errors=case.errors)  # type: ignore[arg-type]
    for lead in batch.leads[:3]:
        _round_trip(lead)


def reproduce(context: ModelContext, case: ModelCase) -> str:
    """Python source reproducing the case."""
    if case.how == "object":
        method = {"dict": "from_dict", "json": "from_json", "yaml": "from_yaml"}[case.render]
        return f"from leadkit import {case.cls}\n\n{case.cls}.{method}({literal(case.payload)}, strict={case.strict})\n"
    if not case.suffix:
        return (
            "from leadkit import read_leads\n\n"
            f"read_leads({literal(case.payload)}, strict={case.strict}, errors={case.errors!r})\n"
        )
    data = case.payload if isinstance(case.payload, bytes) else case.payload.encode("utf-8", "surrogatepass")
    return (
        "import pathlib\nimport tempfile\n\nfrom leadkit import read_leads\n\n"
        f"path = pathlib.Path(tempfile.mkdtemp()) / 'leads{case.suffix}'\n"
        f"path.write_bytes({literal(data)})\n"
        f"read_leads(path, strict={case.strict}, errors={case.errors!r})\n"
    )


def allowed(error: BaseException, _: ModelCase) -> bool:
    """Only leadkit's own errors may escape."""
    return isinstance(error, LeadkitError)


def _cases(render: str) -> Any:
    def cases(context: ModelContext) -> st.SearchStrategy[ModelCase]:
        docs = documents(context)
        if render == "dict":
            return _dict_case(docs)
        texts = {cls: gen.texts_of(doc, render) for cls, doc in docs.items()}
        return _text_case(texts, _jsonl(docs["Lead"]), render)

    return cases


TARGETS: list[Target[Any]] = [
    Target(
        "model_dict",
        "Lead/Interaction/Persona/BANT.from_dict and read_leads(records)",
        _cases("dict"),
        call,
        reproduce,
        allowed,
        setup,
    ),
    Target(
        "model_json", "...from_json and read_leads(.json/.jsonl files)", _cases("json"), call, reproduce, allowed, setup
    ),
    Target("model_yaml", "...from_yaml and read_leads(.yaml files)", _cases("yaml"), call, reproduce, allowed, setup),
]
