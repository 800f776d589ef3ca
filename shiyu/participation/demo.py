"""Demo proposals for `make run`: a few approved proposals of the demo resident, collecting support."""

from typing import Any

from shiyu.participation import services
from shiyu.participation.models import Proposal

PROPOSALS = [
    ("在小区增设电动车集中充电桩",
     "小区电动车很多，居民飞线充电存在火灾隐患，建议在小区空地增设集中充电桩。"),
    ("社区公园增设健身器材和长椅", "社区公园是老人和孩子常去的地方，但座椅少、健身器材老化，建议更新。"),
    ("学校门口上下学时段设置临时停车区",
     "上下学时段家长车辆占道停放，交通拥堵，建议划定临时停车区并安排疏导。"),
]


def seed_proposals(city: Any) -> int:
    """Create the demo proposals once (a second run adds nothing); returns how many were created."""
    made = 0
    resident, moderator = city.users.get("resident"), city.users.get("supervisor")
    if resident is None or moderator is None or not city.communities:
        return 0
    for i, (title, body) in enumerate(PROPOSALS):
        if Proposal.objects.filter(title=title).exists():
            continue
        area = city.communities[i % len(city.communities)]
        proposal = services.proposal_create(actor=resident, area=area, title=title, body=body)
        services.proposal_moderate(actor=moderator, proposal_id=proposal.pk, decision="approve")
        made += 1
    return made
