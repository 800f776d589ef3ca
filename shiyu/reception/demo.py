"""Demo reception days for `shiyu seed_demo`: two upcoming sessions with a few bookings."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser

from shiyu.core import clock, workcal
from shiyu.reception import services


def seed_reception(city) -> int:
    """Returns how many sessions were scheduled."""
    operator, leader = city.users["operator"], city.users["leader"]
    first = workcal.next_working_instant(clock.now() + timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    sessions = [
        services.session_create(
            actor=operator,
            leader_id=leader.pk,
            leader_title="周市长（市长）",
            place="市民服务中心三楼接待室",
            starts_at=first,
            ends_at=first + timedelta(hours=3),
            capacity=12,
            topics="住房保障、物业管理、老旧小区改造",
        ),
        services.session_create(
            actor=operator,
            leader_id=leader.pk,
            leader_title="周市长（市长）",
            place=f"{city.districts[0].name}政务服务中心",
            starts_at=first + timedelta(days=7),
            ends_at=first + timedelta(days=7, hours=3),
            capacity=8,
            topics="劳动就业、社会保障",
            area_id=city.districts[0].pk,
        ),
    ]
    for i, topic in enumerate(["小区电梯长期故障无人维修", "老旧小区加装电梯费用分摊", "公租房申请进度"]):
        services.booking_create(
            actor=AnonymousUser(),
            session_id=sessions[0].pk,
            topic=topic,
            name=["陈美华", "李建国", "王秀英"][i],
            phone=f"1380000{i:04d}",
        )
    return len(sessions)
