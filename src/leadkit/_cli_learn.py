"""The command line's learning commands: ``leadkit fit``, ``leadkit evaluate`` and ``leadkit funnel``.

Each reads a leads file: JSON, JSON Lines or YAML as `read_leads` reads them,
or a CSV export described by a column mapping (``--mapping``, see
`leadkit.mapping`). Invalid rows are reported and left out; the command still
runs on the valid ones and exits with status 1.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from leadkit.errors import ConfigError, describe_path

if TYPE_CHECKING:
    from leadkit._io import LeadBatch
    from leadkit.learn import Evaluation, NaiveBayesScorer
    from leadkit.model import Lead
    from leadkit.scoring import ScoringModel


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``fit``, ``evaluate`` and ``funnel`` to the command line's parser."""
    fit = commands.add_parser(
        "fit",
        parents=[common],
        help="learn a scorer from won and lost leads (a time-aware split measures it) and write it as a model",
    )
    _add_input(fit, outcome=True)
    fit.add_argument("--out", required=True, help="the scoring model YAML file to write")
    fit.add_argument(
        "--fields",
        nargs="+",
        metavar="FIELD",
        help="the fields to learn from, as rules name them (default: the source, company fields and attributes "
        "that take two values or more)",
    )
    fit.add_argument(
        "--rules",
        metavar="MODEL",
        help="calibrate the rule scorers of this model YAML file instead of fitting naive Bayes",
    )
    fit.add_argument("--name", default="learnt", help="the name of the model written (default: learnt)")
    fit.add_argument(
        "--test-fraction",
        type=float,
        default=0.3,
        help="the latest share of the leads kept to measure the scorer, 0 to learn from all (default: 0.3)",
    )
    evaluate = commands.add_parser(
        "evaluate", parents=[common], help="measure a scoring model against won and lost leads"
    )
    _add_input(evaluate, outcome=True)
    evaluate.add_argument("--model", help="a scoring model YAML file (default: the model shipped with leadkit)")
    evaluate.add_argument(
        "--capacity", type=float, help="recommend a threshold for this many leads a week (sales' capacity)"
    )
    evaluate.add_argument(
        "--precision", type=float, help="recommend a threshold whose leads are won at least this often (0 to 1)"
    )
    funnel = commands.add_parser(
        "funnel", parents=[common], help="count leads through a pipeline: reach, conversion, time in stage, SLAs"
    )
    _add_input(funnel, outcome=False)
    funnel.add_argument("--pipeline", help="a pipeline YAML file (default: the pipeline shipped with leadkit)")
    group = funnel.add_mutually_exclusive_group()
    group.add_argument("--by", help="split by a field path (source, attributes.campaign …) or 'channel'")
    group.add_argument("--cohort", choices=("week", "month"), help="split by the week or month leads were created")
    funnel.add_argument(
        "--attribution",
        nargs="?",
        const="",
        metavar="STAGE",
        help="also credit conversions to first and last touches (default stage: the end of the path)",
    )


def _add_input(parser: argparse.ArgumentParser, *, outcome: bool) -> None:
    kind = "a CSV file (with --mapping)" if outcome else "a leads file (.json, .jsonl, .yaml) or a CSV file"
    parser.add_argument("path", help=kind)
    needs = " with an outcome section" if outcome else ""
    parser.add_argument("--mapping", help=f"a column mapping YAML file{needs}, for a CSV file")
    parser.add_argument("--interactions", help="a CSV file of interactions, one per row (needs --mapping)")
    parser.add_argument("--history", help="a CSV file of stage changes, one per row (needs --mapping)")
    since = "the latest lead's creation" if outcome else "now, in UTC"
    parser.add_argument("--as-of", help=f"the moment, an ISO 8601 date-time with offset (default: {since})")
    if outcome:
        parser.add_argument(
            "--bootstrap",
            type=int,
            default=200,
            metavar="N",
            help="resamples for the ROC AUC's 95%% interval, 0 for none (default: 200; slow on big files)",
        )


# --- reading ----------------------------------------------------------------------------------------


def _load(args: argparse.Namespace, err: TextIO) -> LeadBatch:
    from leadkit._io import read_leads
    from leadkit.mapping import read_csv

    is_csv = Path(args.path).suffix.lower() == ".csv"
    if is_csv and args.mapping is None:
        raise ConfigError.at(("--mapping",), "a column mapping YAML file for a CSV file", reason="missing option")
    if not is_csv and (args.mapping or args.interactions or args.history):
        option = "--mapping" if args.mapping else "--interactions" if args.interactions else "--history"
        raise ConfigError.at((option,), "a CSV leads file to go with it", args.path, reason="only for CSV files")
    if is_csv:
        batch = read_csv(
            args.path, args.mapping, interactions=args.interactions, history=args.history, errors="collect"
        )
    else:
        batch = read_leads(args.path, errors="collect")
    if batch.problems:
        print(f"leadkit: {len(batch.failed_rows)} of {batch.read} rows are invalid and were left out:", file=err)
        for problem in batch.problems:
            print(f"    {problem}", file=err)
    return batch


def _outcomes(batch: LeadBatch) -> tuple[bool, ...]:
    if batch.outcomes is None:
        raise ConfigError.at(
            ("--mapping", "outcome"),
            "an outcome section naming the column that says won or lost (see the column mapping reference)",
            reason="no outcomes",
        )
    return batch.outcomes


def _moment(text: str | None, leads: Sequence[Lead]) -> datetime:
    from leadkit.cli import parse_as_of

    if text is not None:
        return parse_as_of(text)
    if not leads:
        return datetime.now(timezone.utc)
    return max(lead.created_at for lead in leads)


# --- fit ----------------------------------------------------------------------------------------------


_LEARNABLE = ("source", "company.industry", "company.country", "company.employees", "company.annual_revenue")


def _learnt_fields(args: argparse.Namespace, leads: Sequence[Lead]) -> list[str]:
    """``--fields``, or every field with at least two values among the leads but ids, dates and contacts."""
    if args.fields:
        return list(args.fields)
    from leadkit.scoring.conditions import field_reader

    candidates = list(_LEARNABLE)
    for lead in leads:
        candidates += [f"attributes.{key}" for key in lead.attributes if f"attributes.{key}" not in candidates]
    fields = []
    for path in candidates:
        read = field_reader(path)
        if len({repr(read(lead)) for lead in leads}) > 1:
            fields.append(path)
    if not fields:
        raise ConfigError.at(
            ("--fields",), "fields to learn from: no field has two different values; name them with --fields"
        )
    return fields


def _naive_bayes(fields: list[str], name: str) -> NaiveBayesScorer:
    from leadkit.learn import NaiveBayesScorer

    return NaiveBayesScorer(name=f"{name}_odds", fields=fields)


def _calibrated(
    base: ScoringModel,
    args: argparse.Namespace,
    *,
    train: Sequence[Lead],
    outcomes: Sequence[bool],
    as_of: datetime,
    out: TextIO,
) -> ScoringModel:
    """``base`` with the points of each of its rule scorers learnt from the outcomes."""
    import attrs

    from leadkit.learn import calibrate_rules
    from leadkit.scoring import RuleScorer, Scorer

    if not any(isinstance(scorer, RuleScorer) for scorer in base.scorers):
        raise ConfigError.at(("--rules",), "a model with at least one rules scorer", args.rules)
    scorers: list[Scorer] = []
    for scorer in base.scorers:
        if isinstance(scorer, RuleScorer):
            calibration = calibrate_rules(scorer, train, outcomes, as_of=as_of)
            print(calibration, file=out)
            scorers.append(calibration.scorer)
        else:
            scorers.append(scorer)
    return attrs.evolve(base, name=args.name, scorers=scorers)


def fit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``leadkit fit``: learn, measure on the latest leads, and write the model."""
    from leadkit.learn import evaluate, time_split
    from leadkit.scoring import ScoringModel, load_model

    if not 0 <= args.test_fraction < 1:
        raise ConfigError.at(("--test-fraction",), "a share from 0 (learn from all) to below 1", args.test_fraction)
    batch = _load(args, err)
    outcomes = _outcomes(batch)
    as_of = _moment(args.as_of, batch.leads)
    if args.test_fraction:
        split = time_split(batch.leads, outcomes, fraction=1 - args.test_fraction)
        train, train_outcomes, test, test_outcomes = split.train, split.train_outcomes, split.test, split.test_outcomes
    else:
        train, train_outcomes, test, test_outcomes = batch.leads, outcomes, (), ()
    head = f"{describe_path(args.path)}: {len(batch.leads)} leads, {sum(outcomes)} won"
    print(f"{head}; learning from {len(train)}", file=out)
    if args.rules:
        model = _calibrated(load_model(args.rules), args, train=train, outcomes=train_outcomes, as_of=as_of, out=out)
    else:
        scorer = _naive_bayes(_learnt_fields(args, train), args.name).fit(train, train_outcomes)
        model = ScoringModel(
            name=args.name,
            description=f"Learnt from {len(train)} leads of {Path(args.path).name}",
            scorers=[scorer],
            fit=[scorer.name],
            grades=(50, 40, 30),  # even odds or better is A; one in three B; one in five C
            mql_total=40,
        )
    if test:
        _report(evaluate(model, test, test_outcomes, as_of=as_of, bootstrap=args.bootstrap), len(test), out)
    Path(args.out).write_text(model.to_yaml(), encoding="utf-8")
    print(f"wrote {describe_path(args.out)}: model {model.name!r}", file=out)
    return 1 if batch.problems else 0


def _report(evaluation: Evaluation, size: int, out: TextIO) -> None:
    print(f"measured on the latest {size} leads, which it did not learn from:", file=out)
    print(evaluation, file=out)


# --- evaluate -----------------------------------------------------------------------------------------


def evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``leadkit evaluate``: how well a model ranks the leads, and where to set its threshold."""
    from leadkit.cli import load_model_option
    from leadkit.learn import evaluate as measure
    from leadkit.learn import recommend_threshold

    model: ScoringModel = load_model_option(args.model)
    batch = _load(args, err)
    outcomes = _outcomes(batch)
    as_of = _moment(args.as_of, batch.leads)
    print(measure(model, batch.leads, outcomes, as_of=as_of, bootstrap=args.bootstrap), file=out)
    if args.capacity is not None or args.precision is not None:
        scores = [q.total for q in model.qualify_many(batch.leads, as_of=as_of)]
        created = [lead.created_at for lead in batch.leads]
        weeks = max((max(created) - min(created)) / timedelta(weeks=1), 1.0)
        advice = recommend_threshold(scores, outcomes, capacity=args.capacity, precision=args.precision, periods=weeks)
        if not advice.selected:  # no precision to show: not even the top-scoring leads fit the limits
            print(
                f"threshold: none fits: even the top-scoring leads exceed the limits over {weeks:.1f} weeks", file=out
            )
        else:
            print(
                f"threshold: {advice.threshold:.1f} points ({advice.rule}): {advice.per_period:.1f} leads a week "
                f"over {weeks:.1f} weeks, {advice.precision:.1%} won, {advice.recall:.1%} of all won",
                file=out,
            )
    return 1 if batch.problems else 0


# --- funnel -------------------------------------------------------------------------------------------


def funnel(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``leadkit funnel``: the funnel of a leads file, and optionally its attribution."""
    from leadkit.cli import parse_as_of
    from leadkit.learn import attribution
    from leadkit.learn import funnel as count
    from leadkit.stages import default_pipeline, load_pipeline

    pipeline = default_pipeline() if args.pipeline is None else load_pipeline(args.pipeline)
    batch = _load(args, err)
    as_of = parse_as_of(args.as_of)  # default: now; a funnel is usually wanted as it stands
    print(count(batch.leads, pipeline, as_of=as_of, by=args.by, cohort=args.cohort), file=out)
    if args.attribution is not None:
        print(attribution(batch.leads, pipeline, as_of=as_of, stage=args.attribution or None), file=out)
    return 1 if batch.problems else 0
