"""Hot-issue clustering on a generated set with a known answer; the offline command."""

import json
import random
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from shiyu.insights.hotissues import Message, cluster
from shiyu.insights.hotissues.algorithm import heat_of, vectors
from shiyu.insights.hotissues.entities import entities, group_label, recurring
from shiyu.insights.hotissues.places import place_keys, places
from shiyu.insights.hotissues.xlsx import parse_time

# (place, matter variants, how many messages, votes each)
ISSUES = [
    (
        "阳光花园小区",
        [
            "阳光花园小区楼下烧烤店油烟扰民",
            "阳光花园小区烧烤摊油烟大晚上吵闹",
            "投诉阳光花园小区临街烧烤油烟",
            "阳光花园小区一楼烧烤店油烟噪音严重",
        ],
        9,
        3,
    ),
    (
        "锦绣家园",
        ["锦绣家园开发商捆绑销售车位", "锦绣家园强制业主购买车位", "反映锦绣家园车位捆绑销售问题"],
        6,
        20,
    ),
    ("青山路", ["青山路修路工地夜间施工噪音", "青山路晚上施工吵得无法睡觉", "投诉青山路夜间违规施工"], 5, 1),
    (
        "滨江新城",
        ["滨江新城小区附近搅拌站粉尘污染", "滨江新城旁搅拌站噪音粉尘严重", "滨江新城搅拌站影响居民生活"],
        4,
        0,
    ),
]
NOISE = [
    "咨询社保卡补办流程",
    "公积金提取需要什么材料",
    "建议增加公交线路班次",
    "医保报销比例是多少",
    "孩子入学户籍证明怎么开",
    "出租车拒载如何投诉",
    "驾照换证在哪里办理",
    "养老保险断缴怎么办",
    "图书馆开放时间咨询",
    "电动车上牌需要哪些证件",
    "城管执法态度问题",
    "自来水水费标准咨询",
]


def _generated(seed: int = 3):
    rng = random.Random(seed)
    base = datetime(2026, 3, 1, 9, 0)
    messages, truth = [], {}
    n = 0
    for place, variants, count, votes in ISSUES:
        ids = []
        for i in range(count):
            n += 1
            title = variants[i % len(variants)]
            body = f"{title}。{rng.choice(['已经持续很久了', '希望有关部门尽快处理', '严重影响居民休息'])}。"
            when = base + timedelta(days=rng.randint(0, 20))
            messages.append(
                Message(
                    id=str(n),
                    title=title,
                    body=body,
                    time=when,
                    votes_up=votes,
                    submitter=f"u{n % (count - 1) if count > 2 else n}",
                )
            )
            ids.append(str(n))
        truth[place] = set(ids)
    for text in NOISE:
        n += 1
        messages.append(Message(id=str(n), title=text, body=f"{text}？谢谢。", time=base, submitter=f"x{n}"))
    rng.shuffle(messages)
    return messages, truth


def test_groups_a_generated_set_with_a_known_answer():
    messages, truth = _generated()
    issues = cluster(messages, top=6)
    found = {frozenset(i.ids) for i in issues}
    for place, ids in truth.items():
        assert frozenset(ids) in found, (place, [i.ids for i in issues])
    by_ids = {frozenset(i.ids): i for i in issues}
    for place, ids in truth.items():
        assert place in by_ids[frozenset(ids)].place
    # The biggest, most supported issues first.
    assert issues[0].ids and set(issues[0].ids) == truth["阳光花园小区"]
    assert set(issues[1].ids) == truth["锦绣家园"]
    assert [i.rank for i in issues] == list(range(1, len(issues) + 1))
    assert issues[0].period[0] <= issues[0].period[1]


def test_same_matter_at_two_places_is_two_issues():
    base = datetime(2026, 3, 1)
    messages = [
        Message(id=f"{p}{i}", title=f"{place}小区烧烤油烟扰民{i}", body="烧烤油烟太大", time=base)
        for p, place in (("a", "阳光花园"), ("b", "翠湖苑"))
        for i in range(3)
    ]
    groups = {frozenset(i.ids) for i in cluster(messages, top=5)}
    assert frozenset({"a0", "a1", "a2"}) in groups and frozenset({"b0", "b1", "b2"}) in groups


# Victims of a collapsed lending platform: they write from different districts and name the
# platform, not a place; each message words the matter differently.
PLATFORM = [
    "A市88车贷恶性退出，立案半年毫无进展",
    "严惩88车贷特大集资诈骗案保护伞",
    "请书记关注A4区88车贷案件",
    "88车贷老板跑路，经侦拖延办案",
    "恳请公正办理88车贷案件，还受害人公道",
    "88车贷立案五个月未公布案情",
    "再次请求过问88车贷案件进展",
]
# Same platform-like token but quantities, times and room numbers, which are no names.
NOT_NAMES = [
    "物业费每月12万元，24小时都有人吵",
    "12月份的水费太高",
    "103业主楼上漏水",
    "投诉12345热线打不通",
    "30分钟内没人接电话",
    # hotlines, counted things, and a neighbour (a person: personal data, never a title)
    "拨打122报警没人管",
    "400电话打不通",
    "打114查号台问不到",
    "叫了999急救车",
    "小区有30只流浪狗",
    "村里50亩土地被占",
    "12盏路灯不亮",
    "12幢漏雨三个月了",
    "楼上302王先生家装修",
]


def test_an_organisation_without_a_place_makes_one_issue_named_by_it():
    messages, truth = _generated(seed=5)
    base = datetime(2026, 3, 2, 20, 0)
    districts = ["A1区", "A3区", "A4区", "A5区", "A7县"]
    for i, title in enumerate(PLATFORM * 2):
        body = f"我是{districts[i % 5]}的88车贷受害人，{title}。我们受害人血汗钱被骗，希望早日追赃挽损。"
        messages.append(
            Message(
                id=f"p{i}",
                title=title,
                body=body,
                time=base + timedelta(days=i),
                votes_up=40,
                submitter=f"v{i}",
            )
        )
    truth["88车贷"] = {f"p{i}" for i in range(len(PLATFORM) * 2)}
    for i, text in enumerate(NOT_NAMES):
        messages.append(Message(id=f"q{i}", title=text, body=text, time=base, submitter=f"q{i}"))
    issues = cluster(messages, top=8)
    by_ids = {frozenset(i.ids): i for i in issues}
    for place, ids in truth.items():  # the place-keyed issues are kept as they were
        assert frozenset(ids) in by_ids, (place, [i.ids for i in issues])
    platform = by_ids[frozenset(truth["88车贷"])]
    assert platform.place == "88车贷受害人"  # 地点/人群: a group of people, not a district
    assert platform.rank <= 2
    assert by_ids[frozenset(truth["阳光花园小区"])].place.endswith("阳光花园小区")
    assert not any(i.ids and i.ids[0].startswith("q") and len(i.ids) > 1 for i in issues)


@pytest.mark.parametrize("matter", ["有30只流浪狗到处乱窜咬人", "400电话打不通", "物业400电话打不通"])
def test_a_shared_number_or_manager_does_not_join_two_estates(matter):
    # The same matter at two estates, worded with a number-led token (30只流浪狗, 400电话) or the
    # estate's management (…小区物业): two issues, each named by its own estate, never "A B".
    base = datetime(2026, 3, 1)
    messages = [
        Message(id=f"{p}{i}", title=f"{place}{matter}", body=f"{place}{matter}，希望处理", time=base,
                submitter=f"{p}{i}")
        for p, place in (("a", "阳光花园小区"), ("b", "翠湖苑小区"))
        for i in range(3)
    ]
    issues = cluster(messages, top=5)
    by_ids = {frozenset(i.ids): i for i in issues}
    assert set(by_ids) == {frozenset({"a0", "a1", "a2"}), frozenset({"b0", "b1", "b2"})}
    assert by_ids[frozenset({"a0", "a1", "a2"})].place.startswith("阳光花园小区")
    assert "翠湖苑" not in by_ids[frozenset({"a0", "a1", "a2"})].place
    assert by_ids[frozenset({"b0", "b1", "b2"})].place.startswith("翠湖苑小区")


def test_a_name_keys_only_messages_without_a_place_and_only_when_several_people_write_it():
    base = datetime(2026, 3, 1)
    messages = [
        Message(id="p1", title="阳光花园小区58车贷广告", body="", time=base, submitter="a"),
        Message(id="n1", title="58车贷老板跑路", body="", time=base, submitter="b"),
        Message(id="n2", title="58车贷立案没有进展", body="", time=base, submitter="c"),
        # One person writing a name three times does not make it a name of the city's issues.
        *(Message(id=f"o{i}", title=f"66快跑第{i}次", body="", time=base, submitter="d") for i in range(3)),
    ]
    _, _, found = vectors(messages)
    keys = dict(zip([m.id for m in messages], found, strict=True))
    assert "58车贷" not in keys["p1"] and "阳光花园小区" in keys["p1"]
    assert keys["n1"] == ["58车贷"] and keys["n2"] == ["58车贷"]
    assert all(keys[f"o{i}"] == [] for i in range(3))
    written = [{"58车贷"}, {"58车贷"}, {"58车贷", "66快跑"}, {"66快跑"}]
    assert recurring(written, ["a", "b", "c", "c"]) == {"58车贷"}
    # Only a name that keyed the clustering may label an issue.
    assert group_label(["66快跑又来了", "66快跑不退钱"], allowed=set()) == ""
    assert group_label(["66快跑又来了", "66快跑不退钱"], allowed={"66快跑"}) == "66快跑"


def test_organisation_names():
    assert entities("A市58车贷恶性退出，58车贷老板跑路") == ["58车贷", "58车贷"]
    for text in NOT_NAMES + ["2019年秋季开学", "A4区公安分局", "105商铺", "107从我家门口过"]:
        assert entities(text) == [], text
    assert group_label(["58车贷受害人维权", "58车贷案件进展", "我们58车贷受害人"]) == "58车贷受害人"
    # A shared specific place names the issue, even when a platform is mentioned.
    assert group_label(["阳光花园小区的58车贷广告", "阳光花园小区58车贷"]) == ""


def test_heat_score():
    now = datetime(2026, 3, 31)
    one = [Message(id="1", title="t", body="", time=now, submitter="a")]
    many = [Message(id=str(i), title="t", body="", time=now, submitter=f"s{i}") for i in range(5)]
    same_person = [Message(id=str(i), title="t", body="", time=now, submitter="s") for i in range(5)]
    old = [
        Message(id=str(i), title="t", body="", time=now - timedelta(days=120), submitter=f"s{i}")
        for i in range(5)
    ]
    voted = [Message(id="1", title="t", body="", time=now, votes_up=500, submitter="a")]
    assert heat_of(many, now=now) > heat_of(same_person, now=now) > heat_of(one, now=now)
    assert heat_of(many, now=now) > heat_of(old, now=now) >= 0.5 * heat_of(many, now=now)
    assert heat_of(voted, now=now) > heat_of(one, now=now)


def test_places():
    assert places("A5区魅力之城小区临街餐饮店油烟噪音扰民") == ["魅力之城小区"]
    assert places("反映A市金毛湾配套入学的问题") == ["金毛湾"]
    assert "伊景园滨河苑" in places("伊景园滨河苑捆绑销售车位")
    assert {"暮云街道", "丽发新城小区", "丽发新城"} <= place_keys("暮云街道丽发新城小区")
    # Suffixes alone (小区物业) are every estate's: no key.
    assert place_keys("阳光花园小区物业") == {"阳光花园小区物业", "阳光花园"}
    # 跑路 (to abscond) is no road; it would hide the platform the message names.
    assert places("A市58车贷老板跑路美国") == [] and places("中山路让路给车") == ["中山路"]
    assert places("A4区p2p公司58车贷") == []
    for text in ("翠湖苑小区有3盏路灯坏了", "这条路太堵", "这座桥", "三所学校"):  # counts, not names
        assert places(text) in ([], ["翠湖苑小区"]), text
    assert places("咨询社保卡补办流程") == []
    # The 市 of 市场 is no city: the market is the place, after the street office.
    assert places("A7县泉塘街道泉星生鲜市场装修工程没有公开招标") == ["泉塘街道", "泉星生鲜市场"]


def test_time_cells():
    assert parse_time("2019/2/28 11:25:05") == datetime(2019, 2, 28, 11, 25, 5)
    assert parse_time(datetime(2019, 3, 1, 8, 0)) == datetime(2019, 3, 1, 8, 0)
    assert parse_time("not a date") is None


def _xlsx(path, rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "反对数", "点赞数"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_offline_command_prints_one_json_list(tmp_path):
    messages, truth = _generated()
    path = tmp_path / "messages.xlsx"
    rows = []
    for i, m in enumerate(messages):
        # Half the times as strings, half as real Excel datetimes, like the organiser's file.
        when = m.time.strftime("%Y/%-m/%-d %H:%M:%S") if i % 2 else m.time
        rows.append([int(m.id), m.submitter, m.title, when, f"\n\t\t{m.body}\u3000\n", 0, m.votes_up])
    _xlsx(path, rows)
    out = StringIO()
    call_command("insights", "hot_issues", "--xlsx", str(path), "--top", "3", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert isinstance(result, list) and len(result) == 3
    assert set(result[0]) == {"rank", "heat", "ids", "period", "place", "description"}
    assert set(result[0]["ids"]) == truth["阳光花园小区"] and result[0]["rank"] == 1
    assert result[0]["period"][0] <= result[0]["period"][1]


def test_offline_command_rejects_a_file_without_the_columns(tmp_path):
    import openpyxl
    from django.core.management.base import CommandError

    path = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.save(path)
    with pytest.raises(CommandError):
        call_command("insights", "hot_issues", "--xlsx", str(path), "--json", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("insights", "hot_issues", "--xlsx", str(tmp_path / "missing.xlsx"), stdout=StringIO())
