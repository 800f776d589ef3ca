"""Demo knowledge-base articles for `make run` (the lead hooks `seed_articles` into seed_demo)."""

from datetime import date

from shiyu.knowledge.models import Article
from shiyu.knowledge.services import ArticleInput, article_create

# (title, kind, category code, owner department code, keywords, answer)
ARTICLES = [
    ("建筑施工夜间作业时间规定", "policy", "C020101", "HBJ", "夜间施工 噪音 扰民 工地 施工许可",
     "除抢修、抢险作业和因生产工艺要求必须连续作业外，每日22时至次日6时禁止在噪声敏感建筑物集中区域"
     "进行产生环境噪声污染的建筑施工作业。确需夜间连续作业的，施工单位须取得夜间施工许可并公告附近居民。"
     "遇夜间违规施工，可拨打12345或通过本平台反映，生态环境部门将核查处理。"),
    ("餐饮油烟扰民如何处理", "faq", "C020201", "HBJ", "油烟 烧烤 饭店 排烟 净化器",
     "餐饮服务经营者应当安装油烟净化设施并保持正常使用，油烟须达标排放。居民住宅楼内不得新建产生油烟的餐饮项目。"
     "发现油烟直排扰民，请提供店名和地址，生态环境部门和城管部门将依职责调查处理。"),
    ("拖欠工资如何维权", "legal", "C040101", "RSJ", "欠薪 讨薪 工资 劳动监察 农民工",
     "用人单位应当按时足额支付劳动者工资。被拖欠工资的，可携带身份证、劳动合同或工资条、考勤记录等证据，"
     "向用工所在地人力资源和社会保障局劳动保障监察机构投诉，也可申请劳动争议仲裁。农民工可拨打12333热线咨询。"),
    ("劳动合同签订须知", "legal", "C040102", "RSJ", "劳动合同 试用期 签合同 双倍工资",
     "建立劳动关系应当订立书面劳动合同。用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，"
     "应当向劳动者每月支付二倍的工资。试用期最长不得超过六个月。"),
    ("医保异地就医备案办理流程", "procedure", "C040201", "YBJ", "医保 报销 异地就医 备案 医疗保险",
     "参保人员异地就医前，可通过国家医保服务平台App、当地医保经办窗口办理异地就医备案。"
     "备案后在就医地定点医疗机构住院可直接结算；未备案的，先行垫付后回参保地按规定报销。"),
    ("养老保险缴费年限和领取条件", "policy", "C040202", "RSJ", "养老金 退休 社保 缴费年限 养老保险",
     "参加基本养老保险的个人，达到法定退休年龄时累计缴费满十五年的，按月领取基本养老金。"
     "缴费不足十五年的，可以缴费至满十五年后按月领取。"),
    ("义务教育入学报名指南", "procedure", "C050101", "JYJ", "入学 招生 报名 学区 小学 初中",
     "适龄儿童义务教育入学实行免试就近入学。每年5月至6月在教育局招生平台进行网上报名，"
     "需准备户口簿、房产证明或居住证等材料。随迁子女凭居住证等材料在居住地申请入学。"),
    ("路灯不亮报修", "faq", "C010302", "SZJ", "路灯 照明 不亮 报修 夜间",
     "发现路灯不亮，请在本平台提交报修并注明具体位置（路名、附近门牌号或电杆编号）。"
     "市政设施管理处一般在两个工作日内维修。"),
    ("占道经营的管理规定", "policy", "C010101", "CGJ", "摆摊 小贩 占道 流动摊贩 夜市",
     "未经批准，任何单位和个人不得占用城市道路、人行道摆摊设点、堆放物品。"
     "城管部门对占道经营依法劝导、责令改正；在划定的临时疏导点内可按规定时间经营。"),
    ("电梯故障应急处置", "faq", "C010202", "ZJJ", "电梯 困人 故障 维保 物业",
     "电梯发生故障困人时，请保持冷静，按下电梯内警铃或拨打电梯内张贴的应急救援电话，不要强行扒门。"
     "电梯长期故障未修的，可向物业服务企业反映，物业不处理的可通过本平台反映，住建部门将督促维修。"),
    ("消费纠纷投诉途径", "legal", "C070102", "SCJ", "消费 退货 维权 商家 12315 假货",
     "与经营者发生消费纠纷，可与经营者协商和解，或向市场监督管理部门投诉（12315），也可申请调解、仲裁或向法院起诉。"
     "请保留购物凭证、聊天记录等证据。"),
    ("免费法律援助申请条件", "legal", None, None, "法律援助 律师 打官司 免费 法律咨询",
     "经济困难的公民，在请求支付劳动报酬、给付赡养费抚养费、请求国家赔偿等事项上需要法律帮助的，"
     "可以向法律援助机构申请法律援助。公共法律服务中心和12348热线提供免费法律咨询。"),
    ("2023年冬季供暖补贴申领（已结束）", "policy", None, None, "供暖 补贴 取暖",
     "2023年冬季供暖补贴的申领已于2024年3月31日结束。", ),
]


def seed_articles() -> int:
    """Create the demo articles once (a second run adds nothing); returns how many were created."""
    made = 0
    for title, kind, category, owner, keywords, summary in ARTICLES:
        if Article.objects.filter(title=title).exists():
            continue
        expired = "已结束" in title
        article_create(actor=None, data=ArticleInput(
            title=title, kind=kind, category=category, owner_department=owner, keywords=keywords,
            summary=summary, status=Article.Status.PUBLISHED,
            valid_from=date(2023, 11, 1) if expired else None,
            valid_until=date(2024, 3, 31) if expired else None))
        made += 1
    return made
