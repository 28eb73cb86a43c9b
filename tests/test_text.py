from dxkg.pipeline.text import (
    collapse_spaced_capitals,
    has_spaced_capitals,
    match_key,
    split_circled_number,
    strip_html,
)


def test_spaced_capitals_collapse_but_real_spaces_stay():
    assert collapse_spaced_capitals("A I - O C R") == "AI-OCR"
    assert collapse_spaced_capitals("R P Aによって") == "RPAによって"
    assert collapse_spaced_capitals("L GWAN") == "LGWAN"
    assert collapse_spaced_capitals("RPA 不動産取得税登録") == "RPA 不動産取得税登録"
    assert collapse_spaced_capitals("38 5G利活用") == "38 5G利活用"


def test_spaced_capitals_detected():
    assert has_spaced_capitals("C I O（最高情報責任者）")
    assert not has_spaced_capitals("CIO補佐官")


def test_match_key_unifies_width_spacing_and_parentheses():
    assert (
        match_key("①導入（実施）済") == match_key("①導入(実施) 済") == "1導入(実施)済"
    )  # NFKC turns ① into 1
    assert match_key("ＡＩ－ＯＣＲ") == match_key("A I - O C R") == "AI-OCR"


def test_circled_number_split():
    assert split_circled_number("②導入(実施)予定") == (2, "導入(実施)予定")
    assert split_circled_number("⑤検討中") == (5, "検討中")
    assert split_circled_number("導入済") == (None, "導入済")


def test_html_tags_removed_and_reported():
    assert strip_html('<ul style="list-style-type: none"> ・本文') == (" ・本文", True)
    assert strip_html("本文") == ("本文", False)
