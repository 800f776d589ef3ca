"""Chinese for the lead's own strings (navigation and app names)."""

T = {
    "Knowledge editor": "知识库编辑",
    "Proposals queue": "群众建议审核",
    "Insights": "数据分析",
    "Early warning": "预警",
    "Reports": "分析报告",
    "Goals and scorecards": "目标与考核",
    "Disputes": "矛盾纠纷",
    "Reception days": "领导接访日",
    "Knowledge base": "知识库",
    "Participation": "群众自治",
}
