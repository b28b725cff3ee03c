"""Learnt scorers on the real bank data, beside scikit-learn, in one run.

Run: ``pip install -e '.[bench]' && python benchmarks/bank_models.py``. ``duration`` is left out
(it is known only after the call). Four models, each fitted on the training part and scored by
ROC AUC on the test part, on two splits:

(a) a stratified 70/30 split with a fixed seed; (b) a time-ordered split: the file is in date
order, the first 70 % train and the last 30 % test.

* leadkit ``NaiveBayesScorer`` on every field (numbers in 5 quantile bins);
* leadkit ``RuleScorer`` calibrated by ``calibrate_rules``: one rule per category of each text
  field and per quantile bin of each number, points learnt from the outcomes;
* scikit-learn ``CategoricalNB`` (numbers in 5 quantile bins, categories encoded);
* scikit-learn ``LogisticRegression`` (one-hot categories, scaled numbers).

Targets on (a): NaiveBayesScorer at least CategoricalNB's AUC; the calibrated RuleScorer within
0.02 of LogisticRegression.
"""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timezone
from typing import Any

from leadkit import (
    NaiveBayesScorer,
    RuleScorer,
    ScoringModel,
    calibrate_rules,
    evaluate,
    load_bank_marketing,
    roc_auc,
)
from leadkit.datasets import BANK_MARKETING_FIELDS

AS_OF = datetime(2011, 1, 1, tzinfo=timezone.utc)
SEED = 0
BINS = 5


def columns(leads: Any) -> tuple[list[str], list[str]]:
    first = leads[0].attributes
    numeric = [f for f in BANK_MARKETING_FIELDS if isinstance(first[f], (int, float))]
    text = [f for f in BANK_MARKETING_FIELDS if f not in numeric]
    return text, numeric


def rules_for(train: Any, text: list[str], numeric: list[str]) -> RuleScorer:
    """One rule per category and per quantile bin, all at 0 points: calibration sets them."""
    rules: list[dict[str, Any]] = []
    for field in text:
        for value in sorted({lead.attributes[field] for lead in train}):
            when = {"field": f"attributes.{field}", "eq": value}
            rules.append({"name": f"{field} = {value}", "when": when, "points": 0})
    for field in numeric:
        ordered = sorted(lead.attributes[field] for lead in train)
        cuts = sorted({ordered[b * len(ordered) // BINS] for b in range(1, BINS)})
        for low, high in itertools.pairwise(cuts):
            when = {"all": [{"field": f"attributes.{field}", "gte": low}, {"field": f"attributes.{field}", "lt": high}]}
            rules.append({"name": f"{field} in [{low:g}, {high:g})", "when": when, "points": 0})
        if cuts:
            when = {"field": f"attributes.{field}", "gte": cuts[-1]}
            rules.append({"name": f"{field} >= {cuts[-1]:g}", "when": when, "points": 0})
    scorer = ScoringModel.from_dict({"version": 1, "scorers": [{"type": "rules", "rules": rules}]}).scorers[0]
    assert isinstance(scorer, RuleScorer)
    return scorer


def sklearn_models(train: Any, y_train: Any, test: Any, text: list[str], numeric: list[str]) -> dict[str, float]:
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import CategoricalNB
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, OrdinalEncoder, StandardScaler

    def frame(leads: Any) -> Any:
        return np.array([[lead.attributes[f] for f in (*text, *numeric)] for lead in leads], dtype=object)

    x_train, x_test = frame(train), frame(test)
    t, n = list(range(len(text))), list(range(len(text), len(text) + len(numeric)))
    categorical = make_pipeline(
        ColumnTransformer(
            [
                ("text", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), t),
                ("numbers", KBinsDiscretizer(n_bins=BINS, encode="ordinal", strategy="quantile"), n),
            ]
        ),
        _ShiftUnknown(),
        CategoricalNB(min_categories=64),
    )
    logistic = make_pipeline(
        ColumnTransformer([("text", OneHotEncoder(handle_unknown="ignore"), t), ("numbers", StandardScaler(), n)]),
        LogisticRegression(max_iter=2000),
    )
    results = {}
    for name, model in (("scikit-learn CategoricalNB", categorical), ("scikit-learn LogisticRegression", logistic)):
        model.fit(x_train, y_train)
        results[name] = model.predict_proba(x_test)[:, 1].tolist()
    return results


class _ShiftUnknown:
    """Moves the unknown-category code -1 to a category of its own (CategoricalNB needs non-negative codes)."""

    def fit(self, x: Any, y: Any = None) -> _ShiftUnknown:
        return self

    def transform(self, x: Any) -> Any:
        return x + 1

    def fit_transform(self, x: Any, y: Any = None) -> Any:
        return x + 1


def run(name: str, train: Any, y_train: Any, test: Any, y_test: Any) -> dict[str, float]:
    text, numeric = columns(train)
    aucs: dict[str, float] = {}
    start = time.perf_counter()
    nb = NaiveBayesScorer(fields=[f"attributes.{f}" for f in BANK_MARKETING_FIELDS], bins=BINS).fit(train, y_train)
    aucs["leadkit NaiveBayesScorer"] = evaluate(nb, test, y_test, as_of=AS_OF, bootstrap=0).roc_auc
    fit_nb = time.perf_counter() - start
    start = time.perf_counter()
    calibrated = calibrate_rules(rules_for(train, text, numeric), train, y_train, as_of=AS_OF).scorer
    aucs["leadkit RuleScorer, calibrated"] = evaluate(calibrated, test, y_test, as_of=AS_OF, bootstrap=0).roc_auc
    fit_rules = time.perf_counter() - start
    for model, scores in sklearn_models(train, y_train, test, text, numeric).items():
        aucs[model] = roc_auc(scores, y_test)
    print(f"({name}) train {len(train):,} leads, test {len(test):,} ({sum(y_test) / len(y_test):.1%} won)")
    for model, auc in aucs.items():
        print(f"  {model:<34} ROC AUC {auc:.4f}")
    print(
        f"  (leadkit: naive Bayes fit and scored in {fit_nb:.1f} s, rules calibrated and scored in {fit_rules:.1f} s)"
    )
    return aucs


def main() -> None:
    from sklearn.model_selection import train_test_split

    leads, outcomes = load_bank_marketing()
    index = list(range(len(leads)))
    train_i, test_i = train_test_split(index, test_size=0.3, stratify=outcomes, random_state=SEED)
    a = run(
        "a: stratified 70/30, seed 0",
        [leads[i] for i in train_i],
        [outcomes[i] for i in train_i],
        [leads[i] for i in test_i],
        [outcomes[i] for i in test_i],
    )
    cut = int(0.7 * len(leads))
    run("b: time-ordered, first 70 % train", leads[:cut], outcomes[:cut], leads[cut:], outcomes[cut:])
    nb, cnb = a["leadkit NaiveBayesScorer"], a["scikit-learn CategoricalNB"]
    rules, logistic = a["leadkit RuleScorer, calibrated"], a["scikit-learn LogisticRegression"]
    print(f"(a) NaiveBayesScorer - CategoricalNB = {nb - cnb:+.4f} (target >= 0)")
    print(f"(a) calibrated RuleScorer - LogisticRegression = {rules - logistic:+.4f} (target within 0.02)")


if __name__ == "__main__":
    main()
