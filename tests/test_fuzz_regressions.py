"""Inputs the fuzz targets (``fuzz/``) found escaping as something other than a LeadkitError.

Each test is one input, reduced, that used to raise a builtin exception (or
hang); now it raises the right LeadkitError, naming where the problem is.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from leadkit import (
    BANT,
    ColumnMapping,
    ConfigError,
    EngagementScorer,
    Interaction,
    Lead,
    Persona,
    Pipeline,
    ScoringModel,
    ValidationError,
    default_model,
    default_pipeline,
    funnel,
    load_mapping,
    load_model,
    load_pipeline,
    parse_condition,
    read_csv,
    read_leads,
)
from leadkit.cli import main

CREATED = "2024-05-01T09:30:00Z"
HUGE = 10**5000  # more digits than str() converts by default (4300)


def lead(**fields: Any) -> dict[str, Any]:
    return {"id": "L-1", "created_at": CREATED, **fields}


class TestModelDocuments:
    @pytest.mark.parametrize(
        ("document", "path"),
        [
            (lead(id="\ud800"), "id"),
            (lead(source="web\udcff"), "source"),
            (lead(contact={"name": "\ud800"}), "contact.name"),
            (lead(attributes={"x": ["ok", "\ud800"]}), "attributes.x[1]"),
            (lead(bant={"need": {"status": "yes", "note": "\udfff"}}), "bant.need.note"),
        ],
    )
    def test_lone_surrogates_are_refused(self, document: dict[str, Any], path: str) -> None:
        """Text with a lone surrogate was accepted, then to_yaml (and writing any file) failed: UnicodeEncodeError."""
        with pytest.raises(ValidationError, match="lone surrogates") as caught:
            Lead.from_dict(document)
        assert caught.value.path == path

    def test_lone_surrogate_keys_are_refused(self) -> None:
        """A custom field named by a lone surrogate is refused like any invalid key."""
        with pytest.raises(ValidationError, match="non-empty text keys") as caught:
            Lead.from_dict(lead(attributes={"\ud800": 1}))
        assert caught.value.path == "attributes"

    def test_lone_surrogates_from_json_escapes(self) -> None:
        r"""JSON can spell a lone surrogate (``"\ud800"``); it is refused at its field."""
        with pytest.raises(ValidationError, match="lone surrogates") as caught:
            Lead.from_json('{"id": "\\ud800", "created_at": "2024-05-01T09:30:00Z"}')
        assert caught.value.path == "id"

    def test_lone_surrogates_in_text_lists(self) -> None:
        """A list of text is checked item by item."""
        with pytest.raises(ValidationError, match="lone surrogates") as caught:
            Persona.from_dict({"name": "p", "titles": ["analyst", "b\ud800"]})
        assert caught.value.path == "titles[1]"

    def test_integers_too_long_for_text_in_custom_fields(self) -> None:
        """An int JSON cannot be written with (to_json raised ValueError) is refused at its field."""
        with pytest.raises(ValidationError, match="a finite number") as caught:
            Lead.from_dict(lead(attributes={"el": HUGE}))
        assert caught.value.path == "attributes.el"
        assert "<int of 16610 bits>" in str(caught.value)

    def test_integers_too_large_for_counts(self) -> None:
        """A head count as large as HUGE was accepted (to_json then raised ValueError)."""
        with pytest.raises(ValidationError, match="too large") as caught:
            Persona.from_dict({"name": "p", "min_employees": HUGE})
        assert caught.value.path == "min_employees"

    def test_json_integers_too_long_to_read(self) -> None:
        """json.loads raised ValueError (int max str digits) out of from_json."""
        with pytest.raises(ValidationError, match="number too long"):
            Lead.from_json(
                '{"id": "a", "created_at": "2024-05-01T09:30:00Z", "company": {"employees": 1' + "0" * 4300 + "}}"
            )

    def test_duplicate_keys_still_reported_as_such(self) -> None:
        """The duplicate-key error is a ValueError too; it is not mistaken for a too-long number."""
        with pytest.raises(ValidationError, match="duplicate key"):
            Lead.from_json('{"id": "a", "id": "b"}')

    @pytest.mark.parametrize(("key", "shown"), [(None, "None"), (True, "True"), (1.5, '["1.5"]')])
    def test_keys_that_are_not_text(self, key: Any, shown: str) -> None:
        """YAML keys such as null made the error's path unprintable (TypeError in format_path)."""
        with pytest.raises(ValidationError, match="unknown field") as caught:
            BANT.from_dict({key: "x", "budget": "yes"})
        assert caught.value.path == shown

    def test_keys_of_several_types(self) -> None:
        """Unknown keys of different types could not be sorted for the message (TypeError)."""
        with pytest.raises(ValidationError) as caught:
            Persona.from_dict({"name": "p", 1: "a", "x": "b", None: "c"})
        assert {p.path[0] for p in caught.value.problems} == {1, "x", "None"}


class TestReadLeads:
    def test_a_source_that_is_neither_path_nor_records(self) -> None:
        """read_leads(0) raised TypeError: 'int' object is not iterable."""
        with pytest.raises(ValidationError, match="the path of a leads file") as caught:
            read_leads(0)  # type: ignore[arg-type]
        assert caught.value.path == "source"

    @pytest.mark.parametrize(("name", "reason"), [("a\x00b.json", "embedded null byte"), ("\ud800.json", "surrogates")])
    def test_paths_the_file_system_cannot_take(self, name: str, reason: str) -> None:
        """A NUL byte or a lone surrogate in the path raised ValueError instead of a readable-file error."""
        with pytest.raises(ValidationError, match=reason) as caught:
            read_leads(name)
        assert caught.value.expected == "a readable leads file"


class TestConfigFiles:
    @pytest.mark.parametrize("load", [load_model, load_pipeline])
    @pytest.mark.parametrize(("path", "reason"), [("a\x00b.yaml", "embedded null byte"), ("\ud800.yaml", "surrogates")])
    def test_paths_the_file_system_cannot_take(self, load: Any, path: str, reason: str) -> None:
        """read_bytes let ValueError (NUL) and UnicodeEncodeError (surrogate) through."""
        with pytest.raises(ConfigError, match=reason) as caught:
            load(path)
        assert caught.value.expected == "a readable YAML file"

    @pytest.mark.parametrize("load", [load_model, load_pipeline])
    def test_a_path_that_is_not_a_path(self, load: Any) -> None:
        """load_model(0) raised TypeError from pathlib."""
        with pytest.raises(ConfigError, match="the path of a YAML file"):
            load(0)

    def test_csv_path_with_a_nul_byte(self, tmp_path: Path) -> None:
        """read_csv let ValueError (embedded null byte) through from open()."""
        with pytest.raises(ValidationError, match="embedded null byte") as caught:
            read_csv(str(tmp_path / "a\x00.csv"), {"id": "id", "t": "created_at"})
        assert caught.value.expected == "a readable leads CSV file"

    @pytest.mark.parametrize(
        "read",
        [
            load_model,
            load_pipeline,
            load_mapping,
            read_leads,
            lambda path: read_csv(path, {"id": "id", "t": "created_at"}),
        ],
        ids=["load_model", "load_pipeline", "load_mapping", "read_leads", "read_csv"],
    )
    def test_a_missing_file_deep_in_a_long_path_is_named_whole(self, tmp_path: Path, read: Any) -> None:
        """A long path was cut to 80 characters in the message, hiding the very file name that was missing."""
        path = tmp_path / ("d" * 100) / "missing-file.yaml"
        with pytest.raises((ConfigError, ValidationError)) as caught:
            read(path)
        assert f"cannot read {path}: No such file or directory" in str(caught.value)

    def test_an_undecodable_file_name_is_shown_with_escapes(self, tmp_path: Path) -> None:
        """A file name that is not UTF-8 (lone surrogates in Python) is escaped, so any stream can print it."""
        with pytest.raises(ConfigError) as caught:
            load_model(tmp_path / f"model-{chr(0xDCFF)}.yaml")
        message = str(caught.value)
        assert "model-\\udcff.yaml" in message
        message.encode("utf-8")  # raises UnicodeEncodeError if a lone surrogate is left in

    def test_a_csv_file_name_that_is_not_utf8_is_shown_with_escapes(self, tmp_path: Path) -> None:
        """Messages about a CSV file's header named the file raw, lone surrogates and all."""
        path = tmp_path / f"leads-{chr(0xDCFF)}.csv"
        path.write_text("id,id,t\n1,2,2024-05-01T09:30:00Z\n", encoding="utf-8")
        with pytest.raises(ValidationError) as caught:
            read_csv(path, {"id": "id", "t": "created_at"})
        message = str(caught.value)
        assert "leads-\\udcff.csv repeats 'id'" in message
        message.encode("utf-8")


def _cyclic(key: str) -> dict[str, Any]:
    """``&c {key: *c}``: what a YAML alias can build."""
    data: dict[str, Any] = {}
    data[key] = data
    return data


class TestNesting:
    def test_a_condition_containing_itself(self) -> None:
        """parse_condition recursed until RecursionError."""
        with pytest.raises(ConfigError, match="nested too deeply") as caught:
            parse_condition(_cyclic("not"))
        assert caught.value.path.startswith("not.not.not")

    def test_conditions_nested_past_the_limit(self) -> None:
        """2000 nested any's: RecursionError; 100 are still read."""
        condition: dict[str, Any] = {"field": "source", "eq": "x"}
        for _ in range(100):
            condition = {"any": [condition]}
        assert parse_condition(condition).describe().startswith("((")
        for _ in range(1900):
            condition = {"any": [condition]}
        with pytest.raises(ConfigError, match="conditions nested at most 100 levels deep"):
            parse_condition(condition)

    def test_a_model_rule_containing_itself(self) -> None:
        """The same through a scoring model: located at the rule."""
        data = default_model().to_dict()
        rules = next(s for s in data["scorers"] if s["type"] == "rules")
        rules["rules"][0]["when"] = _cyclic("not")
        with pytest.raises(ConfigError, match="nested too deeply") as caught:
            ScoringModel.from_dict(data)
        assert caught.value.path.startswith("scorers[1].rules[0].when.not.not")

    def test_a_model_rule_containing_itself_in_yaml(self, tmp_path: Path) -> None:
        """What YAML aliases make: refused as a ConfigError, not a RecursionError."""
        path = tmp_path / "model.yaml"
        path.write_text(
            "version: 1\nscorers:\n- type: rules\n  rules:\n  - {name: r, points: 1, when: &c {not: *c}}\n",
            encoding="utf-8",
        )
        with pytest.raises(ConfigError):
            load_model(path)

    def test_a_guard_containing_itself(self) -> None:
        """guard_from_data recursed until RecursionError."""
        data = default_pipeline().to_dict()
        data["transitions"][0]["guards"] = [_cyclic("not")]
        with pytest.raises(ConfigError, match="guards nested at most 100 levels deep") as caught:
            Pipeline.from_dict(data)
        assert caught.value.path.startswith("transitions[0].guards[0].not.not")


class TestScoringModels:
    def test_a_scorer_name_that_is_not_text(self) -> None:
        """An engagement scorer named by a list got into the model and broke it (TypeError: unhashable type)."""
        data = default_model().to_dict()
        data["scorers"][2]["name"] = ["engagement", "engagement"]
        with pytest.raises(ConfigError, match="non-empty text") as caught:
            ScoringModel.from_dict(data)
        assert caught.value.path == "scorers[2].name"

    def test_engagement_scorer_names_are_checked(self) -> None:
        """As every other scorer's are."""
        with pytest.raises(ValidationError, match="non-empty text") as caught:
            EngagementScorer(name=" ")
        assert caught.value.path == "name"

    @pytest.mark.parametrize(
        ("pattern", "expected"),
        [
            ("x{99999999999999999999}", "the repetition number is too large"),
            ("x{1,4294967295}", "the repetition number is too large"),
            ("(" * 500 + ")" * 500, "a regular expression with fewer nested groups"),
        ],
    )
    def test_patterns_the_regex_compiler_cannot_take(self, pattern: str, expected: str) -> None:
        """re.compile raised OverflowError (a huge repeat count) and RecursionError (deep groups) out of the check."""
        rule = {"name": "r", "points": 5, "when": {"field": "contact.title", "matches": pattern}}
        with pytest.raises(ConfigError, match="unusable pattern") as caught:
            ScoringModel.from_dict({"version": 1, "scorers": [{"type": "rules", "rules": [rule]}]})
        assert caught.value.path == "scorers[0].rules[0].when.matches"
        assert expected in caught.value.expected

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            (lambda d: d["scorers"][2]["signals"]["chat"]["frequency"].update(at_most=HUGE), "frequency.limit"),
            (lambda d: d["scorers"][1]["rules"][9]["when"].update(at_least=HUGE), "when.at_least"),
        ],
    )
    def test_counts_too_large_to_write(self, change: Any, path: str) -> None:
        """Such a model loaded, then to_yaml raised ValueError (and describing its rule did too)."""
        data = default_model().to_dict()
        change(data)
        with pytest.raises(ConfigError, match="too large") as caught:
            ScoringModel.from_dict(data)
        assert caught.value.path.endswith(path)

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            (lambda d: d["sales_ready"].update(kinds=["\ud800" * 3]), "sales_ready.kinds[0]"),
            (lambda d: d["scorers"][1]["rules"][6]["when"].update(eq="bought\udcff"), "scorers[1].rules[6].when.eq"),
        ],
    )
    def test_text_with_lone_surrogates(self, change: Any, path: str) -> None:
        """Such a model loaded, then to_yaml raised UnicodeEncodeError."""
        data = default_model().to_dict()
        change(data)
        with pytest.raises(ConfigError, match="lone surrogates") as caught:
            ScoringModel.from_dict(data)
        assert caught.value.path == path

    @pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+14:00", "0001-01-15T00:00:00+00:00"])
    def test_qualifying_in_the_first_month_of_the_calendar(self, as_of: str) -> None:
        """as_of - hand_raiser_window overflowed (OverflowError) within 30 days of year 1."""
        moment = datetime.fromisoformat(as_of)
        lead = Lead(id="a", created_at=moment, interactions=[Interaction(kind="demo_request", at=moment)])
        assert default_model().qualify(lead, as_of=moment).sales_ready


class TestPipelines:
    def test_text_with_lone_surrogates(self) -> None:
        """A pipeline document is checked like a model: its text must be writable."""
        data = default_pipeline().to_dict()
        data["stages"][0]["description"] = "x\udcff"
        with pytest.raises(ConfigError, match="lone surrogates") as caught:
            Pipeline.from_dict(data)
        assert caught.value.path == "stages[0].description"

    def test_overdue_with_an_sla_near_the_longest_duration(self) -> None:
        """as_of - entered - sla overflowed timedelta (OverflowError) when as_of came before the stage was entered."""
        data = default_pipeline().to_dict()
        data["stages"][0]["sla"] = "999999999d"
        pipeline = Pipeline.from_dict(data)
        moment = datetime(2026, 11, 2, tzinfo=timezone.utc)
        lead = pipeline.advance(Lead(id="a", created_at=moment), "inquiry", at=moment)
        assert pipeline.overdue([lead], as_of=datetime(1, 1, 1, tzinfo=timezone.utc)) == ()
        data["stages"][0]["sla"] = "1d"
        late = Pipeline.from_dict(data).overdue([lead], as_of=moment + timedelta(days=3))
        assert [b.overdue_by for b in late] == [timedelta(days=2)]


class TestFunnels:
    @pytest.mark.parametrize(("cohort", "suffix"), [("week", "-W01"), ("month", "-01")])
    def test_cohorts_of_leads_whose_utc_time_is_before_year_one(self, cohort: str, suffix: str) -> None:
        """created_at.astimezone(utc) raised OverflowError for 0001-01-01T00:00:00+14:00, a valid lead.

        Its cohort is then that of the time as written: year 1 (how strftime writes year 1 is the platform's).
        """
        lead = Lead.from_dict({"id": "a", "created_at": "0001-01-01T00:00:00+14:00"})
        result = funnel([lead], default_pipeline(), as_of=datetime(2026, 1, 1, tzinfo=timezone.utc), cohort=cohort)
        [label] = result.groups
        assert label.lstrip("0").startswith("1-")
        assert label.endswith(suffix)


class TestColumnMappings:
    def test_column_names_with_lone_surrogates(self) -> None:
        """A mapping document is checked too (its YAML could not be written)."""
        with pytest.raises(ConfigError, match="lone surrogates"):
            ColumnMapping.from_dict({"id": "id", "t": "created_at", "\ud800": "source"})

    def test_outcome_values_too_long_for_text(self) -> None:
        """A whole-number outcome value is taken as its text: str() raised ValueError for one too long."""
        data = {
            "leads": {"columns": {"id": "id", "t": "created_at"}},
            "outcome": {"column": "y", "won": [HUGE], "lost": ["no"]},
        }
        with pytest.raises(ConfigError, match="a cell value") as caught:
            ColumnMapping.from_dict(data)
        assert caught.value.path == "outcome.won[0]"

    @pytest.mark.parametrize("field", ["company.employees", "company.annual_revenue", "attributes.x"])
    def test_defaults_too_large_for_their_field(self, field: str) -> None:
        """A huge default was accepted (to_yaml then raised ValueError) or raised OverflowError (math.isfinite)."""
        data = {"leads": {"columns": {"id": "id", "t": "created_at"}, "defaults": {field: HUGE}}}
        with pytest.raises(ConfigError) as caught:
            ColumnMapping.from_dict(data)
        assert caught.value.path == f'leads.defaults["{field}"]'

    def test_very_long_field_paths(self) -> None:
        """A megabyte-long field path took a second in difflib looking for a "did you mean"; none can be close."""
        with pytest.raises(ConfigError, match="unknown field") as caught:
            ColumnMapping.from_dict({"id": "id", "t": "created_at", "x": "A" * 1_000_000})
        assert caught.value.path == "x"
        assert "did you mean" not in str(caught.value)

    def test_suggestions_for_words_of_usual_length_are_kept(self) -> None:
        """The shortcut only skips words too long for difflib to call close."""
        with pytest.raises(ConfigError, match=r"did you mean 'contact.email'\?"):
            ColumnMapping.from_dict({"id": "id", "t": "created_at", "x": "contact.emial"})


def run_on_a_console(argv: list[str]) -> tuple[int, str]:
    """``main(argv)`` with stdout a strict UTF-8 stream and stderr one that escapes, as a UTF-8 console gives them.

    Returns the exit status and what was printed, stdout then stderr.
    """
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", write_through=True)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, b"".join(s.buffer.getvalue() for s in (out, err)).decode("utf-8")  # type: ignore[attr-defined]


class TestCommandLine:
    @pytest.fixture
    def odd_name(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
        """A leads file whose name is not UTF-8 (byte 0xff), as argv gives it: a lone surrogate."""
        monkeypatch.chdir(tmp_path)
        name = "\udcff.json"
        try:
            Path(name).write_text('[{"id": "a", "created_at": "2026-01-05T09:00:00Z"}, {"id": ""}]', encoding="utf-8")
        except (OSError, UnicodeEncodeError):  # pragma: no cover - file systems that take UTF-8 names only
            pytest.skip("this file system refuses a name that is not UTF-8")
        return name

    @pytest.mark.parametrize(
        "argv",
        [
            ["validate", "{name}"],
            ["score", "{name}"],
            ["score", "{name}", "--output", "{name}.csv"],
        ],
    )
    def test_file_names_that_are_not_utf8(self, odd_name: str, argv: list[str]) -> None:
        """Printing the name raised UnicodeEncodeError on a UTF-8 console; it is shown escaped."""
        status, printed = run_on_a_console([a.format(name=odd_name) for a in argv])
        assert status in (0, 1)
        assert "\\udcff.json" in printed

    def test_a_capacity_no_lead_fits(self, tmp_path: Path) -> None:
        """With --capacity 0 no threshold selects a lead: formatting its missing precision raised TypeError."""
        rows = ["id,created_at,won", "a,2026-01-05T09:00:00Z,yes", "b,2026-01-12T09:00:00Z,no"]
        (tmp_path / "leads.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        mapping = {"leads": {"columns": {"id": "id", "created_at": "created_at"}}, "outcome": {"column": "won"}}
        mapping["outcome"] |= {"won": ["yes"], "lost": ["no"]}
        (tmp_path / "mapping.json").write_text(json.dumps(mapping), encoding="utf-8")
        argv = ["evaluate", str(tmp_path / "leads.csv"), "--mapping", str(tmp_path / "mapping.json")]
        status, printed = run_on_a_console(
            [*argv, "--capacity", "0", "--bootstrap", "0", "--as-of", "2026-11-02T09:30:00Z"]
        )
        assert status == 0
        assert "threshold: none fits" in printed
