T: dict[str, str] = {
    # audit hash chain (models)
    "chain position": "链序号",
    "previous hash": "前一条哈希",
    "hash": "哈希",
    "audit chain head": "审计链头",
    "audit chain heads": "审计链头",
    # contact retention (cases.services.retention)
    "Contact data kept after a case ends (months)": "诉求办结后联系方式保留期限（月）",
    "This many months after a case is closed, rejected or merged, the resident's name, phone and "
    "email are erased from it; the case text is kept.":
        "诉求办结、不予受理或合并满该月数后，删除其中群众的姓名、电话和电子邮箱；诉求内容予以保留。",
}
