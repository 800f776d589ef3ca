"""The only code that writes disputes. One service per verb: the dispute, its event and the audit
row in one transaction; notices go through the notifications outbox (sent after commit)."""

from shiyu.disputes.services._core import PartyInput, target
from shiyu.disputes.services.followup import agreements_due_sweep, dispute_performance_remind
from shiyu.disputes.services.verbs import (
    dispute_act,
    dispute_agree,
    dispute_assess_risk,
    dispute_assign,
    dispute_convert_from_case,
    dispute_follow_up,
    dispute_refer,
    dispute_register,
    dispute_session_record,
    dispute_withdraw,
)

__all__ = [
    "PartyInput",
    "target",
    "dispute_performance_remind",
    "agreements_due_sweep",
    "dispute_register",
    "dispute_convert_from_case",
    "dispute_assign",
    "dispute_session_record",
    "dispute_agree",
    "dispute_follow_up",
    "dispute_refer",
    "dispute_withdraw",
    "dispute_assess_risk",
    "dispute_act",
]
