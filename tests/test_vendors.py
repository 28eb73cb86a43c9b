"""Vendor and organisation names of the case collections: parsing, keys, curated merges.

``fixtures/vendor-mentions.csv`` lists every provider and participant string of the
extracted case collections (001 and 002), in document order, as (text, case, role).
It was written from the extractors' output (each case's ``services.providers`` then
``services.participants``) so these tests need neither the corpus nor a build;
regenerate it when the extractors change how they split the fields.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.link.vendors import (
    VENDOR_ALIASES_FILE,
    load_vendor_aliases,
    organisation_key,
    parse_organisation,
    resolve_organisations,
    similar_keys,
    tidy_label,
)

MENTIONS_FILE = PROJECT_ROOT / "tests" / "fixtures" / "vendor-mentions.csv"
ALIASES = load_vendor_aliases()


def _mentions() -> list[tuple[str, str, str]]:
    with MENTIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["case"], row["role"]) for row in csv.DictReader(handle)]


MENTIONS = _mentions()
INDEX = resolve_organisations(MENTIONS, ALIASES)


# -- parse_organisation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "form", "position", "prefix", "note"),
    [
        (
            "東日本電信電話株式会社（AI-OCR）",
            "東日本電信電話株式会社",
            "株式会社",
            "suffix",
            None,
            "AI-OCR",
        ),
        (
            "株式会社オプティマ（保守事業者）",
            "株式会社オプティマ",
            "株式会社",
            "prefix",
            None,
            "保守事業者",
        ),
        (
            "NTT東日本（DX推進アドバイザーとして委嘱しており、DX推進に関する助言や職員研修等の開催）",
            "NTT東日本",
            None,
            "none",
            None,
            "DX推進アドバイザーとして委嘱しており、DX推進に関する助言や職員研修等の開催",
        ),
        (
            "令和5年度実施事業者：株式会社東日本計算センター",
            "株式会社東日本計算センター",
            "株式会社",
            "prefix",
            "令和5年度実施事業者",
            None,
        ),
        (
            "研修提供：日本マイクロソフト株式会社",
            "日本マイクロソフト株式会社",
            "株式会社",
            "suffix",
            "研修提供",
            None,
        ),
        (
            "【指定納付受託者】S B ペイメントサービス株式会社",
            "S B ペイメントサービス株式会社",
            "株式会社",
            "suffix",
            "指定納付受託者",
            None,
        ),
        (
            "株式会社MAIA：特定のデジタル分野に精通した知見及び経験を有する「愛媛県・市町DX推進支援専門官」を確保・活用し",
            "株式会社MAIA",
            "株式会社",
            "prefix",
            None,
            "特定のデジタル分野に精通した知見及び経験を有する「愛媛県・市町DX推進支援専門官」を確保・活用し",
        ),
        (
            "NTTe-Sports (eスポーツイベントの運営)",
            "NTTe-Sports",
            None,
            "none",
            None,
            "eスポーツイベントの運営",
        ),
        ("合同会社CoCoSocialwork", "合同会社CoCoSocialwork", "合同会社", "prefix", None, None),
        ("グーグル合同会社", "グーグル合同会社", "合同会社", "suffix", None, None),
        (
            "一般財団法人地場産業振興センター",
            "一般財団法人地場産業振興センター",
            "一般財団法人",
            "prefix",
            None,
            None,
        ),
        ("有限会社サンプル", "有限会社サンプル", "有限会社", "prefix", None, None),
        (
            "特定非営利活動法人サンプル",
            "特定非営利活動法人サンプル",
            "特定非営利活動法人",
            "prefix",
            None,
            None,
        ),
        ("日本マイクロソフト㈱", "日本マイクロソフト㈱", "株式会社", "suffix", None, None),
        (
            "株式会社 北見コンピューター・ビジネス",
            "株式会社 北見コンピューター・ビジネス",
            "株式会社",
            "prefix",
            None,
            None,
        ),
        ("LINE WORKS 株式会社", "LINE WORKS 株式会社", "株式会社", "suffix", None, None),
        ("Microsoft Corporation", "Microsoft Corporation", "Corporation", "suffix", None, None),
    ],
)
def test_a_string_splits_into_name_legal_form_prefix_and_note(
    text, name, form, position, prefix, note
):
    mention = parse_organisation(text)
    assert mention is not None
    assert (mention.name, mention.legal_form, mention.legal_form_position) == (name, form, position)
    assert (mention.prefix, mention.role_note) == (prefix, note)


@pytest.mark.parametrize(
    ("text", "branch"),
    [
        ("株式会社アイネス関西支社", "関西支社"),
        ("株式会社パスコ福岡支店", "福岡支店"),
        ("株式会社日立製作所神戸支店（仮想デスクトップ保守運用）", "神戸支店"),
        ("株式会社日立システムズ（共有基盤改修）", None),
    ],
)
def test_a_branch_office_is_split_off_the_name(text, branch):
    mention = parse_organisation(text)
    assert mention is not None and mention.branch == branch
    assert mention.name in text


def test_a_trailing_to_marks_an_incomplete_list_but_one_inside_a_note_does_not():
    listed = parse_organisation("日本電気株式会社（業務システム改修）等")
    assert listed and (listed.name, listed.role_note, listed.and_others) == (
        "日本電気株式会社",
        "業務システム改修",
        True,
    )
    noted = parse_organisation(
        "一般社団法人岡山中央総合情報公社"
        "（町税等の滞 納状況確認と債権者登録状況確認を自動的に行える 仕組みの構築）"
    )
    assert noted and noted.name == "一般社団法人岡山中央総合情報公社" and not noted.and_others


@pytest.mark.parametrize(
    "text", ["(スマートストアの運営)", "（保守事業者）", "－（職員による内製）", "－", ""]
)
def test_a_role_fragment_or_placeholder_names_no_organisation(text):
    assert parse_organisation(text) is None


def test_every_name_is_a_verbatim_substring_of_its_string():
    for text, _, _ in MENTIONS:
        mention = parse_organisation(text)
        assert mention is None or mention.name in text, text


# -- organisation_key ------------------------------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        ["株式会社NTTデータ", "NTTデータ", "ＮＴＴデータ株式会社"],
        ["富士通Japan株式会社", "富士通JAPAN株式会社"],
        ["サイボウズ", "サイボウズ株式会社"],
        [
            "GMOグローバルサイン・ホールディングス株式会社",
            "GMOグローバルサインホールディングス株式会社",
        ],
        ["N T Tテクノクロス株式会社", "NTTテクノクロス株式会社"],
        ["S B ペイメントサービス株式会社", "SBペイメントサービス株式会社"],
        ["株式会社日立製作所神戸支店", "日立製作所", "株式会社日立製作所"],
        ["株式会社 北見コンピューター・ビジネス", "北見コンピュータービジネス"],
        ["日本マイクロソフト㈱", "日本マイクロソフト株式会社"],
        ["Microsoft Corporation", "Microsoft", "microsoft"],
    ],
)
def test_mechanical_variants_share_one_key(names):
    assert len({organisation_key(name) for name in names}) == 1


def test_keys_of_different_companies_stay_apart():
    assert organisation_key("富士電機株式会社") != organisation_key(
        "富士電機ITソリューション株式会社"
    )
    assert organisation_key("トヨコム株式会社") != organisation_key("トヨクモ株式会社")
    assert organisation_key("株式会社NTTデータ") == "nttデータ"


def test_labels_are_tidied_but_keep_spaces_inside_a_name():
    assert tidy_label("S B ペイメントサービス株式会社") == "SBペイメントサービス株式会社"
    assert (
        tidy_label("株式会社 北見コンピューター・ビジネス")
        == "株式会社北見コンピューター・ビジネス"
    )
    assert tidy_label("LINE WORKS 株式会社") == "LINE WORKS株式会社"
    assert (
        tidy_label("アマゾン ウェブ サービス ジャパン株式会社")
        == "アマゾン ウェブ サービス ジャパン株式会社"
    )


# -- the alias table -------------------------------------------------------------


def test_every_alias_row_has_a_reason_and_a_known_decision():
    decisions = {"alias", "typo", "not-organisation", "public-body", "distinct"}
    for row in ALIASES:
        assert row.decision in decisions and len(row.reason.split()) >= 4, row
        if row.decision in ("alias", "typo", "distinct"):
            assert row.canonical and organisation_key(row.canonical) != "", row


def test_every_alias_surface_occurs_in_the_case_collections():
    parsed = [parse_organisation(text) for text, _, _ in MENTIONS]
    written = {organisation_key(mention.name) for mention in parsed if mention}
    assert [row.surface for row in ALIASES if organisation_key(row.surface) not in written] == []


def test_the_loader_rejects_two_decisions_for_one_name(tmp_path: Path):
    table = tmp_path / "aliases.csv"
    table.write_text(
        "surface,decision,canonical,reason\n"
        "トヨコム株式会社,typo,トヨクモ株式会社,a probable misspelling of the kintone vendor\n"
        "トヨコム,alias,トヨクモ株式会社,the same name written without its legal form\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="two decisions"):
        load_vendor_aliases(table)
    assert VENDOR_ALIASES_FILE.exists()


# -- resolve_organisations: small inputs -------------------------------------------


def test_a_role_fragment_becomes_the_note_of_the_name_before_it():
    index = resolve_organisations(
        [
            ("株式会社ふじみや", "v2-2-19", "participant"),
            ("(スマートストアの運営)", "v2-2-19", "participant"),
        ],
        ALIASES,
    )
    (organisation,) = index.organisations
    assert organisation.cases[0].role_note == "スマートストアの運営"
    assert "株式会社ふじみや" in index.ignored[0].reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [("A社", "anonymised"), ("民間事業者", "generic"), ("県内市町村", "generic")],
)
def test_anonymised_and_generic_text_is_no_organisation(text, reason):
    index = resolve_organisations([(text, "v2-2-2", "participant")], ALIASES)
    assert index.organisations == []
    assert reason in index.ignored[0].reason


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="role"):
        resolve_organisations([("サイボウズ株式会社", "v2-3-23", "vendor")], ALIASES)


# -- resolve_organisations: the real mentions ----------------------------------------


def _organisation(name: str):
    organisation = INDEX.organisation_for(name)
    assert organisation is not None, name
    return organisation


def test_ntt_east_is_one_organisation_under_its_legal_name():
    east = _organisation("NTT東日本")
    assert east is _organisation("東日本電信電話株式会社")
    assert east.label == "東日本電信電話株式会社" and east.key == "東日本電信電話"
    assert {"NTT東日本", "東日本電信電話株式会社"} <= set(east.alt_labels)
    assert {("v4-1-4", "participant"), ("v4-1-7", "participant"), ("v2-3-20", "provider")} <= {
        (case.case, case.role) for case in east.cases
    }


@pytest.mark.parametrize(
    ("written", "label"),
    [
        (["富士通Japan株式会社", "富士通JAPAN株式会社"], "富士通Japan株式会社"),
        (["サイボウズ", "サイボウズ株式会社"], "サイボウズ株式会社"),
        (["NTTデータ", "株式会社NTTデータ"], "株式会社NTTデータ"),
        (["日立製作所", "株式会社日立製作所神戸支店"], "株式会社日立製作所"),
        (["マイクロソフト", "Microsoft"], "Microsoft Corporation"),
    ],
)
def test_known_merges(written, label):
    organisations = {id(_organisation(name)) for name in written}
    assert len(organisations) == 1
    organisation = _organisation(written[0])
    assert organisation.label == label and set(written) <= set(organisation.alt_labels)


def test_a_probable_typo_is_flagged_and_not_merged():
    typo, real = _organisation("トヨコム株式会社"), _organisation("トヨクモ株式会社")
    assert typo is not real
    assert typo.label == "トヨコム株式会社" and typo.alt_labels == ["トヨコム株式会社"]
    (flag,) = typo.flags
    assert (flag.kind, flag.of, flag.of_key) == ("probable-typo", "トヨクモ株式会社", real.key)
    assert "FormBridge" in flag.reason and real.flags == []


def test_similar_companies_stay_distinct():
    assert _organisation("富士電機株式会社") is not _organisation(
        "富士電機ITソリューション株式会社"
    )
    assert _organisation("NTTデータ") is not _organisation("NTT東日本")
    assert _organisation("日本マイクロソフト株式会社") is not _organisation("Microsoft")


def test_kinds_come_from_the_legal_form_and_the_alias_table():
    kinds = {
        "株式会社RELATION": "company",
        "グーグル合同会社": "company",
        "一般社団法人シビックテック・ラボ": "association",
        "一般財団法人地場産業振興センター": "association",
        "ふくしまICT利活用推進協議会": "association",
        "茨城県": "public-body",
        "北九州地区電子自治体推進協議会": "public-body",
    }
    assert {name: _organisation(name).kind for name in kinds} == kinds


def test_what_is_left_out_and_why():
    reasons = {item.text: item.reason for item in INDEX.ignored}
    assert set(reasons) == {
        "(包括連携協定に基づく研修支援)",
        "(スマートストアの運営)",
        "(地域通貨の事務局運営)",
        "－（職員による内製）",
        "－（職員が無料または安価なサービスを選定・利用）",
        "福井県DX推進アドバイザー（スキルマップ、研修体系整理の助言、研修企画協力）",
    }
    assert "日本マイクロソフト株式会社" in reasons["(包括連携協定に基づく研修支援)"]
    assert reasons["－（職員による内製）"].startswith("placeholder")


def test_counts_for_the_build_report():
    counts = INDEX.counts
    assert (counts.mentions, counts.ignored) == (len(MENTIONS), 6)
    assert (counts.surface_forms, counts.mechanical_keys, counts.organisations) == (122, 117, 115)
    assert (counts.mechanical_merges, counts.curated_merges, counts.typos_flagged) == (5, 2, 3)


def test_every_look_alike_pair_is_reviewed_in_the_alias_table():
    assert INDEX.unreviewed_similar == []
    assert similar_keys("トヨコム", "トヨクモ") and similar_keys(
        "富士電機", "富士電機itソリューション"
    )
    assert not similar_keys("エフコム", "ビジコム")


def test_keys_are_unique_and_usable_in_an_iri_path():
    keys = [organisation.key for organisation in INDEX.organisations]
    assert len(keys) == len(set(keys))
    assert not any(char in key for key in keys for char in " /?#%\t\n")
