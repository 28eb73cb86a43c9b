"""Every field of the hand-read case fixtures (tests/fixtures/cases/) against the extractors.

The fixtures were written by reading the source text, independently of the
extractor code; their format is described in tests/fixtures/cases/README.md.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from dxkg.pipeline.extract.records import Case

FIXTURES = Path(__file__).parent / "fixtures" / "cases"
FIXTURE_FILES = sorted(FIXTURES.glob("*.json"))

SIMPLE_KEYS = [
    "document",
    "edition",
    "coverage",
    "chapter",
    "number",
    "page_count",
    "title",
    "title_variants",
    "toc_title",
    "chapter_label",
    "category_path",
    "organisation_text",
    "prefecture",
    "municipality",
    "population_class",
    "point",
    "gap_before",
    "overview",
    "effects",
]


def _contains(text: str | None, expected: str | list[str]) -> list[str]:
    wanted = [expected] if isinstance(expected, str) else expected
    return [f"missing {w!r}" for w in wanted if text is None or w not in text]


def _cost_problems(cost, expected: dict | None) -> list[str]:
    if expected is None:
        return [] if cost is None else ["expected no cost"]
    if cost is None:
        return ["cost missing"]
    problems = []
    actual = {
        "raw": cost.raw,
        "status": cost.status,
        "amount_yen": None if cost.amount_yen is None else str(cost.amount_yen),
        "approximate": cost.approximate,
        "tax": cost.tax,
    }
    for name, value in expected.items():
        if name == "breakdown_contains":
            problems += _contains(cost.breakdown, value)
        elif name == "remarks_contains":
            problems += _contains(cost.remarks, value)
        elif name in actual:
            wanted = str(Decimal(value)) if name == "amount_yen" and value is not None else value
            if actual[name] != wanted:
                problems.append(f"{name}: {actual[name]!r} != {wanted!r}")
    return problems


def _schedule_problems(schedule, expected: dict | None) -> list[str]:
    if expected is None:
        return [] if schedule is None else ["expected no schedule"]
    if schedule is None:
        return ["schedule missing"]
    problems = []
    if "duration_raw" in expected and schedule.duration_raw != expected["duration_raw"]:
        problems.append(f"duration_raw {schedule.duration_raw!r}")
    if "duration_months" in expected:
        wanted = expected["duration_months"]
        actual = schedule.duration_months
        if (None if wanted is None else Decimal(str(wanted))) != actual:
            problems.append(f"duration_months {actual!r} != {wanted!r}")
    if "milestones" in expected:
        actual = [[m.raw_date, m.start, m.end] for m in schedule.milestones]
        if actual != expected["milestones"]:
            problems.append(f"milestones {actual} != {expected['milestones']}")
    return problems


def _services_problems(services, expected: dict | None) -> list[str]:
    if expected is None:
        return [] if services is None else ["expected no services"]
    if services is None:
        return ["services missing"]
    actual = {
        "providers": services.providers,
        "service_names": services.service_names,
        "participants": services.participants,
        "operation_modes": [
            [m.raw, m.services, m.product, m.environment] for m in services.operation_modes
        ],
        "providers_raw": services.providers_raw,
        "service_names_raw": services.service_names_raw,
        "operation_mode_raw": services.operation_mode_raw,
        "participants_raw": services.participants_raw,
    }
    return [
        f"{name}: {actual[name]!r} != {value!r}"
        for name, value in expected.items()
        if name in actual and actual[name] != value
    ]


def fixture_problems(case: Case, expected: dict) -> list[str]:
    """Every difference between a case record and its fixture."""
    problems = []
    for name in SIMPLE_KEYS:
        if name in expected and getattr(case, name) != expected[name]:
            problems.append(f"{name}: {getattr(case, name)!r} != {expected[name]!r}")
    for name in ("first_line", "last_line"):
        if name in expected and getattr(case.source, name) != expected[name]:
            problems.append(f"{name}: {getattr(case.source, name)} != {expected[name]}")
    for name in ("overview", "effects"):
        if f"{name}_contains" in expected:
            problems += [
                f"{name} {p}" for p in _contains(getattr(case, name), expected[f"{name}_contains"])
            ]
    if "interview_questions" in expected:
        actual = [answer.question for answer in case.interview]
        if actual != expected["interview_questions"]:
            problems.append(f"interview_questions {actual} != {expected['interview_questions']}")
    for index, text in expected.get("interview_answer_contains", {}).items():
        answers = case.interview
        answer = answers[int(index)].answer if int(index) < len(answers) else None
        problems += [f"answer {index} {p}" for p in _contains(answer, text)]
    for kind in ("initial_cost", "running_cost"):
        if kind in expected:
            problems += [f"{kind} {p}" for p in _cost_problems(getattr(case, kind), expected[kind])]
    if "schedule" in expected:
        problems += [
            f"schedule {p}" for p in _schedule_problems(case.schedule, expected["schedule"])
        ]
    if "services" in expected:
        problems += [
            f"services {p}" for p in _services_problems(case.services, expected["services"])
        ]
    if "departments" in expected:
        actual = [
            {"name": d.name, "phone": d.phone, "email": d.email, "undisclosed": d.undisclosed}
            for d in case.departments
        ]
        wanted = [
            {k: d.get(k) for k in ("name", "phone", "email", "undisclosed")}
            for d in expected["departments"]
        ]
        if actual != wanted:
            problems.append(f"departments {actual} != {wanted}")
    if "population" in expected:
        population = case.population
        actual = (
            None
            if population is None
            else {
                "place": population.place,
                "persons": population.persons,
                "as_of": population.as_of,
            }
        )
        if actual != expected["population"]:
            problems.append(f"population {actual} != {expected['population']}")
    if "urls" in expected and [u.url for u in case.urls] != expected["urls"]:
        problems.append(f"urls {[u.url for u in case.urls]} != {expected['urls']}")
    if "awards" in expected and case.awards != expected["awards"]:
        problems.append(f"awards {case.awards!r} != {expected['awards']!r}")
    if "awards_contains" in expected:
        problems += [
            f"awards {p}" for p in _contains("\n".join(case.awards), expected["awards_contains"])
        ]
    if "cross_reference_contains" in expected:
        problems += [
            f"cross_reference {p}"
            for p in _contains(case.cross_reference, expected["cross_reference_contains"])
        ]
    return problems


@pytest.fixture(scope="module")
def cases_by_key(case_extracts) -> dict[str, Case]:
    return {case.key: case for extract in case_extracts for case in extract.cases}


def test_there_are_enough_fixtures():
    assert len(FIXTURE_FILES) >= 25


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_case_matches_fixture(path: Path, cases_by_key: dict[str, Case]):
    expected = json.loads(path.read_text("utf-8"))
    case = cases_by_key.get(path.stem)
    assert case is not None, f"no case {path.stem}"
    assert fixture_problems(case, expected) == []
