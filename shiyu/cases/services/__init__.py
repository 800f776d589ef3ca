"""The only code that writes cases. One function per verb; see workflow.py for the table."""

from shiyu.cases.services.actions import (
    case_accept,
    case_acknowledge,
    case_answer,
    case_close,
    case_comment,
    case_dispatch,
    case_escalate,
    case_extend_approve,
    case_extend_deny,
    case_extend_request,
    case_follow_up,
    case_merge,
    case_pause,
    case_reject,
    case_reopen,
    case_reply,
    case_resume,
    case_return,
    case_transfer,
    case_urge,
)
from shiyu.cases.services.dispatch import case_perform
from shiyu.cases.services.publication import publication_publish, publication_withdraw
from shiyu.cases.services.resident import case_resident_feedback, case_resident_reopen
from shiyu.cases.services.retention import case_contacts_expire
from shiyu.cases.services.review import case_reply_approve, case_reply_reject
from shiyu.cases.services.submit import CaseInput, case_contact_reveal, case_submit
from shiyu.cases.services.taxonomy import category_create, category_save

__all__ = [
    "CaseInput", "case_accept", "case_acknowledge", "case_answer", "case_close", "case_comment",
    "case_contact_reveal", "case_contacts_expire", "case_dispatch", "case_escalate", "case_extend_approve",
    "case_extend_deny", "case_extend_request", "case_follow_up", "case_merge", "case_perform",
    "case_pause", "case_reject", "case_reopen", "case_reply", "case_reply_approve", "case_reply_reject",
    "case_resident_feedback",
    "case_resident_reopen", "case_resume",
    "case_return", "case_submit", "case_transfer", "case_urge", "category_create", "category_save",
    "publication_publish", "publication_withdraw",
]
