"""Conditions, rules and the rule scorer."""

from __future__ import annotations

import contextlib
import pickle
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from _examples import scaled
from leadkit import (
    BANT,
    FIELD_PATHS,
    OPERATORS,
    AllOf,
    AnyOf,
    Company,
    ConfigError,
    Contact,
    FieldCondition,
    Interaction,
    InteractionCondition,
    Lead,
    LeadkitError,
    Not,
    Rule,
    RuleScorer,
    ValidationError,
    parse_condition,
    parse_duration,
)
from leadkit.scoring.conditions import (
    _NESTED_SET,
    MAX_DEPTH,
    MAX_MATCH_LENGTH,
    MAX_REGEX_WAYS,
    format_duration,
    regex_problem,
)
from leadkit.testing import check_scorer, conditions, interactions, json_values, leads, rules

T = datetime(2026, 11, 1, tzinfo=timezone.utc)
DAY = timedelta(days=1)
AS_OF = datetime(2100, 1, 1, tzinfo=timezone.utc)
EMPTY = Lead(id="empty", created_at=T)
FULL = Lead(
    id="full",
    created_at=T,
    contact=Contact(name="Ada", email="ada@bank.example", title="Head of Data"),
    company=Company(name="Bank", industry="Banking", employees=1200, country="DE", annual_revenue=5e6),
    source="web_form",
    attributes={"segment": "analyst", "year": 2025, "tags": ["python", "sql"], "utm": {"campaign": "autumn"}},
    bant=BANT(budget="yes", need="partial"),
    stage="mql",
)


OPERATOR_CASES: list[tuple[dict[str, Any], bool]] = [
    ({"field": "company.industry", "eq": "banking"}, True),  # case-insensitive
    ({"field": "company.industry", "eq": " BANKING "}, True),
    ({"field": "company.industry", "eq": "retail"}, False),
    ({"field": "company.industry", "ne": "retail"}, True),
    ({"field": "company.industry", "ne": "Banking"}, False),
    ({"field": "company.country", "in": ["de", "fr"]}, True),
    ({"field": "company.country", "in": ["fr"]}, False),
    ({"field": "company.country", "not_in": ["fr"]}, True),
    ({"field": "company.country", "not_in": ["DE"]}, False),
    ({"field": "company.employees", "gt": 1200}, False),
    ({"field": "company.employees", "gte": 1200}, True),
    ({"field": "company.employees", "lt": 1200}, False),
    ({"field": "company.employees", "lt": 1201}, True),
    ({"field": "company.employees", "gte": 1201}, False),
    ({"field": "company.employees", "lte": 1199}, False),
    ({"field": "contact.email", "missing": True}, False),
    ({"field": "company.employees", "lte": 1200}, True),
    ({"field": "company.employees", "between": [1000, 1200]}, True),
    ({"field": "company.employees", "between": [1201, 5000]}, False),
    ({"field": "company.annual_revenue", "gt": 1e6}, True),
    ({"field": "contact.title", "contains": "of data"}, True),
    ({"field": "contact.title", "contains": "engineer"}, False),
    ({"field": "attributes.tags", "contains": "SQL"}, True),  # a list holds an element
    ({"field": "attributes.tags", "contains": "java"}, False),
    ({"field": "contact.email", "matches": "@bank[.]example$"}, True),
    ({"field": "contact.title", "matches": "^head"}, True),  # case-insensitive search
    ({"field": "contact.title", "matches": "^data"}, False),
    ({"field": "contact.phone", "missing": True}, True),
    ({"field": "contact.phone", "exists": True}, False),
    ({"field": "contact.email", "exists": True}, True),
    ({"field": "contact.email", "exists": False}, False),
    ({"field": "source", "eq": "web_form"}, True),
    ({"field": "stage", "eq": "MQL"}, True),
    ({"field": "id", "eq": "full"}, True),
    ({"field": "bant.budget", "eq": "yes"}, True),
    ({"field": "bant.need", "in": ["yes", "partial"]}, True),
    ({"field": "bant.timeline", "eq": "unknown"}, True),
    ({"field": "attributes.segment", "eq": "Analyst"}, True),
    ({"field": "attributes.year", "between": [2024, 2026]}, True),
    ({"field": "attributes.utm.campaign", "eq": "autumn"}, True),  # nested custom field
    ({"field": "attributes.utm.medium", "exists": True}, False),
]


def holds(data: dict[str, Any], lead: Lead = FULL, as_of: datetime = T) -> bool:
    return Rule(name="r", when=data, points=1).matches(lead, as_of=as_of)


class TestOperators:
    @pytest.mark.parametrize(("data", "expected"), OPERATOR_CASES)
    def test_operator(self, data: dict[str, Any], expected: bool) -> None:
        """Each operator does what the YAML reference says."""
        assert holds(data) is expected

    def test_every_operator_is_exercised(self) -> None:
        """The example table covers every operator, each both matching and not."""
        seen = {(next(k for k in data if k != "field"), expected) for data, expected in OPERATOR_CASES}
        assert seen == {(op, outcome) for op in OPERATORS for outcome in (True, False)}

    @pytest.mark.parametrize(
        "data",
        [
            {"field": "attributes.year", "eq": "2025"},  # text is not a number
            {"field": "attributes.year", "eq": True},  # a boolean is not a number
            {"field": "attributes.segment", "gt": 1},  # text does not compare with numbers
            {"field": "attributes.tags", "eq": "python"},  # a list is not its element
            {"field": "attributes.utm", "contains": "autumn"},  # nor is a mapping
        ],
    )
    def test_types_do_not_mix(self, data: dict[str, Any]) -> None:
        """Numbers compare only with numbers, and booleans are not numbers."""
        assert not holds(data)

    @given(op=st.sampled_from([op for op in OPERATORS if op not in ("exists", "missing")]), data=st.data())
    def test_missing_never_matches(self, op: str, data: st.DataObject) -> None:
        """An absent field matches no operator, ne and not_in included."""
        value = {
            "in": ["x"],
            "not_in": ["x"],
            "between": [0, 1],
            "gt": 0,
            "gte": 0,
            "lt": 0,
            "lte": 0,
            "matches": ".*",
        }.get(op, "x")
        path = data.draw(st.sampled_from([p for p in FIELD_PATHS[:-1] if not p.startswith("bant.")] + ["attributes.x"]))
        if path == "id":
            return
        assert not holds({"field": path, op: value}, lead=EMPTY)
        assert holds({"field": path, "missing": True}, lead=EMPTY)

    def test_not_of_missing_is_true(self) -> None:
        """`not` negates a condition that did not match, so it holds for a missing field."""
        assert holds({"not": {"field": "contact.title", "contains": "student"}}, lead=EMPTY)

    @given(value=json_values())
    def test_any_custom_value_is_safe(self, value: Any) -> None:
        """Whatever a custom field holds, every operator answers without raising."""
        lead = Lead(id="a", created_at=T, attributes={"x": value})
        for data in (
            {"field": "attributes.x", "eq": 1},
            {"field": "attributes.x", "in": ["a", 2]},
            {"field": "attributes.x", "gte": 0},
            {"field": "attributes.x", "between": [0, 5]},
            {"field": "attributes.x", "contains": "a"},
            {"field": "attributes.x", "matches": "a"},
            {"field": "attributes.x", "exists": True},
        ):
            assert holds(data, lead=lead) in (True, False)


class TestCombinators:
    def test_all_any_not(self) -> None:
        """all needs every condition, any one of them, not none."""
        yes = {"field": "company.industry", "eq": "banking"}
        no = {"field": "company.industry", "eq": "retail"}
        assert holds({"all": [yes, yes]})
        assert not holds({"all": [yes, no]})
        assert holds({"any": [no, yes]})
        assert not holds({"any": [no, no]})
        assert holds({"not": no})
        assert not holds({"not": yes})

    @given(condition=conditions(), lead=leads())
    def test_de_morgan(self, condition: Any, lead: Lead) -> None:
        """not(all(a, b)) == any(not a, not b), for any conditions and leads."""
        other = FieldCondition("company.employees", "gte", 100)
        left = Not(AllOf([condition, other])).compile()(lead, AS_OF.timestamp())
        right = AnyOf([Not(condition), Not(other)]).compile()(lead, AS_OF.timestamp())
        assert left == right


class TestInteractionCondition:
    LEAD = Lead(
        id="a",
        created_at=T,
        interactions=[
            Interaction(kind="pricing_view", at=T, channel="web"),
            Interaction(kind="pricing_view", at=T + 10 * DAY, channel="email"),
            Interaction(kind="demo_request", at=T + 20 * DAY, channel="web"),
        ],
    )

    @pytest.mark.parametrize(
        ("data", "as_of", "expected"),
        [
            ({"interaction": "pricing_view"}, T, True),
            ({"interaction": "pricing_view", "at_least": 2}, T + DAY, False),
            ({"interaction": "pricing_view", "at_least": 2}, T + 10 * DAY, True),
            ({"interaction": "pricing_view", "at_least": 2, "within": "5d"}, T + 10 * DAY, False),
            ({"interaction": "pricing_view", "at_least": 2, "within": "10d"}, T + 10 * DAY, True),
            ({"interaction": "pricing_view", "channel": "email"}, T + 5 * DAY, False),
            ({"interaction": "pricing_view", "channel": "EMAIL"}, T + 10 * DAY, True),
            ({"interaction": ["demo_request", "free_trial"]}, T + 19 * DAY, False),
            ({"interaction": ["demo_request", "free_trial"]}, T + 20 * DAY, True),
            ({"interaction": "demo_request", "within": "1d"}, T + 22 * DAY, False),
        ],
    )
    def test_counts(self, data: dict[str, Any], as_of: datetime, expected: bool) -> None:
        """Kinds, counts, windows and channels; nothing after as_of counts."""
        assert holds(data, lead=self.LEAD, as_of=as_of) is expected

    @given(condition=conditions(), lead=leads(interactions=interactions()), later=interactions())
    def test_future_interactions_change_nothing(self, condition: Any, lead: Lead, later: Interaction) -> None:
        """An interaction after as_of never changes whether a condition holds."""
        as_of = later.at - timedelta(seconds=1)
        kept = lead.with_interactions(i for i in lead.interactions if i.at <= as_of)
        test = condition.compile()
        assert test(kept, as_of.timestamp()) == test(kept.with_interaction(later), as_of.timestamp())


class TestParsing:
    @given(condition=conditions())
    def test_round_trip(self, condition: Any) -> None:
        """parse_condition(c.to_data()) == c, and the description is stable."""
        again = parse_condition(condition.to_data())
        assert again == condition
        assert again.describe() == condition.describe()

    @pytest.mark.parametrize(
        ("data", "path", "fragment"),
        [
            ({"field": "company.industry", "match": "x"}, "when.match", "did you mean 'matches'?"),
            ({"field": "company.industri", "eq": "x"}, "when.field", "did you mean 'company.industry'?"),
            ({"feild": "company.industry", "eq": "x"}, "when.feild", "did you mean 'field'?"),
            ({"field": "company.industry"}, "when", "no operator"),
            ({"field": "company.industry", "eq": "x", "ne": "y"}, "when", "several operators"),
            ({"field": "company.employees", "gte": "many"}, "when.gte", "expected a number"),
            ({"field": "company.employees", "between": [5, 1]}, "when.between", "low <= high"),
            ({"field": "company.country", "in": []}, "when.in", "non-empty list"),
            ({"field": "company.country", "in": [["x"]]}, "when.in[0]", "text, a number or true/false"),
            ({"field": "bant.budget", "eq": "maybe"}, "when.eq", "criterion status"),
            ({"field": "contact.email", "matches": "(?<=@)x"}, "when.matches", "lookahead or lookbehind"),
            ({"field": "contact.email", "matches": "("}, "when.matches", "valid regular expression"),
            ({"field": "x", "exists": "yes"}, "when.field", "unknown field"),
            ({"field": "contact.email", "exists": "yes"}, "when.exists", "true or false"),
            ({"all": []}, "when.all", "non-empty list"),
            ({"any": [{"field": "source", "eq": "x"}, {"field": "source", "op": 1}]}, "when.any[1].op", "operator"),
            ({"not": {"interaction": "demo_request", "at_least": 0}}, "when.not.at_least", "a whole number >= 1"),
            ({"interaction": "demo_request", "within": "soon"}, "when.within", "a duration such as 30d"),
            ({"interaction": "demo_request", "chanel": "web"}, "when.chanel", "did you mean 'channel'?"),
            ({"all": [], "any": []}, "when", "ambiguous"),
            ("source = web", "when", "a condition"),
        ],
    )
    def test_errors(self, data: Any, path: str, fragment: str) -> None:
        """A bad condition is a ConfigError naming the path, with a hint for a misspelling."""
        with pytest.raises(ConfigError) as info:
            Rule(name="r", when=data, points=1)
        assert info.value.path == path
        assert fragment in str(info.value)

    @given(
        data=st.recursive(
            json_values(),
            lambda inner: (
                st.dictionaries(
                    st.sampled_from(["field", "eq", "all", "any", "not", "interaction", "in", "x"]), inner, max_size=3
                )
                | st.lists(inner, max_size=3)
            ),
            max_leaves=12,
        )
    )
    def test_fuzzed_conditions_raise_only_config_errors(self, data: Any) -> None:
        """Whatever the data, parsing a condition returns one or raises ConfigError."""
        with contextlib.suppress(ConfigError):
            parse_condition(data)


class TestRegexes:
    @pytest.mark.parametrize(
        "pattern",
        [
            # nested unbounded repeats (exponential)
            "(a+)+$",
            "(a*)*b",
            "(x+x+)+y",
            "((ab)*)+",
            "(a|b+){2,}",
            "(?:a+)+",
            "([a-z]+)*@",
            r"(\w+\s?)*$",
            r"^(\d+)+$",
            # repeated alternatives (exponential)
            "(a|a)*$",
            "(a|aa)+b",
            "(a|aa){1,50}b",
            # unbounded repeats in a row, or a bounded repeat of one (polynomial of high degree)
            "a*a*a*b",
            ".*.*x",
            "(.*a){20}",
            r"\w+@\w+\.\w+",
        ],
    )
    def test_catastrophic_patterns_are_refused(self, pattern: str) -> None:
        """The classic catastrophic patterns are refused at load, before any text is searched."""
        assert regex_problem(pattern) is not None
        with pytest.raises(ConfigError, match="matches"):
            parse_condition({"field": "contact.title", "matches": pattern})

    @pytest.mark.parametrize(
        "pattern",
        [
            "(?=a)",
            "(?!a)",
            "(?<=a)b",
            "(?<!a)b",
            r"(a)\1",
            "(?P<x>a)(?P=x)",
            "(?>a)",
            "a++",
            r"a\Z",
            "(?x)a",
            "(?(1)a)",
        ],
    )
    def test_unportable_patterns_are_refused(self, pattern: str) -> None:
        """Syntax some engines lack is refused the same on every path."""
        assert regex_problem(pattern) is not None

    @pytest.mark.parametrize(
        "pattern",
        [
            r"^(senior|lead) engineer$",
            r"@(gmail|yahoo)[.]com$",
            r"(?i)data",
            r"\d{4}-\d{2}",
            r"(ab){2,5}",
            r"[(+*]+",
            r"a{,3}",
            r".*x",
            r"\s{1,5}of\s{1,5}sales",
            r"^[a-z]+-\d{1,4}$",
            r"(?:\d|-){3}",
            r"\b(?:head|director|vp|chief|manager)\b",
        ],
    )
    def test_portable_patterns_are_accepted(self, pattern: str) -> None:
        """Everyday patterns pass."""
        assert regex_problem(pattern) is None

    def test_long_text_is_searched_up_to_the_limit(self) -> None:
        """Only the first MAX_MATCH_LENGTH characters are searched, so time is bounded."""
        lead = Lead(id="a", created_at=T, attributes={"x": "a" * MAX_MATCH_LENGTH + "needle"})
        assert not holds({"field": "attributes.x", "matches": "needle"}, lead=lead)
        near = Lead(id="a", created_at=T, attributes={"x": "a" * (MAX_MATCH_LENGTH - 6) + "needle"})
        assert holds({"field": "attributes.x", "matches": "needle"}, lead=near)

    @given(st.text(alphabet="ab(|)*+?{},.1-\\", max_size=12))
    def test_refusal_is_decided_without_error(self, pattern: str) -> None:
        """Any text gets an answer: None for a safe, portable pattern, else a reason (never an exception)."""
        problem = regex_problem(pattern)
        assert problem is None or isinstance(problem, str)

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["a", "b", ".", r"\s", "[ab]", "(a|b)", "(a+)", "(ab)", "(a|b*)"]),
                st.sampled_from(["", "*", "+", "?", "{2}", "{1,3}", "{2,}", "*?"]),
            ).map("".join),
            min_size=1,
            max_size=5,
        ).map("".join)
    )
    def test_a_repeat_in_front_never_makes_a_refused_pattern_safe(self, tail: str) -> None:
        """Refusal is monotone: an unbounded repeat before a refused pattern only adds ways to match."""
        assume(regex_problem(tail) is not None)
        assert regex_problem("x*" + tail) is not None


class TestDurations:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("30d", timedelta(days=30)),
            ("2w", timedelta(weeks=2)),
            ("12h", timedelta(hours=12)),
            ("1.5m", timedelta(seconds=90)),
        ],
    )
    def test_parse(self, text: str, expected: timedelta) -> None:
        """Durations read as number and unit."""
        assert parse_duration(text) == expected

    @pytest.mark.parametrize("text", ["30", "d", "-1d", "0d", "1y", 30, None, "1e400d", "9" * 30 + "w"])
    def test_bad(self, text: object) -> None:
        """Anything else is a ConfigError."""
        with pytest.raises(ConfigError):
            parse_duration(text)

    @given(st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=10**6)))
    def test_round_trip(self, value: timedelta) -> None:
        """format_duration writes what parse_duration reads back exactly."""
        assert parse_duration(format_duration(value)) == value


class TestRuleScorer:
    SCORER = RuleScorer(
        rules=[
            Rule(name="bank", when={"field": "company.industry", "eq": "banking"}, points=20),
            Rule(name="big", when={"field": "company.employees", "gte": 1000}, points=10, reason="a big company"),
            Rule(name="personal email", when={"field": "contact.email", "matches": "@gmail[.]com$"}, points=-10),
        ]
    )

    def test_matched_rules_are_the_contributions(self) -> None:
        """Only rules that hold are listed, in rule order, with their reasons."""
        score = self.SCORER.score(FULL, as_of=T)
        assert score.value == 30
        assert [(c.label, c.points, c.source, c.reason) for c in score.contributions] == [
            ("bank", 20, "rules.bank", "company.industry = 'banking'"),
            ("big", 10, "rules.big", "a big company"),
        ]

    def test_negative_points_and_floor(self) -> None:
        """Negative points take away; a floor is recorded as a contribution."""
        lead = Lead(id="a", created_at=T, contact=Contact(email="x@gmail.com"))
        assert self.SCORER.score(lead, as_of=T).value == -10
        floored = RuleScorer(rules=self.SCORER.rules, floor=0)
        score = floored.score(lead, as_of=T)
        assert score.value == 0
        assert score.contributions[-1].source == "rules.floor"

    def test_keeps_the_contract(self) -> None:
        """check_scorer passes: deterministic, picklable, thread-safe, blind to the future."""
        check_scorer(self.SCORER, max_examples=scaled(50))

    @given(scorer_rules=rules(), lead=leads())
    def test_value_is_sum_of_matched_points(self, scorer_rules: tuple[Rule, ...], lead: Lead) -> None:
        """The value is the sum of the points of the rules that hold, and scoring is pure."""
        scorer = RuleScorer(rules=scorer_rules)
        before = lead.to_dict()
        score = scorer.score(lead, as_of=AS_OF)
        expected = [r.points for r in scorer_rules if r.matches(lead, as_of=AS_OF)]
        assert [c.points for c in score.contributions] == expected
        assert lead.to_dict() == before

    @given(scorer_rules=rules(min_size=1))
    def test_pickle(self, scorer_rules: tuple[Rule, ...]) -> None:
        """Scorers pickle and unpickle equal, and the copy scores the same."""
        scorer = RuleScorer(rules=scorer_rules, name="mine", cap=30)
        copy = pickle.loads(pickle.dumps(scorer))
        assert copy == scorer
        assert copy.score(FULL, as_of=T) == scorer.score(FULL, as_of=T)

    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"rules": [{"name": "a", "when": {"field": "source", "eq": "x"}, "points": 1, "pts": 2}]}, "rules[0].pts"),
            ({"rules": [{"name": "a", "when": {"field": "source", "eq": "x"}}]}, "rules[0].points"),
            ({"rules": [{"name": "a", "when": {"field": "source", "eq": "x"}, "points": "1"}]}, "rules[0].points"),
            ({"rules": [{"name": "a", "when": {"field": "source", "eq": 1}, "points": 1}] * 2}, "rules[1].name"),
            ({"rules": ["a"]}, "rules[0]"),
            ({"rules": [], "floor": 5, "cap": 1}, "cap"),
        ],
    )
    def test_invalid(self, kwargs: dict[str, Any], path: str) -> None:
        """Bad rules are LeadkitErrors with their path, never TypeError or KeyError."""
        with pytest.raises(LeadkitError) as info:
            RuleScorer(**kwargs)
        assert isinstance(info.value, (ValidationError, ConfigError))
        assert info.value.path == path

    def test_condition_objects(self) -> None:
        """Condition objects work as well as their data form."""
        rule = Rule(name="r", when=InteractionCondition(kinds="demo_request"), points=5)
        lead = Lead(id="a", created_at=T, interactions=[Interaction(kind="demo_request", at=T)])
        assert rule.matches(lead, as_of=T)
        assert not rule.matches(lead, as_of=T - DAY)


def test_rules_must_be_a_list() -> None:
    """`rules` that is not a list is refused as a whole, not item by item (a string is not a list of rules)."""
    for value in ("big", None):
        with pytest.raises(ValidationError) as info:
            RuleScorer(rules=value)  # type: ignore[arg-type]
        assert info.value.path == "rules"
        assert info.value.expected == "a list of Rule"


def test_rule_reason_must_be_text() -> None:
    """A reason that is not text is refused with its path; text is kept as written, stripped."""
    with pytest.raises(ValidationError) as info:
        Rule(name="r", when={"field": "source", "eq": "x"}, points=1, reason=5)  # type: ignore[arg-type]
    assert info.value.path == "reason"
    assert info.value.expected == "text"
    assert Rule(name="r", when={"field": "source", "eq": "x"}, points=1, reason="  web  ").reason == "web"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"name": "a", "when": {"field": "source", "eq": "x"}, "points": 1, "pts": 2},
            (
                "rules[0].pts: unknown key (did you mean 'points'?); "
                "expected only the keys name, when, points, reason (got 'pts')"
            ),
        ),
        (
            {"name": "a", "when": {"field": "source", "eq": "x"}, "points": 1, 7: 2},
            'rules[0]["7"]: unknown key; expected only the keys name, when, points, reason (got 7)',
        ),
        (
            {"name": "a", "when": {"field": "source", "eq": "x"}},
            "rules[0].points: missing key; expected a points for every rule",
        ),
    ],
)
def test_rule_data_errors_name_the_key_and_the_keys_allowed(rule: dict[Any, Any], message: str) -> None:
    """A rule's unknown or missing key is an error at that key, saying which keys a rule takes."""
    with pytest.raises(ValidationError) as info:
        RuleScorer(rules=[rule])
    assert str(info.value) == message


def test_a_cap_limits_the_total_with_a_contribution_saying_so() -> None:
    """Above the cap, one more contribution brings the total down to it."""
    scorer = RuleScorer(rules=TestRuleScorer.SCORER.rules, cap=25)
    score = scorer.score(FULL, as_of=T)
    assert score.value == 25
    assert [(c.label, c.points, c.source, c.reason) for c in score.contributions] == [
        ("bank", 20, "rules.bank", "company.industry = 'banking'"),
        ("big", 10, "rules.big", "a big company"),
        ("cap", -5, "rules.cap", "limited to the cap of 25"),
    ]


@pytest.mark.parametrize("cap", [5, 1])
def test_the_cap_must_be_above_the_floor(cap: int) -> None:
    """A cap at or below the floor is refused, naming the floor it must exceed."""
    with pytest.raises(ValidationError) as info:
        RuleScorer(rules=[], floor=5, cap=cap)
    assert str(info.value) == f"cap: expected more than the floor (5) (got {cap})"


def _not_nested(levels: int) -> dict[str, Any]:
    condition: dict[str, Any] = {"field": "source", "eq": "x"}
    for _ in range(levels):
        condition = {"not": condition}
    return condition


_ONE_OF_OPERATORS = "one of " + ", ".join(OPERATORS)
_FORMS = "field, interaction, all, any, not"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("source = web", f"when: expected a condition: a mapping with one of the keys {_FORMS} (got 'source = web')"),
        (
            {"all": [{"field": "source", "eq": "x"}], "any": [{"field": "source", "eq": "x"}]},
            f"when: ambiguous condition; expected exactly one of {_FORMS} (got ['all', 'any'])",
        ),
        (
            {"feild": "source", "eq": "x"},
            (
                "when.feild: not a condition (did you mean 'field'?); "
                f"expected a condition with one of the keys {_FORMS} (got {{'feild': 'source', 'eq': 'x'}})"
            ),
        ),
        ({5: "x"}, f"when: not a condition; expected a condition with one of the keys {_FORMS} (got {{5: 'x'}})"),
        (
            {"matches": "^vp"},
            (
                "when: no field; expected a field to compare, as in {'field': 'source', 'matches': ...} "
                "(got {'matches': '^vp'})"
            ),
        ),
        (
            {"field": "company.industry"},
            f"when: no operator; expected an operator: {_ONE_OF_OPERATORS} (got {{'field': 'company.industry'}})",
        ),
        (
            {"field": "company.industry", "eq": "x", 3: "y"},
            "when: several operators; expected exactly one operator (got ['3', 'eq'])",
        ),
        (
            {"field": "company.industry", "op": "x"},
            f"when.op: unknown operator 'op'; expected {_ONE_OF_OPERATORS} (got 'op')",
        ),
        (
            {"field": "company.industry", 3: "x"},
            f"when: unknown operator 3; expected {_ONE_OF_OPERATORS} (got 3)",
        ),
        ({"field": "company.employees", "gte": "many"}, "when.gte: expected a number (got 'many')"),
        ({"all": []}, "when.all: expected a non-empty list of conditions (got [])"),
        (
            {"interaction": "demo_request", "chanel": "web"},
            (
                "when.chanel: unknown key (did you mean 'channel'?); "
                "expected only the keys interaction, at_least, within, channel (got 'chanel')"
            ),
        ),
        (
            {"interaction": "demo_request", 5: "web"},
            "when: unknown key; expected only the keys interaction, at_least, within, channel (got 5)",
        ),
        (
            {"not": {"field": "source", "eq": "x"}, "but": 1},
            "when.but: unknown key; expected only the keys not (got 'but')",
        ),
        (
            _not_nested(MAX_DEPTH + 1),
            "when" + ".not" * (MAX_DEPTH + 1) + f": nested too deeply; expected conditions nested at most {MAX_DEPTH} "
            "levels deep",
        ),
    ],
)
def test_condition_errors_say_where_what_was_expected_and_what_was_found(data: Any, message: str) -> None:
    """Each way a condition's data can be wrong has its own message: path, reason, expectation, the value found."""
    with pytest.raises(ConfigError) as info:
        parse_condition(data, ("when",))
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("company.industry", "match", "x"),
            f"match: unknown operator (did you mean 'matches'?); expected {_ONE_OF_OPERATORS} (got 'match')",
        ),
        (("company.industry", 3, "x"), f"op: unknown operator; expected {_ONE_OF_OPERATORS} (got 3)"),
        (("contact.email", "matches", 5), "matches: expected a regular expression (text) (got 5)"),
        (("bant.budget", "eq", "maybe"), "eq: expected a criterion status: unknown, no, partial, yes (got 'maybe')"),
        (
            ("bant.need", "in", ["yes", "maybe"]),
            "in[1]: expected a criterion status: unknown, no, partial, yes (got 'maybe')",
        ),
    ],
)
def test_a_field_condition_built_directly_says_what_is_wrong(args: tuple[Any, ...], message: str) -> None:
    """FieldCondition checks its operator and value itself, with a hint for a misspelt operator."""
    with pytest.raises(ConfigError) as info:
        FieldCondition(*args)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("op", "value", "text"),
    [
        ("exists", True, "contact.email is present"),
        ("exists", False, "contact.email is missing"),
        ("missing", True, "contact.email is missing"),
        ("missing", False, "contact.email is present"),
    ],
)
def test_presence_conditions_are_described_in_words(op: str, value: bool, text: str) -> None:
    """exists/missing describe whether the field must be present, whichever way round they are written."""
    assert FieldCondition("contact.email", op, value).describe() == text


def test_conditions_nested_as_deep_as_the_limit_are_read() -> None:
    """MAX_DEPTH levels of all, any and not are allowed; one more is refused (above)."""
    assert parse_condition(_not_nested(MAX_DEPTH)).describe() == "not " * MAX_DEPTH + "source = 'x'"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(?=a)", "no lookahead or lookbehind (not portable)"),
        ("(?!a)", "no lookahead or lookbehind (not portable)"),
        ("(?<=a)b", "no lookahead or lookbehind (not portable)"),
        ("(?<!a)b", "no lookahead or lookbehind (not portable)"),
        ("(?>a)", "no atomic groups (not portable)"),
        ("(a)(?(1)b|c)", "no conditional groups (not portable)"),
        (r"(a)\1", "no backreferences (not portable)"),
        ("(?P<x>a)(?P=x)", "no backreferences (not portable)"),
        (r"a\Z", "$ instead of \\Z (not portable)"),
        ("(?x)a", "only the inline flags i, m and s (not portable)"),
        ("a++", "no possessive quantifiers (not portable)"),
        ("[[:alpha:]]+", _NESTED_SET),
        ("[^[]", _NESTED_SET),
        ("[a--b]", _NESTED_SET),
        ("[a&&b]", _NESTED_SET),
        ("[a~~b]", _NESTED_SET),
        ("[a||b]", _NESTED_SET),
        (r"\[\d[a]x[[:alpha:]", _NESTED_SET),  # found after escapes and other classes
        (r"[\[a]", None),
        (r"[a\-\-b]", None),
        ("[a|b][&-]", None),
        (r"\[[a]", None),
        ("[]a]", None),
        ("(?P<word>a)b", None),
        ("(?i:a)b", None),
    ],
)
def test_a_refused_pattern_is_told_what_is_not_allowed(pattern: str, problem: str | None) -> None:
    """Each unportable construct has its own reason; named groups and scoped flags are portable."""
    found = regex_problem(pattern)
    if problem is not None and pattern in ("(?>a)", "a++") and sys.version_info < (3, 11):
        # Python 3.10's re has neither atomic groups nor possessive quantifiers: refused as invalid.
        assert found is not None
        assert found.startswith("a valid regular expression")
        return
    assert found == problem


@given(n=st.integers(0, MAX_MATCH_LENGTH), m=st.integers(0, MAX_MATCH_LENGTH))
@example(n=99, m=99)
@example(n=99, m=100)
def test_bounded_repeats_multiply_the_ways_to_match(n: int, m: int) -> None:
    """a{0,n}b{0,m} has (n + 1) * (m + 1) ways to match at one place: refused past MAX_REGEX_WAYS."""
    assert (regex_problem(f"a{{0,{n}}}b{{0,{m}}}") is None) == ((n + 1) * (m + 1) <= MAX_REGEX_WAYS)


@given(n=st.integers(0, 20), m=st.integers(0, MAX_MATCH_LENGTH))
@example(n=3, m=665)
@example(n=3, m=666)
@example(n=12, m=0)
@example(n=13, m=0)
def test_a_repeated_group_of_alternatives_counts_each_choice(n: int, m: int) -> None:
    """(a|b){0,n} matches 1 + 2 + ... + 2**n = 2**(n + 1) - 1 ways; times m + 1 for c{0,m}."""
    ways = (2 ** (n + 1) - 1) * (m + 1)
    assert (regex_problem(f"(a|b){{0,{n}}}c{{0,{m}}}") is None) == (ways <= MAX_REGEX_WAYS)


@pytest.mark.parametrize(
    ("condition", "data"),
    [
        (FieldCondition("company.country", "in", ["de", "fr"]), {"field": "company.country", "in": ["de", "fr"]}),
        (FieldCondition("company.employees", "between", [10, 50]), {"field": "company.employees", "between": [10, 50]}),
        (FieldCondition("source", "eq", "web"), {"field": "source", "eq": "web"}),
        (InteractionCondition(kinds="demo_request"), {"interaction": "demo_request"}),
        (InteractionCondition(kinds=["webinar", "call"]), {"interaction": ["webinar", "call"]}),
    ],
)
def test_the_data_form_is_plain_data(condition: Any, data: dict[str, Any]) -> None:
    """to_data gives lists, not tuples, and one interaction kind as itself: what YAML and JSON write."""
    assert condition.to_data() == data


_LOOKAROUND = "no lookahead or lookbehind (not portable)"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("[](?=]", None),
        ("[^](?=]", None),
        (r"[\](?=]", None),
        ("[]](?=a)", _LOOKAROUND),
        (r"[\]](?=a)", _LOOKAROUND),
        (r"[\\](?=a)", _LOOKAROUND),
        (r"a\0", None),
    ],
)
def test_a_character_class_is_one_atom(pattern: str, problem: str | None) -> None:
    """What a class holds is never read as syntax, a leading ] or ^] and escapes included; its end is found exactly."""
    assert regex_problem(pattern) == problem


@pytest.mark.parametrize(
    ("at_least", "message"),
    [
        (0, "when.at_least: expected a whole number >= 1 (got 0)"),
        (True, "when.at_least: expected a whole number >= 1 (got True)"),
        (10**400, "when.at_least: too large; expected a whole number >= 1 (got 1000000000"),
    ],
)
def test_at_least_must_be_a_whole_number_of_times(at_least: Any, message: str) -> None:
    """An interaction count below 1, a boolean, or one too large to be a number is refused with the same words."""
    with pytest.raises(ConfigError) as info:
        Rule(name="r", when={"interaction": "demo_request", "at_least": at_least}, points=1)
    assert info.value.expected == "a whole number >= 1"
    assert str(info.value).startswith(message)
