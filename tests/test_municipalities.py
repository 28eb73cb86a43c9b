"""The local-government code table and the name resolver, on names from the real corpus."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.link.government_codes import (
    AMBIGUOUS,
    MUNICIPAL_KINDS,
    MUNICIPALITIES_FILE,
    NOT_IN_PREFECTURE,
    UNKNOWN,
    LocalGovernment,
    MunicipalityTable,
    check_digit,
    is_valid_code,
)

REFERENCE = PROJECT_ROOT / "mappings" / "reference"
TABLE = PROJECT_ROOT / "mappings" / MUNICIPALITIES_FILE


@pytest.fixture(scope="module")
def table() -> MunicipalityTable:
    return MunicipalityTable.load(TABLE)


def read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the table -------------------------------------------------------------------------------


def test_check_digit_known_codes() -> None:
    assert check_digit("13101") == 6  # 千代田区 131016
    assert check_digit("01100") == 2  # 札幌市 011002
    assert check_digit("31000") == 0  # 鳥取県 310000
    assert is_valid_code("221384") and not is_valid_code("221385") and not is_valid_code("22138")
    with pytest.raises(ValueError):
        check_digit("1310")


def test_rows_have_valid_codes_unique_and_sorted() -> None:
    codes = [row["code"] for row in read_csv("municipalities.csv")]
    assert all(len(code) == 6 and check_digit(code[:5]) == int(code[5]) for code in codes)
    assert len(codes) == len(set(codes)) == 1966
    assert codes == sorted(codes)


def test_counts(table: MunicipalityTable) -> None:
    current = Counter(gov.kind for gov in table if gov.is_current)
    assert sum(current[kind] for kind in MUNICIPAL_KINDS) == 1741
    assert current == {
        "prefecture": 47,
        "designated-city": 20,
        "city": 772,
        "special-ward": 23,
        "town": 743,
        "village": 183,
        "ward": 171,  # 175 in japancode; 浜松市 went from 7 wards to 3 on 2024-01-01
    }
    assert [gov.name for gov in table if not gov.is_current] == [
        f"浜松市{ward}" for ward in ("中区", "東区", "西区", "南区", "北区", "浜北区", "天竜区")
    ]


def test_prefectures_agree_with_prefectures_csv(table: MunicipalityTable) -> None:
    expected = {row["code"]: row["name_ja"] for row in read_csv("prefectures.csv")}
    prefectures = [gov for gov in table if gov.is_prefecture]
    assert {gov.code: gov.name for gov in prefectures} == expected
    assert all(gov.prefecture_code == gov.code for gov in prefectures)


def test_every_row_lies_in_its_prefecture(table: MunicipalityTable) -> None:
    for gov in table:
        prefecture = table.prefecture_of(gov)
        assert prefecture.is_prefecture and prefecture.code[:2] == gov.code[:2], gov


def test_wards_belong_to_designated_cities(table: MunicipalityTable) -> None:
    wards = [gov for gov in table if gov.kind == "ward"]
    for ward in wards:
        city = table.by_code(ward.parent_code)
        assert city.kind == "designated-city" and city.prefecture_code == ward.prefecture_code
        assert ward.name.startswith(city.name) and ward.kana.startswith(city.kana)
    parents = {ward.parent_code for ward in wards if ward.is_current}
    assert parents == {gov.code for gov in table if gov.kind == "designated-city"}
    assert all(gov.parent_code is None for gov in table if gov.kind != "ward")


def test_special_wards_are_tokyos_23(table: MunicipalityTable) -> None:
    special = [gov.sac_code for gov in table if gov.kind == "special-ward"]
    assert special == [str(number) for number in range(13101, 13124)]


def test_amendments_applied(table: MunicipalityTable) -> None:
    amendments = read_csv("municipality-amendments.csv")
    assert all(is_valid_code(row["code"]) for row in amendments)
    for row in amendments:
        gov = table.by_code(row["code"])
        assert (gov.name, gov.kana, gov.parent_code) == (
            row["name"],
            row["kana"],
            row["parent_code"],
        )
        assert gov.is_current == (row["action"] == "add")
    central = table.by_code("221384")
    assert (central.name, central.kind, central.valid_until) == ("浜松市中央区", "ward", None)
    assert table.by_code("221317").valid_until == date(2023, 12, 31)
    assert table.by_code("221309").kind == "designated-city"


def test_local_government_properties(table: MunicipalityTable) -> None:
    nakano = table.by_code("131148")
    assert nakano == LocalGovernment("131148", "中野区", "なかのく", "special-ward", "130001")
    assert nakano.sac_code == "13114" and not nakano.is_prefecture and nakano.is_current
    assert table.by_code("130001").sac_code == "13000"
    with pytest.raises(KeyError):
        table.by_code("13114")


# --- resolve ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "prefecture", "code"),
    [
        ("鳥取県", None, "310000"),
        ("東京都", None, "130001"),
        ("北海道", None, "010006"),
        ("大阪府", None, "270008"),
        ("京都府", None, "260002"),
        ("奈良県三宅町", None, "293628"),
        ("鳥取県鳥取市", None, "312011"),
        ("東京都中野区", None, "131148"),
        ("愛知県豊田市", None, "232114"),
        ("府中市", "広島県", "342084"),
        ("府中市", "東京都", "132063"),
        ("府中市", "130001", "132063"),  # context as a code
        ("府中市", "東京", "132063"),  # context as a short name: the slot holds a prefecture
        ("伊達市", "北海道", "012335"),
        ("伊達市", "福島県", "072133"),
        ("札幌市中央区", None, "011011"),
        ("神奈川県横浜市中区", None, "141046"),
        ("北海道札幌市中央区", None, "011011"),
        ("中野区", None, "131148"),
        ("三宅町", None, "293628"),  # unique nationwide
        ("三宅村", "東京都", "133817"),
        ("東京都　中野区", None, "131148"),  # U+3000 and other whitespace are ignored
        ("東京都 中野 区", None, "131148"),
        ("鎌ヶ谷市", None, "122246"),  # officially 鎌ケ谷市
        ("茅ケ崎市", None, "142077"),  # officially 茅ヶ崎市
        ("梼原町", None, "394050"),  # officially 檮原町
        ("浜松市中央区", None, "221384"),
        ("浜松市天竜区", None, "221406"),  # current 天竜区 preferred over the retired 221376
        ("浜松市中区", "静岡県", "221317"),  # a retired ward still resolves for old documents
    ],
)
def test_resolve(table: MunicipalityTable, name: str, prefecture: str | None, code: str) -> None:
    resolution = table.resolve(name, prefecture)
    assert resolution.resolved and resolution.government.code == code, resolution
    assert resolution.reason is None and resolution.query == name


@pytest.mark.parametrize(
    ("name", "prefecture", "reason", "candidates"),
    [
        ("府中市", None, AMBIGUOUS, ("132063", "342084")),
        ("伊達市", None, AMBIGUOUS, ("012335", "072133")),
        ("伊達市", "宮城県", NOT_IN_PREFECTURE, ("012335", "072133")),
        ("三宅町", "東京都", NOT_IN_PREFECTURE, ("293628",)),
        ("奈良県三宅町", "東京都", NOT_IN_PREFECTURE, ("293628",)),
        ("中区", None, UNKNOWN, ()),  # a ward is named only with its city
        ("鳥取", None, UNKNOWN, ()),  # bare short prefecture: see short_prefecture
        ("山口", None, UNKNOWN, ()),
        ("東京都府中", None, UNKNOWN, ()),
        ("", None, UNKNOWN, ()),
    ],
)
def test_resolve_unresolved(
    table: MunicipalityTable,
    name: str,
    prefecture: str | None,
    reason: str,
    candidates: tuple[str, ...],
) -> None:
    resolution = table.resolve(name, prefecture)
    assert (resolution.government, resolution.reason, resolution.candidates) == (
        None,
        reason,
        candidates,
    )
    assert not resolution.resolved


def test_resolve_rejects_a_context_that_is_no_prefecture(table: MunicipalityTable) -> None:
    with pytest.raises(ValueError):
        table.resolve("府中市", "府中市")
    with pytest.raises(ValueError):
        table.resolve("府中市", "東京府")


def test_short_prefecture(table: MunicipalityTable) -> None:
    assert table.short_prefecture("鳥取").code == "310000"
    assert table.short_prefecture("東京").name == "東京都"
    assert table.short_prefecture("京都").name == "京都府"
    assert table.short_prefecture("北海道").name == "北海道"
    assert table.short_prefecture("大阪府").name == "大阪府"
    assert table.short_prefecture("鳥取市") is None
    assert table.short_prefecture("九州") is None


# Every organisation of the case collections (editions 2.0 and 4.0), as written there.
CASE_ORGANISATIONS = {
    "三重県志摩市": "242152", "兵庫県姫路市": "282014", "兵庫県朝来市": "282251",
    "兵庫県神戸市": "281000", "北海道余市町": "014087", "北海道北見市": "012084",
    "北海道": "010006", "千葉県千葉市": "121002", "千葉県君津市": "122254",
    "千葉県多古町": "123471", "埼玉県上里町": "113859", "大分県別府市": "442020",
    "大分県": "440001", "大阪府豊中市": "272035", "大阪府": "270008", "奈良県三宅町": "293628",
    "奈良県奈良市": "292010", "宮崎県串間市": "452076", "宮崎県都城市": "452025",
    "山口県山陽小野田市": "352161", "山口県": "350001", "山形県山形市": "062014",
    "山形県舟形町": "063631", "山形県酒田市": "062049", "山形県長井市": "062090",
    "岡山県総社市": "332089", "岡山県鏡野町": "336068", "島根県江津市": "322075",
    "広島県": "340006", "愛媛県西予市": "382141", "愛媛県": "380008", "愛知県安城市": "232122",
    "愛知県日進市": "232301", "愛知県豊田市": "232114", "愛知県": "230006",
    "新潟県三条市": "152048", "新潟県柏崎市": "152056", "新潟県長岡市": "152021",
    "東京都三鷹市": "132047", "東京都中野区": "131148", "東京都江戸川区": "131237",
    "東京都渋谷区": "131130", "東京都港区": "131032", "東京都町田市": "132098",
    "東京都豊島区": "131164", "東京都": "130001", "栃木県宇都宮市": "092011",
    "栃木県真岡市": "092096", "栃木県": "090000", "滋賀県": "250007", "熊本県小国町": "434248",
    "熊本県熊本市": "431001", "熊本県阿蘇市": "432148", "熊本県": "430005",
    "石川県金沢市": "172014", "神奈川県横浜市": "141003", "神奈川県横須賀市": "142018",
    "神奈川県": "140007", "福井県あわら市": "182087", "福井県": "180009",
    "福岡県北九州市": "401005", "福岡県糸島市": "402303", "福岡県苅田町": "406210",
    "福島県会津若松市": "072028", "福島県昭和村": "074462", "福島県福島市": "072010",
    "福島県西会津町": "074055", "福島県": "070009", "群馬県前橋市": "102016",
    "茨城県つくば市": "082201", "茨城県笠間市": "082163", "茨城県": "080004",
    "静岡県小山町": "223441", "静岡県湖西市": "222216", "静岡県袋井市": "222160",
    "静岡県": "220001", "香川県土庄町": "373222", "鳥取県鳥取市": "312011", "鳥取県": "310000",
    "鹿児島県奄美市": "462225", "鹿児島県肝付町": "464929",
}  # fmt: skip


def test_case_organisations_resolve(table: MunicipalityTable) -> None:
    for text, code in CASE_ORGANISATIONS.items():
        assert table.resolve(text).government.code == code, text
        # The extract's split form (prefecture + bare municipality) resolves alike.
        government = table.by_code(code)
        prefecture = table.prefecture_of(government).name
        assert table.resolve(government.name, prefecture).government == government
        (mention,) = table.find_mentions(text)
        assert (mention.surface, mention.resolution.government) == (text, government)


# --- find_mentions ---------------------------------------------------------------------------


def found(table: MunicipalityTable, text: str, prefecture: str | None) -> list[tuple[str, str]]:
    mentions = table.find_mentions(text, prefecture)
    assert all(text[m.start : m.end] == m.surface for m in mentions)
    return [
        (m.surface, m.resolution.government.code if m.resolution.resolved else m.resolution.reason)
        for m in mentions
    ]


# Notes of survey table ② (shared systems), verbatim, with the row's prefecture.
@pytest.mark.parametrize(
    ("prefecture", "note", "expected"),
    [
        (
            "山口県",
            "現在、県内2市(山口市・長門市)と共同利用中",
            [("山口市", "352039"), ("長門市", "352110")],
        ),
        (
            "香川県",
            "高松市・丸亀市・坂出市・さぬき市、東かがわ市、三木町、直島町、宇多津町",
            [("高松市", "372013"), ("丸亀市", "372021"), ("坂出市", "372030"),
             ("さぬき市", "372064"), ("東かがわ市", "372072"), ("三木町", "373419"),
             ("直島町", "373648"), ("宇多津町", "373869")],
        ),
        (
            "山口県",
            ("現在共同利用は行っていないが、R2.10から広島県及び県内7市(下関市・宇部市・山口市"
             "・防府市・岩国市・光市・周南市)と共同利用を開始予定"),
            [("広島県", "340006"), ("下関市", "352012"), ("宇部市", "352021"),
             ("山口市", "352039"), ("防府市", "352063"), ("岩国市", "352080"),
             ("光市", "352101"), ("周南市", "352152")],
        ),
        (
            "福岡県",
            "端末を設置している福岡県、糸島市、福岡市でのみデータを閲覧できるものであるため",
            [("福岡県", "400009"), ("糸島市", "402303"), ("福岡市", "401307")],
        ),
        (
            "鳥取県",
            "共同利用者：鳥取県、岡山県、広島県 理由：コスト削減等が期待できるため。",
            [("鳥取県", "310000"), ("岡山県", "330001"), ("広島県", "340006")],
        ),
        (
            "福岡県",
            ("共同利用者は、法に基づくNPO法人の所轄庁である県及び政令指定都市(福岡県、北九州市"
             "、福岡市)であり、法改正等がない限り利用対象となる所轄庁に変更はないと思われる。"),
            [("福岡県", "400009"), ("北九州市", "401005"), ("福岡市", "401307")],
        ),
        (
            "福岡県",
            ("・R2年度から大牟田市の保健所権限が県に移管されたため、大牟田市が新たな共同利用者に"
             "加わった。"),
            [("大牟田市", "402028"), ("大牟田市", "402028")],
        ),
        (
            "鳥取県",
            ("共同利用者：鳥取県、県内13市町村 理由：鳥取県自治体ICT共同化推進協議会(鳥取県及び"
             "県内19市町村で構成)で、"),
            [("鳥取県", "310000"), ("鳥取県", "310000")],  # not the one in the council's name
        ),
        (
            "広島県",
            "現在：岡山県、鳥取県及び、広島県 今後：他県との共同利用の検討も可能",
            [("岡山県", "330001"), ("鳥取県", "310000"), ("広島県", "340006")],
        ),
        (
            "岡山県",
            "鳥取・岡山・広島県の3県で共同利用しています。",  # 県 shared across the list
            [("鳥取", "310000"), ("岡山", "330001"), ("広島県", "340006")],
        ),
        (
            "京都府",
            "京都府及び京都市を除く京都府内25市町村が利用できる環境を提供している。",
            [("京都府", "260002"), ("京都市", "261009")],  # 京都府内 is territory, not the body
        ),
        (
            "香川県",
            "高松市、丸亀市、坂出市、善通寺市、三豊市、土庄町、小豆島町、香川県広域水道企業団",
            [("高松市", "372013"), ("丸亀市", "372021"), ("坂出市", "372030"),
             ("善通寺市", "372048"), ("三豊市", "372081"), ("土庄町", "373222"),
             ("小豆島町", "373249")],
        ),
        ("北海道", "共同利用団体：北海道及び道内121市町村", [("北海道", "010006")]),
        ("愛知県", "愛知県、市町村 54団体", [("愛知県", "230006")]),
    ],
)  # fmt: skip
def test_find_mentions_in_survey_notes(
    table: MunicipalityTable, prefecture: str, note: str, expected: list[tuple[str, str]]
) -> None:
    assert found(table, note, prefecture) == expected


@pytest.mark.parametrize(
    "text",
    [
        "県内市町村と共同利用中",
        "全市町村加入済のため",
        "市町 28団体",
        "県と県内の27市町村で共同運用中",
        "県と県内の1市で共同運用中",
        "駅前の観光市場",  # no 光市 inside
        "九州・山口が一体となった取組み",
        "奈良県下全市町村で順次導入予定",
        "佐賀県内の全ての市町と共同利用",
        "岡山県森林クラウドユーザに追加が可能。",
        "全国土地改良事業団体連合会が運営し、岩手県土地改良事業団体連合会が設置",
        "本システムは政令市及び中核市を除く市町村(58市町村)",
        "既に全29市町及び四日市港管理組合他3団体と共同利用済み",
    ],
)
def test_find_mentions_ignores_non_names(table: MunicipalityTable, text: str) -> None:
    assert table.find_mentions(text, "山口県") == []


def test_find_mentions_takes_whole_names(table: MunicipalityTable) -> None:
    assert found(table, "山口県", None) == [("山口県", "350001")]  # and no 山口市 inside
    assert found(table, "四日市市と四日市港", None) == [("四日市市", "242021")]
    assert found(table, "福岡市長、福岡市役所、福岡市", None) == [("福岡市", "401307")]


def test_find_mentions_context_and_ambiguity(table: MunicipalityTable) -> None:
    note = "府中市と伊達市が参加"
    assert found(table, note, None) == [("府中市", AMBIGUOUS), ("伊達市", AMBIGUOUS)]
    assert found(table, note, "広島県") == [("府中市", "342084"), ("伊達市", AMBIGUOUS)]
    assert found(table, note, "福島県") == [("府中市", AMBIGUOUS), ("伊達市", "072133")]
    # Outside the context, a name unique nationwide is accepted; a prefixed one always is.
    assert found(table, "三宅町、奈良県三宅町", "東京都") == [
        ("三宅町", "293628"),
        ("奈良県三宅町", "293628"),
    ]
    (mention,) = table.find_mentions("府中市", None)
    assert mention.resolution.candidates == ("132063", "342084")


def test_find_mentions_offsets_follow_the_source_text(table: MunicipalityTable) -> None:
    text = "ＡＳＰ方式：（山口市・長門市）及び 鎌ヶ谷市、神奈川県横浜市中区"
    assert found(table, text, "山口県") == [
        ("山口市", "352039"),
        ("長門市", "352110"),
        ("鎌ヶ谷市", "122246"),
        ("神奈川県横浜市中区", "141046"),
    ]
    assert table.find_mentions("札幌市中央区の窓口", "北海道")[0].surface == "札幌市中央区"
