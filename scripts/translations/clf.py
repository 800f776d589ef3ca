"""Chinese for the routing classifier's admin page and messages (tag clf)."""

T: dict[str, str] = {
    "Only an administrator may retrain or switch the routing classifier.":
        "只有系统管理员可以重新训练或切换派单分类模型。",
    "This model version cannot be used: %(reason)s": "该模型版本无法使用：%(reason)s",
    "Retraining has been queued; the new model is activated when it is done (refresh this page).":
        "已加入重新训练队列；训练完成后新模型自动启用（请刷新本页）。",
    "Model %(version)s is now active.": "模型 %(version)s 已启用。",
    "Unknown action.": "未知操作。",
    "Routing classifier models": "派单分类模型",
    "Classifier": "分类模型",
    "Classifier models": "分类模型",
    "The classifier suggests a category for every new case. It learns from closed cases (the category "
    "as finally confirmed), from dispatchers' corrections and from the names in the category tree; "
    "open cases only tell it which words are common. Figures are cross-validated on the training "
    "cases.":
        "分类模型为每件新诉求推荐分类。它从已办结工单（以最终确认的分类为准）、派单员的更正和分类目录中的"
        "名称中学习；未办结的工单只用来判断哪些词语常见。各项指标为在训练工单上的交叉验证结果。",
    "Active model: %(version)s, trained on %(n)s cases.": "当前模型：%(version)s，训练工单 %(n)s 件。",
    "No model is active: intake works without suggestions.":
        "当前没有启用的模型：受理照常进行，只是没有分类推荐。",
    "Retrain now": "立即重新训练",
    "Stored models": "已保存的模型",
    "Version": "版本",
    "Trained at": "训练时间",
    "Cases": "工单数",
    "Categories": "分类数",
    "Macro-F1": "宏平均 F1",
    "Accuracy": "准确率",
    "Calibration error": "校准误差",
    "Size": "大小",
    "active": "启用中",
    "file missing": "文件缺失",
    "Activate": "启用",
    "None yet.": "暂无。",
    "Model files live in %(dir)s. They are Python pickles: only files written by this installation are "
    "loaded (a file others could write is refused).":
        "模型文件保存在 %(dir)s。模型文件是 Python pickle：只加载本系统自己写入的文件"
        "（其他用户可写的文件一律拒绝加载）。",
}
