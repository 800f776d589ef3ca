"""Demo disputes for `shiyu seed_demo`: a few in every stage, through the services."""

from datetime import timedelta

from shiyu.core import clock
from shiyu.disputes import services
from shiyu.disputes.services import PartyInput

# title, description, type, parties, amount, stage
DISPUTES = [
    (
        "楼上卫生间漏水",
        "楼上住户卫生间防水层损坏，楼下天花板多处渗水发霉，协商赔偿未果。",
        "neighbour",
        2,
        None,
        "registered",
    ),
    (
        "物业擅自提高停车费",
        "物业公司未经业主大会同意将地面停车费由每月150元提高到300元。",
        "property",
        3,
        "5400",
        "mediating",
    ),
    ("装修工程款拖欠", "装修队完工三个月，业主以质量问题为由拒付尾款。", "consumer", 2, "18000", "agreed"),
    ("赡养老人费用分担", "三兄妹就母亲的赡养费和照料安排发生争执。", "family", 3, None, "performed"),
    (
        "宅基地边界争议",
        "两户村民对宅基地分界线的位置各执一词，多次发生口角。",
        "land",
        2,
        None,
        "referred_up",
    ),
    (
        "工地拖欠农民工工资",
        "某工地12名工人被拖欠三个月工资，工人情绪激动，扬言要堵门讨薪。",
        "labour",
        12,
        "360000",
        "assigned",
    ),
]
NAMES = ["陈美华", "李建国", "王秀英", "张伟", "刘洋", "赵敏", "孙磊", "周婷", "吴强", "郑芳", "冯军", "何静"]


def seed_disputes(city) -> int:
    """Disputes for the first community of the demo city; returns how many were made."""
    admin, mediator = city.users["admin"], city.users["mediator"]
    area = city.grids[0]
    made = 0
    for index, (title, text, type_code, n, amount, stage) in enumerate(DISPUTES):
        parties = [
            PartyInput(
                side="applicant" if i == 0 else "respondent" if i == 1 else "other",
                name=NAMES[(index + i) % len(NAMES)],
                contact=f"1390000{index:02d}{i:02d}",
            )
            for i in range(n)
        ]
        d = services.dispute_register(
            actor=mediator,
            title=title,
            description=text,
            type_code=type_code,
            area_id=area.pk,
            parties=parties,
            amount=amount,
        )
        made += 1
        if stage == "registered":
            continue
        if stage == "referred_up":
            services.dispute_refer(
                actor=mediator, dispute_id=d.pk, target="up", reason="涉及村组集体土地，需街道协调"
            )
            continue
        services.dispute_assign(actor=mediator, dispute_id=d.pk, mediator_id=mediator.pk)
        if stage == "assigned":
            continue
        services.dispute_session_record(
            actor=mediator,
            dispute_id=d.pk,
            held_at=clock.now() - timedelta(days=2),
            summary="双方到场陈述各自诉求，调解员释法说理。",
            place="社区调解室",
            attendees="双方当事人、社区网格员",
        )
        if stage == "mediating":
            continue
        services.dispute_agree(
            actor=admin, dispute_id=d.pk, terms="双方同意按约定分期履行，并互不追究。", working_days=10
        )
        if stage == "performed":
            services.dispute_follow_up(
                actor=mediator, dispute_id=d.pk, performance="performed", note="回访确认已履行"
            )
    return made
