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
        assert "rows are invalid and were not scored" in captured.err

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
