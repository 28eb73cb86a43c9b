"""Matching the same case across editions (unit level, on the real extracts)."""

from dxkg.pipeline.link.editions import match_editions, title_similarity


def cases_of(extracts, edition):
    return [case for extract in extracts if extract.edition == edition for case in extract.cases]


def test_title_similarity_ignores_width_but_not_numbers():
    assert title_similarity("ＡＩを活用した５業務", "AIを活用した5業務") == 1
    assert title_similarity("77業務を自動化", "83業務を自動化") < 1


def test_cases_that_moved_are_matched_by_organisation_and_title(case_extracts):
    matching = match_editions(cases_of(case_extracts, "2.0"), cases_of(case_extracts, "4.0"))
    pairs = {link.later: link.earlier for link in matching.links}
    assert pairs["v4-3-11"] == "v2-3-12"  # 阿蘇市, −1
    assert pairs["v4-3-27"] == "v2-3-23"  # 昭和村, +4
    assert pairs["v4-3-56"] == "v2-3-47"  # 宇都宮市, +9, though 宇都宮市 has v4-3-48 too
    assert pairs["v4-3-34"] == "v2-3-29" and pairs["v4-3-36"] == "v2-3-31"  # 神戸市's two
    assert pairs["v4-1-4"] == "v2-1-4"


def test_rewritten_titles_carry_across_when_the_organisation_has_one_case(case_extracts):
    matching = match_editions(cases_of(case_extracts, "2.0"), cases_of(case_extracts, "4.0"))
    rules = {link.later: link.rule for link in matching.links}
    assert rules["v4-2-17"] == rules["v4-2-22"] == "only-case-of-organisation"  # 東京都, 豊田市


def test_earlier_cases_out_of_the_later_coverage_are_not_called_dropped(case_extracts):
    matching = match_editions(cases_of(case_extracts, "2.0"), cases_of(case_extracts, "4.0"))
    assert "v2-3-5" in matching.unmatched_earlier  # 神戸市's third case: not in 000's range
    assert not any(link.earlier == "v2-3-5" for link in matching.links)
