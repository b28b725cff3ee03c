"""The command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import leadkit
from leadkit.cli import main


class TestDemo:
    def test_prints_summary(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`leadkit demo` validates, dedupes and summarises the sample, exit 0."""
        assert main(["demo"]) == 0
        out = capsys.readouterr().out
        batch = leadkit.load_sample_leads()
        result = leadkit.dedupe(batch.leads)
        assert re.search(rf"^\s+read\s+{batch.read}$", out, re.MULTILINE)
        assert re.search(rf"^\s+duplicates merged\s+{result.duplicates_merged}$", out, re.MULTILINE)
        for fragment in (
            "1. Validation",
            "2. De-duplication",
            "3. Contactability",
            "4. Leads by source",
            "leads[",  # problems are shown with their paths
            "Personas in the sample (4)",
        ):
            assert fragment in out

    def test_runs_as_module(self) -> None:
        """`python -m leadkit demo` works too."""
        done = subprocess.run(
            [sys.executable, "-m", "leadkit", "demo"], capture_output=True, text=True, check=False, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert "De-duplication" in done.stdout


class TestValidate:
    def test_valid_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A clean file exits 0."""
        path = tmp_path / "ok.json"
        path.write_text(json.dumps([{"id": "a", "created_at": "2026-01-01T00:00:00Z"}]))
        assert main(["validate", str(path)]) == 0
        assert "read 1, valid 1, invalid 0" in capsys.readouterr().out

    def test_invalid_rows(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Bad rows are listed with their paths and the exit status is 1."""
        path = tmp_path / "bad.json"
        path.write_text(json.dumps([{"id": "a", "created_at": "2026-01-01T00:00:00Z", "x": 1}]))
        assert main(["validate", str(path)]) == 1
        assert "leads[0].x: unknown field" in capsys.readouterr().out
        assert main(["validate", "--lenient", str(path)]) == 0

    def test_unusable_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A file that cannot be read is an error on stderr, exit 2."""
        assert main(["validate", str(tmp_path / "missing.json")]) == 2
        assert "leadkit: error:" in capsys.readouterr().err

    def test_usage_errors(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Unknown commands are argparse usage errors (exit 2)."""
        with pytest.raises(SystemExit) as excinfo:
            main(["frobnicate"])
        assert excinfo.value.code == 2
        assert "invalid choice" in capsys.readouterr().err

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--version prints the installed version."""
        with pytest.raises(SystemExit):
            main(["--version"])
        assert capsys.readouterr().out.strip() == f"leadkit {leadkit.__version__}"


SAMPLE = str(leadkit.sample_leads_path())
AS_OF = "2026-12-21T00:00:00+00:00"


class TestScore:
    def test_table(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`leadkit score` ranks the leads; invalid rows are reported on stderr and the exit status is 1."""
        assert main(["score", SAMPLE, "--as-of", AS_OF]) == 1
        captured = capsys.readouterr()
        assert "leads scored with model 'default' as of 2026-12-21T00:00:00+00:00" in captured.out
        assert re.search(r"^\s+1\s+L-\d{4}\s", captured.out, re.MULTILINE)
        assert "read 200 leads: scored 190, failed 10 (listed below)" in captured.err

    def test_json_matches_the_library(self, capsys: pytest.CaptureFixture[str]) -> None:
        """JSON output holds, in file order, what ScoringModel.qualify gives."""
        main(["score", SAMPLE, "--as-of", AS_OF, "--format", "json"])
        records = json.loads(capsys.readouterr().out)
        leads = leadkit.load_sample_leads().leads
        model = leadkit.default_model()
        assert [r["lead"] for r in records] == [lead.id for lead in leads]
        first = model.qualify(leads[0], as_of=leadkit.datasets.SAMPLE_AS_OF)
        assert records[0]["total"] == first.total
        assert records[0]["rating"] == first.rating
        assert records[0]["reasons"] == list(first.reasons)

    def test_csv(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """CSV output has a header and one row per lead; a clean file exits 0."""
        path = tmp_path / "ok.json"
        path.write_text(json.dumps([{"id": "a", "created_at": "2026-01-01T00:00:00Z"}]))
        assert main(["score", str(path), "--as-of", AS_OF, "--format", "csv"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith("lead,as_of,persona,rating,grade,band,temperature,mql,sales_ready")
        assert len(lines) == 2

    @pytest.mark.parametrize(
        ("args", "fragment"),
        [
            (["--as-of", "yesterday"], "as_of: expected an ISO 8601 date-time"),
            (["--as-of", "2026-12-01T00:00:00"], "naive datetime"),
            (["--model", "missing.yaml"], "a readable YAML file"),
        ],
    )
    def test_bad_input_exits_2(self, args: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
        """Unusable input is one error line and exit status 2."""
        assert main(["score", SAMPLE, *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("leadkit: error: ")
        assert fragment in err
        assert err.count("\n") == 1

    def test_bad_model_names_line(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A bad model's error names the line and the closest operator."""
        model = tmp_path / "m.yaml"
        model.write_text(leadkit.default_model_path().read_text().replace("gte: 200", "match: 200"))
        assert main(["score", SAMPLE, "--model", str(model)]) == 2
        err = capsys.readouterr().err
        assert "scorers[1].rules[0].when.match (line 55)" in err
        assert "did you mean 'matches'?" in err

    def test_debug_shows_the_traceback(self) -> None:
        """--debug lets the exception through."""
        with pytest.raises(leadkit.ConfigError):
            main(["score", SAMPLE, "--model", "missing.yaml", "--debug"])


class TestPartialFailures:
    def _leads(self, tmp_path: Path) -> Path:
        path = tmp_path / "leads.json"
        rows = [
            {"id": "a", "created_at": "2026-01-01T00:00:00Z"},
            {"id": "b", "created_at": "2026-01-01T00:00:00", "company": {"employees": -5}},
            {"id": "c", "created_at": "2026-01-01T00:00:00Z", "company": {"employees": 40}},
            {"id": "d", "created_at": "2026-01-01T00:00:00Z", "lead_score": 99},
        ]
        path.write_text(json.dumps(rows))
        return path

    def test_output_file_and_error_report(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Good rows are written, bad rows land in FILE.errors.csv with row, field and message; exit 1."""
        out = tmp_path / "scores.csv"
        assert (
            main(["score", str(self._leads(tmp_path)), "--as-of", AS_OF, "--format", "csv", "--output", str(out)]) == 1
        )
        scored = out.read_text().splitlines()
        assert [line.split(",")[0] for line in scored[1:]] == ["a", "c"]
        report = (tmp_path / "scores.csv.errors.csv").read_text().splitlines()
        assert report[0] == "row,field,line,message"
        rows = [line.split(",", 3) for line in report[1:]]
        assert {row[0] for row in rows} == {"1", "3"}
        assert ["1", "created_at"] in [row[:2] for row in rows]
        assert ["1", "company.employees"] in [row[:2] for row in rows]
        assert any(row[:2] == ["3", "lead_score"] and "unknown field" in row[3] for row in rows)
        err = capsys.readouterr().err
        assert "read 4 leads: scored 2, failed 2" in err
        assert "scores.csv.errors.csv" in err

    def test_a_clean_run_removes_an_old_report(self, tmp_path: Path) -> None:
        """The report beside the output always describes the latest run."""
        out = tmp_path / "scores.json"
        report = tmp_path / "scores.json.errors.csv"
        report.write_text("stale")
        clean = tmp_path / "ok.json"
        clean.write_text(json.dumps([{"id": "a", "created_at": "2026-01-01T00:00:00Z"}]))
        assert main(["score", str(clean), "--as-of", AS_OF, "--format", "json", "--output", str(out)]) == 0
        assert not report.exists()
        assert [r["lead"] for r in json.loads(out.read_text())] == ["a"]

    def test_raise_stops_with_exit_2_and_no_output(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--errors raise: the first invalid lead stops the run before anything is written."""
        out = tmp_path / "scores.csv"
        args = ["score", str(self._leads(tmp_path)), "--as-of", AS_OF, "--errors", "raise", "--output", str(out)]
        assert main(args) == 2
        assert not out.exists()
        assert "leads[1]" in capsys.readouterr().err

    def test_unwritable_output_is_a_clear_error(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An output path in a missing folder is reported, exit 2."""
        out = tmp_path / "missing" / "scores.csv"
        assert main(["score", SAMPLE, "--as-of", AS_OF, "--output", str(out)]) == 2
        err = capsys.readouterr().err
        assert '["--output"]: No such file or directory; expected a writable file' in err


class TestExplain:
    def test_explains_one_lead(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`leadkit explain` prints every contribution of one lead."""
        assert main(["explain", SAMPLE, "--id", "L-0088", "--as-of", AS_OF]) == 1  # the sample has bad rows
        out = capsys.readouterr().out
        assert out.startswith("lead L-0088 as of 2026-12-21T00:00:00+00:00: ")
        assert "  bant policy: not qualified" in out

    def test_unknown_id(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown id exits 2 with the closest one."""
        assert main(["explain", SAMPLE, "--id", "L-00088"]) == 2
        assert "did you mean 'L-0088'?" in capsys.readouterr().err


class TestValidateModel:
    def test_valid_model(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`leadkit validate MODEL.yaml` checks a model."""
        assert main(["validate", str(leadkit.default_model_path())]) == 0
        assert (
            "a valid scoring model 'default' with 4 scorers (fit, rules, engagement, bant)" in capsys.readouterr().out
        )

    def test_invalid_model(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An invalid model exits 2 with its problem."""
        model = tmp_path / "m.yaml"
        model.write_text("version: 1\nscorers: []\n")
        assert main(["validate", str(model)]) == 2
        assert "scorers (line 2): expected at least one scorer" in capsys.readouterr().err


def test_demo_ranks_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo ends with a ranking by the default model."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "5. Ranking with the default model, as of 2026-12-21T00:00:00+00:00 (top 15)" in out
    assert "  #  lead    persona" in out
    assert re.search(r"\d+ contactable leads: \d+ MQL, \d+ sales-ready", out)


def test_demo_walks_the_sample_through_the_default_pipeline(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo shows where each lead moves next under the automatic policy, and why."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    section = out.split("6. Where each lead moves next", 1)[1]
    assert "inquiry > lead > mql  crossed the MQL threshold" in section
    assert "raised a hand (demo request or free trial)" in section
    assert re.search(r"170 contactable leads placed: \d+ lead, \d+ mql, \d+ sal\.", section)


class TestPipelineCommand:
    def test_show_the_default_pipeline(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["pipeline", "show"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("pipeline 'default', initial stage: inquiry")
        assert re.search(r"^\s+sal\s+sales\s+-\s+new, attempted_to_contact, connected, bad_timing\s+1w$", out, re.M)
        assert re.search(r"^\s+qualify\s+sal\s+sql\s+bant_qualified\s+-$", out, re.M)
        assert "Automatic policy (first match wins):" in out

    @pytest.mark.parametrize(("fmt", "start"), [("mermaid", "stateDiagram-v2\n"), ("dot", 'digraph "default" {\n')])
    def test_show_a_diagram(self, fmt: str, start: str, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["pipeline", "show", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert out.startswith(start)
        assert out == (
            leadkit.default_pipeline().to_mermaid() if fmt == "mermaid" else leadkit.default_pipeline().to_dot()
        )

    def test_show_and_validate_a_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "p.yaml"
        path.write_text(
            "version: 1\nname: tiny\ninitial: a\nstages:\n  - name: a\n  - name: b\n    terminal: true\n"
            "transitions:\n  - name: go\n    from: a\n    to: b\n"
        )
        assert main(["pipeline", "show", str(path)]) == 0
        assert "pipeline 'tiny', initial stage: a" in capsys.readouterr().out
        assert main(["validate", str(path)]) == 0
        assert "a valid pipeline 'tiny' with 2 stages and 1 moves (initial stage: a)" in capsys.readouterr().out

    def test_an_invalid_pipeline_exits_2_with_its_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "p.yaml"
        path.write_text(
            "version: 1\ninitial: a\nstages:\n  - name: a\ntransitions:\n  - name: go\n    from: a\n    to: b\n"
        )
        assert main(["pipeline", "show", str(path)]) == 2
        assert "transitions[0].to (line 8): unknown stage 'b'" in capsys.readouterr().err
        assert main(["validate", str(path)]) == 2

    def test_show_needs_an_action(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as info:
            main(["pipeline"])
        assert info.value.code == 2


def test_demo_of_a_sample_without_problems_lists_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The problems section appears only when the sample has problems."""
    valid = leadkit.load_sample_leads().leads
    monkeypatch.setattr("leadkit.cli.load_sample_leads", lambda: leadkit.LeadBatch(leads=valid, read=len(valid)))
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\s+invalid\s+0$", out, re.MULTILINE)
    assert "Problems found" not in out
    assert "2. De-duplication" in out


class TestValidateYamlLeads:
    def test_a_yaml_list_is_a_leads_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A YAML file that is neither a model nor a pipeline is read as leads."""
        path = tmp_path / "leads.yaml"
        path.write_text("- id: a\n  created_at: 2026-01-01T00:00:00Z\n")
        assert main(["validate", str(path)]) == 0
        assert "read 1, valid 1, invalid 0" in capsys.readouterr().out

    def test_unparsable_yaml_is_reported_by_the_leads_reader(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """YAML that does not parse is one error with its line, exit 2."""
        path = tmp_path / "broken.yml"
        path.write_text("a: [\n")
        assert main(["validate", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("leadkit: error: ")
        assert "(line 2): invalid YAML" in err


def test_explain_on_a_clean_file_reports_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """explain on a file without bad rows exits 0 and writes nothing to stderr."""
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([{"id": "a", "created_at": "2026-01-01T00:00:00Z"}]))
    assert main(["explain", str(path), "--id", "a", "--as-of", AS_OF]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("lead a as of 2026-12-21T00:00:00+00:00: ")
    assert captured.err == ""


class TestScoringFailures:
    def _files(self, tmp_path: Path) -> tuple[Path, Path]:
        leads = tmp_path / "leads.json"
        leads.write_text(json.dumps([{"id": "a", "created_at": "2026-01-01T00:00:00Z"}]))
        model = tmp_path / "nb.yaml"
        model.write_text("version: 1\nscorers:\n  - type: naive_bayes\n    fields: [source]\n")  # never fitted
        return leads, model

    def test_raise_stops_at_a_lead_the_model_cannot_score(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--errors raise: a valid lead the model refuses stops the run, exit 2, naming its row; nothing written."""
        leads, model = self._files(tmp_path)
        out = tmp_path / "scores.csv"
        args = ["score", str(leads), "--model", str(model), "--as-of", AS_OF, "--errors", "raise", "--output", str(out)]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.startswith("leadkit: error: leads[0]: NotFittedError")
        assert not out.exists()

    def test_collect_reports_it_and_exits_1(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        leads, model = self._files(tmp_path)
        assert main(["score", str(leads), "--model", str(model), "--as-of", AS_OF, "--format", "json"]) == 1
        captured = capsys.readouterr()
        assert json.loads(captured.out) == []
        assert "read 1 leads: scored 0, failed 1 (listed below)" in captured.err
        assert "leads[0]: NotFittedError" in captured.err


def test_a_clean_run_to_a_file_writes_no_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without problems and without an old report, only the output file is written."""
    clean = tmp_path / "ok.json"
    clean.write_text(json.dumps([{"id": "a", "created_at": "2026-01-01T00:00:00Z"}]))
    out = tmp_path / "scores.json"
    assert main(["score", str(clean), "--as-of", AS_OF, "--format", "json", "--output", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.json", "scores.json"]
    assert capsys.readouterr().err == ""
