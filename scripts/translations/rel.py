T: dict[str, str] = {
    # audit hash chain (models)
    "chain position": "链序号",
    "previous hash": "前一条哈希",
    "hash": "哈希",
    "audit chain head": "审计链头",
    "audit chain heads": "审计链头",
}
