T: dict[str, str] = {
    # models
    "date": "日期",
    "working day": "工作日",
    "reason": "原因",
    "calendar override": "工作日历调整",
    "calendar overrides": "工作日历调整",
    "job": "任务",
    "slot": "时段",
    "attempt": "尝试次数",
    "status": "状态",
    "worker": "执行进程",
    "claimed at": "认领时间",
    "started at": "开始时间",
    "finished at": "结束时间",
    "error": "错误",
    "periodic run": "定时任务运行",
    "periodic runs": "定时任务运行",
    "queued": "排队中",
    "running": "运行中",
    "done": "已完成",
    "failed": "失败",
    # city settings
    "Working hours": "工作时间",
    'Working periods of every working day, e.g. [["09:00", "12:00"], ["13:30", "17:30"]].':
        '每个工作日的工作时段，例如 [["09:00", "12:00"], ["13:30", "17:30"]]。',
    "Years whose holidays are entered as overrides": "已手工录入节假日的年份",
    "Years beyond the official calendar data whose holidays and make-up days the administrator has "
    "entered as calendar overrides, e.g. [2027]; silences the warning for them.":
        "官方日历数据之外、管理员已将节假日和调休工作日录入为工作日历调整的年份，例如 [2027]；"
        "列出后不再提示这些年份。",
    "Days to keep finished background tasks and periodic runs": "已完成的后台任务和定时任务运行记录保留天数",
    # the warning
    "The official holiday calendar for %(years)s is not known to this installation: deadlines in "
    "those years count Monday to Friday plus the calendar overrides. Upgrade the chinese-calendar "
    "package, or enter the public holidays and make-up working days as calendar overrides and "
    "list the year in the city setting workcal.confirmed_years.":
        "本系统尚无 %(years)s 年的官方节假日安排：这些年份的办理时限只按周一至周五及工作日历调整计算。"
        "请升级 chinese-calendar 软件包，或将法定节假日和调休工作日录入为工作日历调整，"
        "并把该年份列入城市参数 workcal.confirmed_years。",
    "Calendar overrides": "工作日历调整",
    # shiyu workcal
    "Not a date and time in ISO 8601 (e.g. 2026-09-30T16:00+08:00): %(value)s":
        "不是 ISO 8601 格式的日期时间（例如 2026-09-30T16:00+08:00）：%(value)s",
    "Not a whole number: %(value)s": "不是整数：%(value)s",
    "Not a number: %(value)s": "不是数字：%(value)s",
    "Dates must lie between %(first)s and %(last)s.": "日期必须在 %(first)s 年至 %(last)s 年之间。",
    "Not a date in ISO 8601 (e.g. 2026-10-10): %(value)s":
        "不是 ISO 8601 格式的日期（例如 2026-10-10）：%(value)s",
    "day off": "休息日",
    "Working hours: %(hours)s (%(total)s h a day)": "工作时间：%(hours)s（每天 %(total)s 小时）",
    "Official calendar data: %(first)s–%(last)s": "官方日历数据：%(first)s–%(last)s 年",
}
