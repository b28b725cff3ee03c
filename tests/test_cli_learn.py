"""The command line's learning commands: fit, evaluate and funnel."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import leadkit
from leadkit.cli import main
from leadkit.datasets import SAMPLE_AS_OF

MAPPING = """\
version: 1
leads:
  columns:
    Lead: id
    Created: created_at
    Industry: company.industry
    Visits: {field: attributes.visits, type: number}
  rest: attributes
outcome:
  column: Won
  won: ["yes"]
  lost: ["no"]
"""


def _write_leads(path: Path, rows: int = 300, *, bad_rows: int = 0) -> None:
    """Leads whose industry and plan say a lot about the outcome, created one a day."""
    rng = random.Random(7)
    lines = ["Lead,Created,Industry,Visits,Plan,Won"]
    for i in range(rows):
        industry = rng.choice(["software", "retail", "education"])
        plan = rng.choice(["pro", "free"])
        chance = {"software": 0.6, "retail": 0.2, "education": 0.1}[industry] + (0.2 if plan == "pro" else 0)
        won = "yes" if rng.random() < chance else "no"
        day = f"2026-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}T10:00:00+00:00"
        visits = str(rng.randrange(20)) if i >= bad_rows else "many"
        lines.append(f"L{i},{day},{industry},{visits},{plan},{won}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    leads, mapping = tmp_path / "leads.csv", tmp_path / "mapping.yaml"
    _write_leads(leads)
    mapping.write_text(MAPPING, encoding="utf-8")
    return leads, mapping


class TestFit:
    def test_fits_measures_and_writes_a_model(
        self, files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        leads, mapping = files
        out = tmp_path / "model.yaml"
        assert main(["fit", str(leads), "--mapping", str(mapping), "--out", str(out), "--bootstrap", "0"]) == 0
        printed = capsys.readouterr().out
        assert "300 leads" in printed
        assert "learning from 210" in printed
        assert "measured on the latest 90 leads" in printed
        model = leadkit.load_model(out)
        (scorer,) = model.scorers
        assert isinstance(scorer, leadkit.NaiveBayesScorer)
        assert scorer.fitted
        assert set(scorer.fields) == {"company.industry", "attributes.visits", "attributes.Plan"}
        batch = leadkit.read_csv(leads, mapping)
        assert batch.outcomes is not None
        evaluation = leadkit.evaluate(model, batch.leads, batch.outcomes, as_of=SAMPLE_AS_OF, bootstrap=0)
        assert evaluation.roc_auc > 0.7  # it learnt the industry and the plan

    def test_named_fields_and_all_leads(
        self, files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        leads, mapping = files
        out = tmp_path / "model.yaml"
        args = ["fit", str(leads), "--mapping", str(mapping), "--out", str(out), "--test-fraction", "0"]
        assert main([*args, "--fields", "company.industry", "--name", "mine"]) == 0
        assert "measured" not in capsys.readouterr().out
        model = leadkit.load_model(out)
        assert model.name == "mine"
        assert model.scorers[0].fields == ("company.industry",)  # type: ignore[attr-defined]

    def test_calibrates_the_rules_of_a_model(
        self, files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        leads, mapping = files
        rules = tmp_path / "rules.yaml"
        rules.write_text(
            """\
version: 1
name: rules
scorers:
  - type: rules
    side: fit
    rules:
      - {name: software, when: {field: company.industry, eq: software}, points: 5}
      - {name: pro, when: {field: attributes.Plan, eq: pro}, points: 5}
""",
            encoding="utf-8",
        )
        out = tmp_path / "calibrated.yaml"
        args = ["fit", str(leads), "--mapping", str(mapping), "--out", str(out), "--rules", str(rules)]
        assert main([*args, "--bootstrap", "0"]) == 0
        printed = capsys.readouterr().out
        assert "software" in printed
        calibrated = leadkit.load_model(out)
        points = {rule.name: rule.points for rule in calibrated.scorers[0].rules}  # type: ignore[attr-defined]
        assert points["software"] > points["pro"] > 0  # software says more about winning than the plan
        assert points != {"software": 5, "pro": 5}

    def test_a_model_without_rules_is_refused(
        self, files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        leads, mapping = files
        model = tmp_path / "model.yaml"
        model.write_text(leadkit.ScoringModel(name="empty", scorers=[leadkit.EngagementScorer()]).to_yaml())
        args = ["fit", str(leads), "--mapping", str(mapping), "--out", str(tmp_path / "x.yaml"), "--rules", str(model)]
        assert main(args) == 2
        assert "at least one rules scorer" in capsys.readouterr().err

    def test_invalid_rows_are_reported_and_left_out(
        self, tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        leads, mapping = files
        _write_leads(leads, bad_rows=3)
        assert main(["fit", str(leads), "--mapping", str(mapping), "--out", str(tmp_path / "m.yaml")]) == 1
        captured = capsys.readouterr()
        assert "3 of 300 rows are invalid" in captured.err
        assert "leads[0].attributes.visits (line 2)" in captured.err
        assert "297 leads" in captured.out

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--test-fraction", "1"], "--test-fraction"),
            (["--test-fraction", "-0.1"], "--test-fraction"),
            (["--fields", "company.industri"], "did you mean"),
        ],
    )
    def test_bad_options(
        self,
        files: tuple[Path, Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        extra: list[str],
        message: str,
    ) -> None:
        leads, mapping = files
        assert main(["fit", str(leads), "--mapping", str(mapping), "--out", str(tmp_path / "m.yaml"), *extra]) == 2
        assert message in capsys.readouterr().err

    def test_a_csv_needs_a_mapping_with_an_outcome(
        self, files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        leads, _ = files
        assert main(["fit", str(leads), "--out", str(tmp_path / "m.yaml")]) == 2
        assert "--mapping" in capsys.readouterr().err
        no_outcome = tmp_path / "no-outcome.yaml"
        no_outcome.write_text(MAPPING.split("outcome:", maxsplit=1)[0], encoding="utf-8")
        args = ["fit", str(leads), "--mapping", str(no_outcome), "--out", str(tmp_path / "m.yaml")]
        assert main(args) == 2
        assert "outcome section" in capsys.readouterr().err

    def test_options_for_csv_files_are_refused_for_other_files(
        self, tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, mapping = files
        journeys = str(Path(leadkit.__file__).parent / "datasets" / "sample_journeys.jsonl")
        assert main(["funnel", journeys, "--mapping", str(mapping)]) == 2
        assert "only for CSV files" in capsys.readouterr().err


class TestEvaluate:
    def test_measures_a_model_and_recommends_a_threshold(
        self, files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        leads, mapping = files
        model = tmp_path / "model.yaml"
        assert main(["fit", str(leads), "--mapping", str(mapping), "--out", str(model), "--bootstrap", "0"]) == 0
        capsys.readouterr()
        args = ["evaluate", str(leads), "--mapping", str(mapping), "--model", str(model)]
        assert main([*args, "--capacity", "3", "--bootstrap", "20"]) == 0
        printed = capsys.readouterr().out
        assert "300 leads" in printed
        assert "95% interval" in printed
        assert "threshold:" in printed
        assert "(capacity)" in printed
        assert main([*args, "--precision", "0.5", "--bootstrap", "0"]) == 0
        assert "(precision)" in capsys.readouterr().out

    def test_the_default_model(self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
        leads, mapping = files
        assert main(["evaluate", str(leads), "--mapping", str(mapping), "--bootstrap", "0"]) == 0
        assert "default as of" in capsys.readouterr().out


class TestFunnel:
    JOURNEYS = str(Path(leadkit.__file__).parent / "datasets" / "sample_journeys.jsonl")
    AS_OF = SAMPLE_AS_OF.isoformat()

    def test_prints_the_funnel(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["funnel", self.JOURNEYS, "--as-of", self.AS_OF]) == 0
        printed = capsys.readouterr().out
        expected = str(leadkit.funnel(leadkit.load_sample_journeys(), as_of=SAMPLE_AS_OF))
        assert printed.strip() == expected.strip()

    def test_groups_and_attribution(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["funnel", self.JOURNEYS, "--as-of", self.AS_OF, "--by", "source", "--attribution"]) == 0
        printed = capsys.readouterr().out
        assert "web_form" in printed
        assert "reached customer" in printed
        assert main(["funnel", self.JOURNEYS, "--as-of", self.AS_OF, "--cohort", "month", "--attribution", "sql"]) == 0
        printed = capsys.readouterr().out
        assert "2026-09" in printed
        assert "reached sql" in printed

    def test_bad_options(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["funnel", self.JOURNEYS, "--by", "company.industri"]) == 2
        assert "did you mean" in capsys.readouterr().err
        assert main(["funnel", self.JOURNEYS, "--attribution", "nurture"]) == 2
        assert "not on the path" in capsys.readouterr().err
        with pytest.raises(SystemExit):
            main(["funnel", self.JOURNEYS, "--by", "source", "--cohort", "week"])

    def test_csv_with_a_history_table(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "leads.csv").write_text(
            "id,created\nA,2026-11-01T09:00:00+00:00\nB,2026-11-02T09:00:00+00:00\n", encoding="utf-8"
        )
        (tmp_path / "changes.csv").write_text(
            "lead,stage,when\n"
            "A,inquiry,2026-11-01T09:00:00+00:00\nA,lead,2026-11-01T10:00:00+00:00\n"
            "B,inquiry,2026-11-02T09:00:00+00:00\n",
            encoding="utf-8",
        )
        (tmp_path / "mapping.yaml").write_text(
            "leads: {columns: {id: id, created: created_at}}\n"
            "history: {columns: {lead: lead_id, stage: to_stage, when: at}}\n",
            encoding="utf-8",
        )
        args = ["funnel", str(tmp_path / "leads.csv"), "--mapping", str(tmp_path / "mapping.yaml")]
        assert main([*args, "--history", str(tmp_path / "changes.csv"), "--as-of", "2026-12-01T00:00:00Z"]) == 0
        printed = capsys.readouterr().out
        assert "2 leads" in printed
        assert "lead               1  50.0%" in printed


def test_fit_refuses_leads_with_no_field_that_varies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --fields, a file whose learnable fields all hold one value is refused, naming --fields."""
    leads, mapping = tmp_path / "same.csv", tmp_path / "mapping.yaml"
    leads.write_text(
        "Lead,Created,Industry,Visits,Plan,Won\n"
        "L1,2026-01-01T10:00:00+00:00,software,3,pro,yes\n"
        "L2,2026-01-02T10:00:00+00:00,software,3,pro,no\n",
        encoding="utf-8",
    )
    mapping.write_text(MAPPING, encoding="utf-8")
    out = tmp_path / "m.yaml"
    assert main(["fit", str(leads), "--mapping", str(mapping), "--out", str(out), "--test-fraction", "0"]) == 2
    err = capsys.readouterr().err
    assert '["--fields"]: expected fields to learn from: no field has two different values' in err
    assert not out.exists()


def test_calibration_keeps_the_models_other_scorers(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--rules learns the points of the rule scorers only; every other scorer is kept as it was."""
    leads, mapping = files
    engagement = leadkit.EngagementScorer(cap=40)
    base = leadkit.ScoringModel(
        name="mixed",
        scorers=[
            leadkit.RuleScorer(
                rules=[leadkit.Rule(name="software", when={"field": "company.industry", "eq": "software"}, points=1)]
            ),
            engagement,
        ],
        engagement=["engagement"],
    )
    rules = tmp_path / "rules.yaml"
    rules.write_text(base.to_yaml(), encoding="utf-8")
    out = tmp_path / "calibrated.yaml"
    args = ["fit", str(leads), "--mapping", str(mapping), "--out", str(out), "--rules", str(rules)]
    assert main([*args, "--bootstrap", "0", "--name", "learnt"]) == 0
    calibrated = leadkit.load_model(out)
    assert calibrated.name == "learnt"
    assert [s.name for s in calibrated.scorers] == ["rules", "engagement"]
    assert calibrated.scorers[1] == engagement
    assert calibrated.engagement == ("engagement",)
    assert calibrated.scorers[0].rules[0].points != 1  # type: ignore[attr-defined]


def test_evaluate_at_a_given_moment(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """--as-of sets the moment the leads are scored at, instead of the latest lead's creation."""
    leads, mapping = files
    args = ["evaluate", str(leads), "--mapping", str(mapping), "--bootstrap", "0"]
    assert main([*args, "--as-of", "2027-03-01T00:00:00+00:00"]) == 0
    assert capsys.readouterr().out.startswith("default as of 2027-03-01: 300 leads")
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("default as of 2026-11-20: 300 leads")  # the latest lead's creation


def test_the_moment_of_no_leads_is_now() -> None:
    """With no leads to take the latest creation from, the default moment is now, in UTC."""
    from datetime import datetime, timezone

    from leadkit._cli_learn import _moment

    before = datetime.now(timezone.utc)
    moment = _moment(None, [])
    assert before <= moment <= datetime.now(timezone.utc)
    assert moment.tzinfo is timezone.utc


def test_fit_on_an_empty_file_is_refused(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, mapping = files
    empty = tmp_path / "empty.csv"
    empty.write_text("Lead,Created,Industry,Visits,Plan,Won\n", encoding="utf-8")
    assert main(["fit", str(empty), "--mapping", str(mapping), "--out", str(tmp_path / "m.yaml")]) == 2
    assert "leads: expected at least one lead" in capsys.readouterr().err
