"""Tests for helpers.catalog.entities and the packaged catalog/entities.yaml."""

from __future__ import annotations

import pytest

from helpers.catalog.entities import (
    MULTI_REGION_CODES,
    CatalogError,
    alias_table,
    display_name,
    find_entities,
    jieba_userdict_lines,
    load_catalog,
    make_tokenizer,
    parse_catalog,
    rollup,
)

ISSUE_IDS_TEXT = (
    "nvidia horizon_robotics huawei tesla mobileye qualcomm black_sesame byd chery saic geely "
    "great_wall changan seres nio xpeng li_auto leapmotor volkswagen stellantis renault pony_ai "
    "baidu_apollo_go weride waymo zoox caam cpca china_customs gasgoo ne_times dataforce china "
    "chinese_brands wuhu chongqing"
)
ISSUE_IDS = tuple(ISSUE_IDS_TEXT.split())

HEADER = "types: [automaker, brand, region]\nentities:\n"
BYD = "  byd:\n    types: [automaker]\n    names: {zh-Hans: 比亚迪, zh-Hant: 比亞迪, en: BYD}\n"


def ids(text: str, **kwargs) -> list[str]:
    return [e["entity_id"] for e in find_entities(text, **kwargs)]


def test_catalog_has_every_id_named_in_the_issue():
    catalog = load_catalog()
    missing = [i for i in ISSUE_IDS if i not in catalog]
    assert not missing


def test_tesla_is_one_id_with_several_roles():
    assert load_catalog().entities["tesla"].types == (
        "automaker",
        "chip_vendor",
        "robotaxi_operator",
    )


def test_every_region_has_an_iso_code():
    regions = [e for e in load_catalog().entities.values() if "region" in e.types]
    # two-letter ISO codes; multi-country markets (东盟) use codes no country can have
    assert regions and all(e.iso and (len(e.iso) == 2 or e.iso in MULTI_REGION_CODES)
                           for e in regions)  # fmt: skip
    assert load_catalog().entities["asean"].iso == "ASEAN"
    assert load_catalog().entities["eu"].iso == "EU"
    assert load_catalog().entities["norway"].iso == "NO"  # not YAML's boolean false


@pytest.mark.parametrize(
    ("text", "entity_id"),
    [
        pytest.param("輝達", "nvidia", id="nvidia-taiwan"),
        pytest.param("英偉達", "nvidia", id="nvidia-hongkong"),
        pytest.param("英伟达", "nvidia", id="nvidia-simplified"),
        pytest.param("NVIDIA", "nvidia", id="nvidia-en"),
        pytest.param("nvidia", "nvidia", id="nvidia-lower"),
        pytest.param("ＮＶＩＤＩＡ", "nvidia", id="nvidia-full-width"),
        pytest.param("地平線", "horizon_robotics", id="horizon-trad"),
        pytest.param("地平线", "horizon_robotics", id="horizon-simp"),
        pytest.param("Horizon Robotics", "horizon_robotics", id="horizon-en"),
        pytest.param("中汽協", "caam", id="caam-short"),
        pytest.param("乘聯分會", "cpca", id="cpca-branch"),
        pytest.param("蓋世汽車研究院", "gasgoo", id="gasgoo"),
        pytest.param("NE時代", "ne_times", id="ne-times"),
        pytest.param("中國車企", "chinese_brands", id="chinese-brands"),
        pytest.param("蘿蔔快跑", "baidu_apollo_go", id="apollo-go"),
        pytest.param("Pony.ai", "pony_ai", id="pony-en"),
        pytest.param("沙烏地阿拉伯", "saudi_arabia", id="saudi-taiwan"),
        pytest.param("阿聯酋", "uae", id="uae"),
    ],
)
def test_find_entities_by_alias(text, entity_id):
    assert ids(f"據報道{text}表示") == [entity_id]


def test_find_entities_spans():
    text = "比亞迪與英伟达合作"
    found = find_entities(text)
    assert [(e["text"], e["start"], e["end"]) for e in found] == [
        ("比亞迪", 0, 3),
        ("英伟达", 4, 7),
    ]
    assert all(text[e["start"] : e["end"]] == e["text"] for e in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("上汽通用五菱", ["wuling"], id="longest-wins"),
        pytest.param("中國品牌", ["chinese_brands"], id="brand-group-over-country"),
        pytest.param("中國汽車工業協會", ["caam"], id="body-over-country"),
        pytest.param("IMG and Mg", [], id="short-latin-needs-case-and-edges"),
        pytest.param("tell us", [], id="us-is-a-word"),
        pytest.param("理想的狀態", [], id="ambiguous-skipped"),
        pytest.param("理想汽車", ["li_auto"], id="unambiguous-full-name"),
        pytest.param("SU7", [], id="no-partial-latin"),
    ],
)
def test_find_entities_edges(text, expected):
    assert ids(text) == expected


def test_ambiguous_aliases_on_request():
    assert ids("大眾和理想", include_ambiguous=True) == ["volkswagen", "li_auto"]


@pytest.mark.parametrize(
    ("entity_id", "top"),
    [
        pytest.param("mg", "saic", id="mg"),
        pytest.param("denza", "byd", id="denza"),
        pytest.param("zeekr", "geely", id="zeekr"),
        pytest.param("lynk_co", "geely", id="lynk"),
        pytest.param("polestar", "geely", id="polestar"),
        pytest.param("jaecoo", "chery", id="jaecoo"),
        pytest.param("omoda", "chery", id="omoda"),
        pytest.param("orin_x", "nvidia", id="orin-x"),
        pytest.param("thor", "nvidia", id="thor"),
        pytest.param("journey_5", "horizon_robotics", id="j5"),
        pytest.param("journey_6", "horizon_robotics", id="j6"),
        pytest.param("shenji", "nio", id="shenji"),
        pytest.param("turing_chip", "xpeng", id="turing"),
        pytest.param("byd", "byd", id="top-is-itself"),
    ],
)
def test_rollup(entity_id, top):
    assert rollup(entity_id) == top


@pytest.mark.parametrize(
    ("alias", "top"),
    [
        pytest.param("名爵", "saic", id="mingjue"),
        pytest.param("騰勢", "byd", id="tengshi"),
        pytest.param("極氪", "geely", id="jike"),
        pytest.param("領克", "geely", id="lingke"),
        pytest.param("極星", "geely", id="jixing"),
        pytest.param("Jaecoo", "chery", id="jaecoo"),
        pytest.param("Omoda", "chery", id="omoda"),
        pytest.param("Orin-X", "nvidia", id="orin-x"),
        pytest.param("征程 J5", "horizon_robotics", id="journey-j5"),
        pytest.param("征程6", "horizon_robotics", id="journey-6"),
        pytest.param("神璣", "nio", id="shenji"),
        pytest.param("圖靈", "xpeng", id="turing"),
    ],
)
def test_issue_parent_links_from_text(alias, top):
    assert [rollup(i) for i in ids(alias)] == [top]


def test_rollup_unknown_id():
    with pytest.raises(KeyError, match="not in the entity catalog"):
        rollup("no_such_id")


@pytest.mark.parametrize(
    ("labels", "name"),
    [
        pytest.param("zh-Hans", "英伟达", id="hans"),
        pytest.param("zh-Hant", "輝達", id="hant"),
        pytest.param("en", "NVIDIA", id="en"),
    ],
)
def test_display_name(labels, name):
    assert display_name("nvidia", labels) == name


def test_display_name_rejects_unknown_labels():
    with pytest.raises(ValueError, match="labels must be one of"):
        display_name("nvidia", "fr")


def test_alias_table_one_owner_per_alias():
    table = alias_table()
    assert list(table.columns) == ["alias", "entity_id", "lang", "is_ambiguous"]
    assert set(table["lang"]) == {"zh-Hans", "zh-Hant", "en"}
    owners = table.groupby(table["alias"].str.lower())["entity_id"].nunique()
    assert owners.max() == 1, owners[owners > 1]


def test_jieba_lines_skip_spaces_and_punctuation():
    words = {line.rsplit(" ", 2)[0] for line in jieba_userdict_lines()}
    assert {"英伟达", "輝達", "地平线", "小馬智行"} <= words
    assert not any(" " in w or "." in w or "-" in w or "&" in w for w in words)


def test_tokenizer_keeps_catalog_names_whole():
    tok = make_tokenizer()
    assert "英伟达" in tok.lcut("英伟达和地平线的征程6芯片")
    assert "小馬智行" in tok.lcut("小馬智行車隊規模超過720輛")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        pytest.param(BYD + BYD, "duplicate key", id="duplicate-id"),
        pytest.param(BYD.replace("byd:", "BYD:"), "lower snake case", id="bad-id"),
        pytest.param(BYD.replace("[automaker]", "[carmaker]"), "unknown", id="unknown-type"),
        pytest.param(BYD.replace(", en: BYD", ""), "display names", id="missing-name"),
        pytest.param(
            BYD + "  denza:\n    types: [brand]\n    parent: byd_auto\n"
            "    names: {zh-Hans: 腾势, zh-Hant: 騰勢, en: Denza}\n",
            "parent 'byd_auto' is not an id",
            id="missing-parent",
        ),
        pytest.param(
            BYD + "  byd2:\n    types: [automaker]\n"
            "    names: {zh-Hans: 比亚迪, zh-Hant: 比亞迪汽車, en: BYD Auto}\n",
            "claimed by both",
            id="alias-claimed-twice",
        ),
        pytest.param(
            "  wuhu:\n    types: [region]\n    names: {zh-Hans: 芜湖, zh-Hant: 蕪湖, en: Wuhu}\n",
            "needs iso",
            id="region-without-iso",
        ),
        pytest.param(
            "  wuhu:\n    types: [region]\n    iso: CN\n    level: county\n"
            "    names: {zh-Hans: 芜湖, zh-Hant: 蕪湖, en: Wuhu}\n",
            "level is for regions only",
            id="unknown-region-level",
        ),
        pytest.param(
            BYD.replace("[automaker]\n", "[automaker]\n    level: city\n"),
            "level is for regions only",
            id="level-on-a-company",
        ),
    ],
)
def test_validation_errors(entry, message):
    with pytest.raises(CatalogError, match=message):
        parse_catalog(HEADER + entry)


def test_script_variants_are_added():
    catalog = parse_catalog(HEADER + BYD)
    assert {"比亚迪", "比亞迪", "BYD"} <= set(catalog.alias_index)


def test_qizhong_is_not_china():
    assert [e["entity_id"] for e in find_entities("其中國內銷售,中國出口")] == ["china"]


# Operators, vendors and suppliers met in real news (issue 14), each in 简 / 繁 / English.
@pytest.mark.parametrize(
    ("text", "entity_id", "top"),
    [
        pytest.param("如祺出行", "ruqi_mobility", "ruqi_mobility", id="ruqi-hans"),
        pytest.param("如祺", "ruqi_mobility", "ruqi_mobility", id="ruqi-short"),
        pytest.param("曹操出行", "cao_cao_mobility", "cao_cao_mobility", id="caocao"),
        pytest.param("滴滴自動駕駛", "didi_autonomous", "didi_autonomous", id="didi-hant"),
        pytest.param("AutoX", "autox", "autox", id="autox"),
        pytest.param("Momenta", "momenta", "momenta", id="momenta"),
        pytest.param("元戎啟行", "deeproute", "deeproute", id="deeproute-hant"),
        pytest.param("大疆车载", "zhuoyu", "zhuoyu", id="dji-automotive"),
        pytest.param("芯馳", "semidrive", "semidrive", id="semidrive-hant"),
        pytest.param("芯擎科技", "siengine", "siengine", id="siengine"),
        pytest.param("龍鷹一號", "longying_1", "siengine", id="siengine-product-hant"),
        pytest.param("英特爾", "intel", "intel", id="intel-hant"),
        pytest.param("Intel", "intel", "intel", id="intel-en"),
        pytest.param("黑芝麻", "black_sesame", "black_sesame", id="black-sesame"),
        pytest.param("德州儀器", "texas_instruments", "texas_instruments", id="ti-hant"),
        pytest.param("瑞薩", "renesas", "renesas", id="renesas-hant"),
        pytest.param("安霸", "ambarella", "ambarella", id="ambarella"),
        pytest.param("SuperVision", "mobileye_supervision", "mobileye", id="supervision"),
        pytest.param("特斯拉FSD", "tesla_fsd_chip", "tesla", id="tesla-fsd"),
        pytest.param("華為乾崑", "qiankun", "huawei", id="qiankun-taiwan-spelling"),
        pytest.param("本土晶片廠商", "chinese_chip_vendors", "chinese_chip_vendors", id="local"),
    ],
)
def test_real_news_entities(text, entity_id, top):
    assert ids(text) == [entity_id]
    assert rollup(entity_id) == top


def test_shanghai_cars_are_shanghai_unless_listed_with_makers():
    # 上海汽车出口 is the city's exports in customs news; SAIC is 上汽 / 上汽集团.
    assert ids("今年上海汽車出口增長") == ["shanghai"]
    assert "saic" in ids("上海汽车、吉利", include_ambiguous=True)


def test_region_levels_are_loaded():
    catalog = load_catalog()
    assert catalog.entities["anhui"].level == "province"
    assert catalog.entities["wuhu"].level == "city"
    assert catalog.entities["mexico"].level is None


def test_lower_keeps_every_offset_and_matches_the_per_character_loop():
    from helpers.catalog.entities import _lower

    def per_character(text: str) -> str:  # the implementation before issue 17
        return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)

    codes = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    # the fast path's premise: only İ grows, only Σ depends on its neighbours
    assert [c for c in codes if len(chr(c).lower()) != 1] == [0x130]
    everything = "".join(chr(c) for c in codes if c not in (0x130, 0x3A3))
    assert _lower(everything) == per_character(everything)
    for text in ("比亞迪BYD ΣΑΣ", "İSTANBUL 蔚來NIO", "ΟΔΟΣ", "Σ", "ＢＹＤ", ""):
        assert _lower(text) == per_character(text)
        assert len(_lower(text)) == len(text)


def test_alias_scan_finds_what_finditer_finds():
    import random
    from pathlib import Path

    from helpers.catalog.entities import _finders, _scan, load_catalog

    catalog = load_catalog()
    aliases = [a for e in catalog.entities.values() for a, _ in e.aliases]
    rng = random.Random(17)
    texts = ["".join(rng.choice([*aliases, "，", " ", "的", "X", "1"]) for _ in range(15))]
    texts += ["".join(rng.choice(aliases) for _ in range(8)) for _ in range(300)]
    root = Path(__file__).resolve().parents[2]
    raw = sorted(root.glob("data/raw/sample/*"))
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in raw]
    for include_ambiguous in (False, True):
        for pattern in _finders(catalog, include_ambiguous):
            for text in texts:
                for t in (text, text.lower()):
                    expected = [m.span() for m in pattern.finditer(t) if m.group()]
                    assert [m.span() for m in _scan(pattern, t) if m.group()] == expected
