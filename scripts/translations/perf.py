T = {
    "Give either extra working days or a new deadline, not both.": "请填写延长的工作日数或新的答复期限，二者选其一。",
    "The new deadline must be later than the current one and in the future.": "新的期限须晚于当前期限，且在当前时间之后。",
    "Give a date and time such as 2026-12-01T17:30.": "请填写日期和时间，例如 2026-12-01T17:30。",
    "Grant working days (empty: as requested)": "批准延长的工作日数（留空：按申请）",
    "Or a new reply deadline": "或新的答复期限",
    "Your report %(code)s was joined to a case about the same matter, which is now: %(state)s. "
    "Follow it at %(url)s": "您反映的问题 %(code)s 已并入同一事项的工单，该工单现在：%(state)s。请在 %(url)s 查看进展",
}
