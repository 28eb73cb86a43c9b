"""Participation read from the real table-② notes of the 2020 survey (quoted verbatim)."""

from __future__ import annotations

import pytest

from dxkg.pipeline.extract.records import SurveyExtract
from dxkg.pipeline.link.participants import (
    NO_PARTICIPATION,
    Participation,
    SystemRow,
    joint_system_candidates,
    joint_system_groups,
    parse_participation,
    system_kind,
)


def expect(**fields: object) -> Participation:
    """NO_PARTICIPATION with the given fields: every other field must stay empty."""
    return NO_PARTICIPATION.model_copy(update=fields)


def counted(number: int, unit: str, text: str, *, total: int | None = None,
            counts_reporter: bool | None = None) -> dict[str, object]:  # fmt: skip
    return {
        "participant_count": number,
        "of_total": total,
        "count_unit": unit,
        "count_text": text,
        "count_includes_reporter": counts_reporter,
    }


# -- Counts and the reporter ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "note", "reporter", "expected"),
    [
        (1, "共同利用団体：北海道及び道内121市町村", "北海道", expect(
            includes_reporter=True, named_governments=["北海道"], scope="counted",
            **counted(121, "市町村", "道内121市町村", counts_reporter=False))),
        # 宮城県 has more than 25 municipalities, but the note does not say so: counted, not some.
        (2, "県内25自治体により共同運営", "宮城県", expect(
            scope="counted", **counted(25, "自治体", "県内25自治体"))),
        (6, "県と県内の27市町村で共同運用中", "群馬県", expect(
            includes_reporter=True, scope="counted",
            **counted(27, "市町村", "県内の27市町村", counts_reporter=False))),
        (9, "今後、利用団体が増える可能性あり。（令和3年4月時点で52団体が利用）", "東京都",
         expect(scope="counted", **counted(52, "団体", "52団体"))),
        (12, "県及び県内全27市町村で共同利用中", "山梨県", expect(
            includes_reporter=True, scope="all",
            **counted(27, "市町村", "県内全27市町村", counts_reporter=False))),
        # Ambiguous: 54団体 may or may not count 愛知県 itself, so the flag stays None.
        (14, "愛知県、市町村 54団体", "愛知県", expect(
            includes_reporter=True, named_governments=["愛知県"], scope="counted",
            **counted(54, "団体", "愛知県、市町村 54団体"))),
        (26, "県と県内の1市で共同運用中", "群馬県", expect(
            includes_reporter=True, scope="counted",
            **counted(1, "市", "県内の1市", counts_reporter=False))),
        (30, "市町 28団体", "愛知県", expect(
            scope="counted", **counted(28, "団体", "市町 28団体", counts_reporter=False))),
        (43, "愛知県、市町村、一部事務組合 58団体", "愛知県", expect(
            includes_reporter=True, named_governments=["愛知県"], other_bodies=["一部事務組合"],
            scope="counted", **counted(58, "団体", "愛知県、市町村、一部事務組合 58団体"))),
        (49, "県内市町村20団体のうち16団体と県が共同で運営しており、さらなる団体の参画が可能",
         "愛媛県", expect(
            includes_reporter=True, scope="some",
            **counted(16, "団体", "県内市町村20団体のうち16団体", total=20,
                      counts_reporter=False))),
        (50, "未導入市町村に導入を依頼中。(導入市町村数：2 / 4 5)", "熊本県", expect(
            scope="some",
            **counted(2, "市町村", "導入市町村数：2 / 4 5", total=45, counts_reporter=False))),
        (51, "未導入市町村に導入を依頼中。(導入市町村数：2 1 / 4 5)", "熊本県", expect(
            scope="some",
            **counted(21, "市町村", "導入市町村数：2 1 / 4 5", total=45,
                      counts_reporter=False))),
        (66, "すでに県内60市町村と共同利用しているため", "福岡県", expect(
            includes_reporter=True, scope="counted",
            **counted(60, "市町村", "県内60市町村", counts_reporter=False))),
        (78, ("既に県内全市町村（19市町村）が参加しているため、今後新たな団体が共同利用に参加する"
             "ことはないが、システムをより良いものとするために市町村と検討を継続している。"),
         "鳥取県", expect(
            scope="all", **counted(19, "市町村", "県内全市町村（19市町村）", counts_reporter=False))),
        (88, ("現在は岐阜県内の自治体（43団体）が参加するクラウドサービスだが今後、他都道府県との"
             "共同利用も可能である。"), "岐阜県", expect(
            prospective_parties=["他都道府県"], scope="counted", **counted(43, "団体", "43団体"))),
        (118, ("県内市町村、移住コーディネーターすでに県内60市町村及びサポートセンターと共同利用"
              "しているため"), "福岡県", expect(
            includes_reporter=True, other_bodies=["移住コーディネーター", "サポートセンター"],
            scope="counted", **counted(60, "市町村", "県内60市町村", counts_reporter=False))),
    ],
)  # fmt: skip
def test_counts(row: int, note: str, reporter: str, expected: Participation) -> None:
    assert parse_participation(note, reporter) == expected, row


def test_council_membership_is_not_the_user_count() -> None:
    # Row 17: the users are 13 municipalities; the 19 are the council's members (で構成).
    note = (
        "共同利用者：鳥取県、県内13市町村 理由：鳥取県自治体ICT共同化推進協議会(鳥取県及び県内"
        "19市町村で構成)で、システム調達を希望する会員で共同調達を行ったものであり、さらなる"
        "共同利用は考えていないため。"
    )
    assert parse_participation(note, "鳥取県") == expect(
        includes_reporter=True,
        named_governments=["鳥取県"],
        scope="counted",
        **counted(13, "市町村", "県内13市町村", counts_reporter=False),
    )


def test_full_width_digits_fold_and_count_text_stays_verbatim() -> None:
    # Not a note of the survey: the same shape as row 2 typed with full-width digits.
    parsed = parse_participation("県内２５自治体により共同運営", "宮城県")
    assert (parsed.participant_count, parsed.count_text) == (25, "県内２５自治体")


# -- Names ------------------------------------------------------------------------------------


def test_abbreviated_prefectures_are_expanded() -> None:
    note = (
        "鳥取・岡山・広島県の3県で共同利用しています。さらなる共同利用は、次期更新に合わせて"
        "調達条件が整えば可能と思われる。"
    )
    assert parse_participation(note, "岡山県") == expect(
        includes_reporter=True,
        named_governments=["鳥取県", "岡山県", "広島県"],
        **counted(3, "県", "鳥取・岡山・広島県の3県", counts_reporter=True),
    )
    note = (
        "鳥取・岡山県の2県及び全市町村で共同利用しています。両県の地域ネットワークを相互接続"
        "しているため、監視拠点の集約が可能となっています。さらなる共同利用は、有効なシステム"
        "構築が可能か検証が必要。"
    )
    assert parse_participation(note, "岡山県") == expect(
        includes_reporter=True,
        named_governments=["鳥取県", "岡山県"],
        scope="all",
        **counted(2, "県", "鳥取・岡山県の2県", counts_reporter=True),
    )


def test_prefectures_listed_by_name() -> None:
    note = (
        "共同利用者：鳥取県、岡山県、広島県 理由：コスト削減等が期待できるため。ただし、現在の"
        "全共同利用者の承認を得ること必要。"
    )
    assert parse_participation(note, "鳥取県") == expect(
        includes_reporter=True, named_governments=["鳥取県", "岡山県", "広島県"]
    )
    note = "現在：岡山県、鳥取県及び、広島県 今後：他県との共同利用の検討も可能"
    assert parse_participation(note, "広島県") == expect(
        includes_reporter=True,
        named_governments=["岡山県", "鳥取県", "広島県"],
        prospective_parties=["他県"],
    )


def test_municipalities_in_brackets() -> None:
    assert parse_participation("現在、県内2市(山口市・長門市)と共同利用中", "山口県") == expect(
        includes_reporter=True,
        named_governments=["山口市", "長門市"],
        scope="some",
        **counted(2, "市", "県内2市", counts_reporter=False),
    )


def test_planned_participation() -> None:
    note = (
        "現在共同利用は行っていないが、R2.10から広島県及び県内7市(下関市・宇部市・山口市・"
        "防府市・岩国市・光市・周南市)と共同利用を開始予定"
    )
    assert parse_participation(note, "山口県") == expect(
        includes_reporter=True,
        named_governments=[
            "広島県",
            "下関市",
            "宇部市",
            "山口市",
            "防府市",
            "岩国市",
            "光市",
            "周南市",
        ],
        scope="some",
        planned=True,
        **counted(7, "市", "県内7市", counts_reporter=False),
    )
    note = "・令和6年にかけて奈良県下全市町村で順次導入予定 ・県立学校との情報共有"
    assert parse_participation(note, "奈良県") == expect(scope="all", planned=True)


def test_municipality_lists_with_mixed_separators_and_bodies() -> None:
    note = "高松市・丸亀市・坂出市・さぬき市、東かがわ市、三木町、直島町、宇多津町"
    assert parse_participation(note, "香川県") == expect(
        named_governments=[
            "高松市", "丸亀市", "坂出市", "さぬき市", "東かがわ市", "三木町", "直島町", "宇多津町",
        ],
        scope="some",
    )  # fmt: skip
    assert parse_participation("高松市", "香川県") == expect(
        named_governments=["高松市"], scope="some"
    )
    note = "高松市、丸亀市、坂出市、善通寺市、三豊市、土庄町、小豆島町、香川県広域水道企業団"
    assert parse_participation(note, "香川県") == expect(
        named_governments=[
            "高松市",
            "丸亀市",
            "坂出市",
            "善通寺市",
            "三豊市",
            "土庄町",
            "小豆島町",
        ],
        other_bodies=["香川県広域水道企業団"],
        scope="some",
    )


def test_names_in_running_text() -> None:
    note = "端末を設置している福岡県、糸島市、福岡市でのみデータを閲覧できるものであるため"
    assert parse_participation(note, "福岡県") == expect(
        includes_reporter=True, named_governments=["福岡県", "糸島市", "福岡市"], scope="some"
    )
    # 政令指定都市 is a kind of city, not a name.
    note = (
        "共同利用者は、法に基づくNPO法人の所轄庁である県及び政令指定都市(福岡県、北九州市、"
        "福岡市)であり、法改正等がない限り利用対象となる所轄庁に変更はないと思われる。"
    )
    assert parse_participation(note, "福岡県") == expect(
        includes_reporter=True, named_governments=["福岡県", "北九州市", "福岡市"], scope="some"
    )
    # The developer named as a subject is not a participant.
    note = "長崎県が独自開発したシステムをASPとしてクラウドサービス提供しているため"
    assert parse_participation(note, "長崎県") == NO_PARTICIPATION


# -- Scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "reporter", "includes_reporter"),
    [
        ("県内全市町村と共同利用中", "山形県", True),
        ("全市町村加入済のため", "茨城県", None),
        ("県内全市町で共同利用済。", "富山県", None),
        ("既に県下全市町村と共同利用している。", "鹿児島県", True),
        ("全市町村参加済", "熊本県", None),
        ("県及び県内の全市町が利用中", "愛媛県", True),
        (("県及び全市町村で共同利用しています。さらなる共同利用は、クラウドサービスのため、業者選定"
         "等ができなくはありませんが、費用負担を含む調達仕様の市町村との調整の可否が不明。"),
         "岡山県", True),
        ("すでに全市町村で共同利用しているが、希望があれば利用拠点の追加は可能", "長野県", None),
        (("既に佐賀県内の全ての市町と共同利用しており、県外の自治体との共同利用については、運用"
         "ルールが標準化できれば可能"), "佐賀県", True),
    ],
)  # fmt: skip
def test_all_municipalities(note: str, reporter: str, includes_reporter: bool | None) -> None:
    parsed = parse_participation(note, reporter)
    assert (parsed.scope, parsed.includes_reporter) == ("all", includes_reporter)
    assert parsed.named_governments == [] and parsed.participant_count is None


def test_all_with_count_and_bodies() -> None:
    note = "既に全29市町及び四日市港管理組合他3団体と共同利用済み"
    assert parse_participation(note, "三重県") == expect(
        includes_reporter=True,
        other_bodies=["四日市港管理組合"],
        scope="all",
        **counted(29, "市町", "全29市町", counts_reporter=False),
    )
    note = (
        "県、県内全市町村(54市町村)、一部事務組合(1団体)、広域連合(1団体)が参加している。"
        "今後、一部事務組合等が参加する可能性がある。"
    )
    assert parse_participation(note, "千葉県") == expect(
        includes_reporter=True,
        other_bodies=["一部事務組合", "広域連合"],
        prospective_parties=["一部事務組合"],
        scope="all",
        **counted(54, "市町村", "県内全市町村(54市町村)", counts_reporter=False),
    )
    # A body whose participation is ruled out is not a participant.
    note = "県、県内全市町村（54市町村）が参加している。一部事務組合等の参加は想定していない。"
    assert parse_participation(note, "千葉県").other_bodies == []
    # The all-clause sits in the reason: 「理由：県内全ての市町村が参加しており」.
    note = (
        "共同利用者：鳥取県、県内19市町村 理由：県内全ての市町村が参加しており、追加の予定が"
        "ないため。"
    )
    assert parse_participation(note, "鳥取県") == expect(
        includes_reporter=True,
        named_governments=["鳥取県"],
        scope="all",
        **counted(19, "市町村", "県内19市町村", counts_reporter=False),
    )


def test_all_but_a_clause_after_tadashi() -> None:
    note = (
        "県及び県内全27市町村で順次共同利用ただし、校務機能については、2団体利用しない予定で"
        "あるため、拡大を検討"
    )
    assert parse_participation(note, "山梨県") == expect(
        includes_reporter=True,
        scope="all",
        **counted(27, "市町村", "県内全27市町村", counts_reporter=False),
    )


@pytest.mark.parametrize(
    "note",
    [
        ("県及び希望市町村で共同利用しています。さらなる共同利用は、クラウドサービスのため、業者選定"
        "等ができなくはありませんが、調達仕様の市町村との調整の可否が不明。"),
        "県及び希望する県内市町村で共同利用",
        ("一部の市町村は独自の電子入札システムを利用しており、それ以外の京都府内の市町村と共同利用"
        "を行っている"),
        "県内の自治体の中に独自のサービスを利用しているなど、未利用の団体が残っているため。",
        "県内で未導入の町村への導入",
        ("一部の市町村が当該システムを導入しておらず、それらの市町村に導入を働きかけることを検討"
        "する。"),
    ],
)  # fmt: skip
def test_some_municipalities(note: str) -> None:
    assert parse_participation(note, "X県").scope == "some"


def test_count_with_unused_municipalities_is_some() -> None:
    note = (
        "県、県内20市町が参加している。今後、未利用市町村が参加する可能性がある。一部事務組合等の"
        "参加は想定していない。"
    )
    assert parse_participation(note, "千葉県") == expect(
        includes_reporter=True,
        scope="some",
        **counted(20, "市町", "県内20市町", counts_reporter=False),
    )


def test_except() -> None:
    note = "京都府及び京都市を除く京都府内25市町村が利用できる環境を提供している。"
    assert parse_participation(note, "京都府") == expect(
        includes_reporter=True,
        named_governments=["京都府"],
        excluded=["京都市"],
        scope="except",
        availability_only=True,
        **counted(25, "市町村", "京都府内25市町村", counts_reporter=False),
    )
    note = "京都市を除く京都府内25市町村において、共同利用システムを導入している。"
    assert parse_participation(note, "京都府") == expect(
        excluded=["京都市"],
        scope="except",
        **counted(25, "市町村", "京都府内25市町村", counts_reporter=False),
    )
    note = (
        "平成30年度4月1日をもって、島しょ地域を除く全区市町村が参加している。また、近隣県も一部"
        "参加している。"
    )
    assert parse_participation(note, "東京都") == expect(
        excluded=[], other_bodies=["近隣県"], scope="except"
    )
    note = (
        "・本システムは政令市及び中核市を除く市町村(58市町村)を共同利用者としている。 ・R2年度"
        "から大牟田市の保健所権限が県に移管されたため、大牟田市が新たな共同利用者に加わった。 "
        "・今後も新たな共同利用者が増える可能性あり。(現在予定はない)"
    )
    assert parse_participation(note, "福岡県") == expect(
        named_governments=["大牟田市"],
        excluded=[],
        scope="except",
        **counted(58, "市町村", "58市町村", counts_reporter=False),
    )


@pytest.mark.parametrize(
    "note",
    [
        "現在、県および市町で導入済",
        "現在は、県内市町村と共同利用中。 将来的には、三層分離モデルの見直しにより再検討を要する。",
        "県・市町間での実証実験中",
    ],
)
def test_unspecified_municipalities(note: str) -> None:
    assert parse_participation(note, "X県") == expect(includes_reporter=True, scope="unspecified")


def test_unspecified_with_bodies() -> None:
    assert parse_participation("利用者は、県と県内市町村、森林組合", "岩手県") == expect(
        includes_reporter=True, other_bodies=["森林組合"], scope="unspecified"
    )
    note = (
        "・現在の共同事業者：県内市町村、一部の林業事業者 ・さらなる共同利用（共同利用者及び方法）"
        "を検討中"
    )
    assert parse_participation(note, "福岡県") == expect(
        other_bodies=["林業事業者"], scope="unspecified"
    )


# -- Availability and prospects ---------------------------------------------------------------


def test_available_but_not_said_to_be_used() -> None:
    note = "京都府及び府内全市町村が利用できる環境を提供している。"
    assert parse_participation(note, "京都府") == expect(
        includes_reporter=True, named_governments=["京都府"], scope="all", availability_only=True
    )
    assert parse_participation("県内自治体で共同利用可能(協議会形式で運用)", "兵庫県") == expect(
        scope="unspecified", availability_only=True
    )
    note = (
        "全国土地改良事業団体連合会が運営しているシステムで、岩手県土地改良事業団体連合会が設置"
        "している利用者協議会に加入する団体が利用可能"
    )
    assert parse_participation(note, "岩手県") == expect(
        other_bodies=["全国土地改良事業団体連合会", "岩手県土地改良事業団体連合会"],
        availability_only=True,
    )
    # Some functions are used by all: not availability only.
    note = (
        "京都府及び府内全市町村の利用環境は準備しており、「予約・抽選機能」について、未利用団体に"
        "対し利用を働きかける。(一部機能については、京都府及び京都府内全市町村で利用している。)"
    )
    assert parse_participation(note, "京都府").availability_only is False


def test_prospective_parties_are_kept_apart() -> None:
    note = "現共同利用者： 県及び県内全市町村 追加共同利用者： 国及び地方自治体"
    assert parse_participation(note, "徳島県") == expect(
        includes_reporter=True, scope="all", prospective_parties=["国", "地方自治体"]
    )
    note = "防災関係機関のみの利用に限る(令和2年度に国のSIP4Dと連携予定)"
    assert parse_participation(note, "三重県") == expect(
        other_bodies=["防災関係機関"], prospective_parties=["国"]
    )
    note = (
        "国(防災科学技術研究所)の災害情報共有基盤(SIP4D)と連携することで、より広域的な災害情報の"
        "共有が可能である。"
    )
    assert parse_participation(note, "東京都") == expect(prospective_parties=["国"])
    assert parse_participation("一部事務組合等の特別地方公共団体への拡充は可能", "兵庫県") == (
        expect(prospective_parties=["一部事務組合"])
    )
    assert parse_participation("A S P 方式で利用しており、他道府県も利用可能", "秋田県") == (
        expect(prospective_parties=["他道府県"])
    )
    note = "新たに施業集約化を行う林業事業者は、岡山県森林クラウドユーザに追加が可能。"
    assert parse_participation(note, "岡山県") == expect(prospective_parties=["林業事業者"])


def test_prefecture_counts_without_names() -> None:
    note = "九州・山口が一体となった取組みとして実施しており、すでに9県と共同配信を行っているため"
    assert parse_participation(note, "福岡県") == expect(
        includes_reporter=True, **counted(9, "県", "9県")
    )
    note = (
        "UPZ内(緊急時防護措置を準備する区域:原子力発電施設からおおむね30km)にかかる3県でデータを"
        "共有するものであるため"
    )
    assert parse_participation(note, "福岡県") == expect(**counted(3, "県", "3県"))


# -- Notes that say nothing about participants ------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        None,
        "",
        "-",
        "対象市町村が限定されるため",
        "今後検討していく。",
        "更なる共同利用は可能であるが、現在のところ予定なし",
        "個人情報であり、該当所属以外の利用になじまないため",
        "県内での使用にとどまるため",
        "区市町村と調整のうえ対応が必要である。",
        "共同利用が可能なクラウドサービスがないか検討中",
        "共同利用可能な仕様としているが、利用実績はない。",
        "PDFファイル変換処理システムのみ追加可能",
        "今年度で廃止予定",
    ],
)
def test_reasons_only(note: str | None) -> None:
    assert parse_participation(note, "X県") == NO_PARTICIPATION


def test_other_prefectures_ruled_out_are_not_prospective() -> None:
    note = "県内市町村向けのシステムとしており、他都道府県の利用は不可"
    assert parse_participation(note, "秋田県") == expect(scope="unspecified")


# -- Joint systems ----------------------------------------------------------------------------

ROWS = [
    SystemRow(33, "広島県", "公共施設予約システム",
              "現在：広島県及び県内市町 今後：他県等との共同利用の検討も可能"),
    SystemRow(34, "山口県", "施設予約システム",
              "現在共同利用は行っていないが、R2.10から広島県及び県内7市(下関市・宇部市・山口市・"
              "防府市・岩国市・光市・周南市)と共同利用を開始予定"),
    SystemRow(56, "鳥取県", "統合宛名システム",
              "共同利用者：鳥取県、岡山県、広島県 理由：コスト削減等が期待できるため。ただし、"
              "現在の全共同利用者の承認を得ること必要。"),
    SystemRow(57, "岡山県", "団体内統合宛名システム",
              "鳥取・岡山・広島県の3県で共同利用しています。さらなる共同利用は、次期更新に合わせ"
              "て調達条件が整えば可能と思われる。"),
    SystemRow(58, "広島県", "団体内統合宛名システム",
              "現在：岡山県、鳥取県及び、広島県 今後：他県との共同利用の検討も可能"),
    SystemRow(90, "鳥取県", "自治体情報セキュリティクラウド",
              "共同利用者：鳥取県、岡山県 理由：全国で唯一情報ハイウェイを相互接続している環境"
              "だから実現できたものであるため。"),
    SystemRow(91, "岡山県", "自治体情報セキュリティクラウド",
              "鳥取・岡山県の2県及び全市町村で共同利用しています。"),
    SystemRow(92, "広島県", "ひろしま情報セキュリティクラウド",
              "現在：広島県及び県内市町 今後：他県等との共同利用の検討も可能"),
]  # fmt: skip


def test_joint_groups_need_mutual_naming_and_one_kind() -> None:
    assert joint_system_groups(ROWS) == [[56, 57, 58], [90, 91]]
    # 山口県 names 広島県 but 広島県's note does not name 山口県: a candidate only.
    assert joint_system_candidates(ROWS) == [(34, 33)]


def test_mutual_naming_of_different_kinds_is_not_joint() -> None:
    rows = [ROWS[2], ROWS[5]._replace(row=91, prefecture="岡山県")]  # 統合宛名 vs クラウド
    rows[1] = rows[1]._replace(note="共同利用者：鳥取県、岡山県")
    assert joint_system_groups(rows) == []


def test_system_kind() -> None:
    assert system_kind("団体内統合宛名システム") == system_kind("統合宛名システム") == "統合宛名"
    assert system_kind("公共施設予約システム") == "施設予約"
    assert system_kind("メールマガジン「あかい糸めーる」の配信") == "メールマガジン"
    assert system_kind("You点検システム") is None


def test_joint_groups_over_the_whole_table(survey: SurveyExtract) -> None:
    rows = survey.shared_systems
    assert joint_system_groups(rows) == [[56, 57, 58], [90, 91]]
    assert joint_system_candidates(rows) == [(34, 33)]
