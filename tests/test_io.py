"""Reading and writing files of leads, with error collection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _examples import scaled
from leadkit import Lead, LeadBatch, ValidationError, read_leads, write_leads
from leadkit.testing import leads

GOOD = {"id": "a", "created_at": "2026-01-01T00:00:00Z", "contact": {"email": "a@example.com"}}
BAD = {"id": "b", "created_at": "2026-01-01T00:00:00Z", "company": {"employees": -1}}
YAML_LIST = """\
- id: a
  created_at: 2026-01-01T00:00:00Z
- id: b
  created_at: 2026-01-01T00:00:00Z
  company:
    employees: -1
"""
YAML_MAPPING = """\
leads:
  - id: a
    created_at: 2026-01-01T00:00:00Z
  - id: b
    created_at: 2026-01-01T00:00:00Z
    company: {employees: -1}
"""


class TestReadLeads:
    def test_collect_keeps_good_rows_and_locates_bad_ones(self) -> None:
        """With errors='collect', good rows load and each bad row is reported with its index."""
        batch = read_leads([GOOD, BAD, GOOD], errors="collect")
        assert [lead.id for lead in batch] == ["a", "a"]
        assert [p.location for p in batch.problems] == ["leads[1].company.employees"]
        assert (batch.read, len(batch), batch.failed_rows) == (3, 2, (1,))

    def test_raise_reports_every_bad_row(self) -> None:
        """With errors='raise' (default), one error lists the problems of all bad rows."""
        with pytest.raises(ValidationError) as excinfo:
            read_leads([BAD, GOOD, BAD])
        assert [p.location for p in excinfo.value.problems] == [
            "leads[0].company.employees",
            "leads[2].company.employees",
        ]

    def test_bad_errors_argument(self) -> None:
        """An unknown errors mode is refused."""
        with pytest.raises(ValidationError, match="'raise' or 'collect'"):
            read_leads([], errors="ignore")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("name", "text"),
        [
            ("leads.json", json.dumps([GOOD, BAD])),
            ("leads.json", json.dumps({"leads": [GOOD, BAD]})),
            ("leads.jsonl", json.dumps(GOOD) + "\n\n" + json.dumps(BAD) + "\n"),
            ("leads.yaml", YAML_LIST),
            ("leads.yml", YAML_MAPPING),
        ],
    )
    def test_file_formats(self, tmp_path: Path, name: str, text: str) -> None:
        """JSON, JSON Lines and YAML files load the same way."""
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        batch = read_leads(path, errors="collect")
        assert [lead.id for lead in batch] == ["a"]
        assert [format(p.path[2:]) for p in batch.problems] == ["('company', 'employees')"]

    def test_line_numbers(self, tmp_path: Path) -> None:
        """YAML and JSON Lines problems carry the line of the bad value."""
        yaml_path = tmp_path / "leads.yaml"
        yaml_path.write_text("- id: a\n  created_at: 2026-01-01T00:00:00Z\n  company:\n    employees: -1\n")
        assert [p.line for p in read_leads(yaml_path, errors="collect").problems] == [4]
        jsonl_path = tmp_path / "leads.jsonl"
        jsonl_path.write_text(json.dumps(GOOD) + "\n\n" + json.dumps(BAD) + "\n")
        assert [p.line for p in read_leads(jsonl_path, errors="collect").problems] == [3]

    @pytest.mark.parametrize(
        ("name", "text", "message"),
        [
            ("leads.csv", "id\n", "unknown file type"),
            ("leads.json", '{"rows": []}', "a list of leads"),
            ("leads.json", "[", "invalid JSON"),
            ("leads.jsonl", "{}\n{", "invalid JSON"),
            ("leads.yaml", "- a: [", "invalid YAML"),
        ],
    )
    def test_unusable_files(self, tmp_path: Path, name: str, text: str, message: str) -> None:
        """A file that cannot be read as leads is one clear ValidationError."""
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(ValidationError, match=message):
            read_leads(path, errors="collect")

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file names the file."""
        with pytest.raises(ValidationError, match=r"cannot read .*missing\.json"):
            read_leads(tmp_path / "missing.json")

    @given(st.lists(st.one_of(st.just(GOOD), st.just(BAD), st.just("junk"), st.just({"id": "c"})), max_size=12))
    def test_counts_add_up(self, records: list[Any]) -> None:
        """read == valid + failed, whatever mix of rows is read."""
        batch = read_leads(records, errors="collect")
        assert batch.read == len(records) == len(batch) + len(batch.failed_rows)


class TestWriteLeads:
    @pytest.mark.parametrize("suffix", [".json", ".jsonl", ".yaml"])
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=scaled(20))
    @given(items=st.lists(leads(max_interactions=2), max_size=3))
    def test_round_trip(self, tmp_path: Path, suffix: str, items: list[Lead]) -> None:
        """write_leads then read_leads gives the same leads back."""
        path = tmp_path / f"out{suffix}"
        write_leads(items, path)
        assert list(read_leads(path)) == items

    def test_unknown_suffix(self, tmp_path: Path) -> None:
        """Writing to an unsupported format is refused before anything is written."""
        with pytest.raises(ValidationError, match="unknown file type; expected a file ending in"):
            write_leads([], tmp_path / "out.csv")
        assert not (tmp_path / "out.csv").exists()

    def test_batch_is_iterable(self) -> None:
        """A LeadBatch iterates over its leads."""
        batch = LeadBatch((Lead.from_dict(GOOD),), (), 1)
        assert [lead.id for lead in batch] == ["a"]
