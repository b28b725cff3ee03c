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
