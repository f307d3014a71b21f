"""Data tables for the demo city (names, industries, weights); the generation steps are listed in demo.seeding."""

import datetime as dt

from enterprises.models import District, Enterprise


def _words(text: str) -> list[str]:
    return text.split()


CITY_CODE = "510700"  # 绵阳市; the registering authority of enterprises managed by a zone
CITY_NAME = "绵阳市"
FIRST_DAY = dt.date(2015, 1, 1)
FLAGSHIP_DISTRICT_CODE = "510703"  # index 0 is in 涪城区: the demo enterprise user's company

# Share of the city's enterprises per managing district or zone (by code); unknown codes get 0.02.
DISTRICT_WEIGHTS = {
    "510703": 0.22,  # 涪城区
    "ZGX": 0.15,  # 高新区
    "510704": 0.12,  # 游仙区
    "ZKJC": 0.11,  # 科技城新区
    "ZJK": 0.09,  # 经开区
    "510781": 0.08,  # 江油市
    "510722": 0.07,  # 三台县
    "510705": 0.05,  # 安州区
    "510723": 0.03,  # 盐亭县
    "510725": 0.03,  # 梓潼县
    "510726": 0.03,  # 北川羌族自治县
    "510727": 0.02,  # 平武县
}
# The administrative districts a zone lies in (its enterprises' legal registered district).
ZONE_HOSTS = {"ZGX": ["510703"], "ZJK": ["510703"], "ZKJC": ["510703", "510704", "510705"]}

# GB/T 4754-2017 classes: (code, section, name, words used in company names, weight).
# Sections F, H, K, L and R90 are restricted for tech-based SMEs (RULES.md §1 (三)).
INDUSTRIES = [
    ("6513", "I", "应用软件开发", ("软件", "信息技术", "网络科技"), 9.0),
    ("6511", "I", "基础软件开发", ("软件", "信息技术"), 1.5),
    ("6520", "I", "集成电路设计", ("微电子", "芯片科技", "集成电路设计"), 2.0),
    ("6531", "I", "信息系统集成服务", ("信息技术", "智能科技", "数据科技"), 5.0),
    ("6532", "I", "物联网技术服务", ("物联网科技", "智能科技"), 3.0),
    ("6450", "I", "互联网数据服务", ("数据科技", "云计算科技"), 2.0),
    ("3982", "C", "电子电路制造", ("电子科技", "电子"), 3.0),
    ("3983", "C", "敏感元件及传感器制造", ("传感技术", "电子科技"), 2.0),
    ("3976", "C", "光电子器件制造", ("光电科技", "光电"), 2.0),
    ("3921", "C", "通信系统设备制造", ("通信技术", "通信设备"), 2.0),
    ("3951", "C", "电视机制造", ("电子科技", "显示科技"), 0.5),
    ("3670", "C", "汽车零部件及配件制造", ("汽车零部件", "汽车配件", "机械"), 3.5),
    ("3612", "C", "新能源车整车制造", ("新能源汽车", "汽车科技"), 0.5),
    ("2641", "C", "涂料制造", ("新材料", "化工科技"), 1.0),
    ("2662", "C", "专项化学用品制造", ("新材料", "化工"), 1.0),
    ("2929", "C", "塑料零件及其他塑料制品制造", ("新材料科技", "塑胶制品"), 1.0),
    ("3091", "C", "石墨及碳素制品制造", ("新材料", "碳素科技"), 1.0),
    ("3252", "C", "铝压延加工", ("新材料", "铝业科技"), 1.0),
    ("3484", "C", "机械零部件加工", ("机械", "精密机械", "机电设备"), 3.0),
    ("3562", "C", "半导体器件专用设备制造", ("半导体设备", "智能装备"), 1.0),
    ("3581", "C", "医疗诊断、监护及治疗设备制造", ("医疗器械", "医疗科技"), 1.0),
    ("3744", "C", "航空相关设备制造", ("航空科技", "航空装备"), 1.5),
    ("3841", "C", "锂离子电池制造", ("新能源科技", "电池科技"), 1.5),
    ("4011", "C", "工业自动控制系统装置制造", ("自动化", "智能装备", "控制技术"), 2.0),
    ("4014", "C", "实验分析仪器制造", ("仪器仪表", "分析仪器"), 1.0),
    ("2720", "C", "化学药品制剂制造", ("药业", "医药科技"), 1.0),
    ("2761", "C", "生物药品制造", ("生物科技", "生物医药"), 1.0),
    ("2740", "C", "中成药生产", ("药业", "中药科技"), 0.5),
    ("4620", "D", "污水处理及其再生利用", ("环保科技", "水务科技"), 1.0),
    ("7721", "N", "水污染治理", ("环保科技", "环境工程"), 1.0),
    ("7723", "N", "固体废物治理", ("环保科技", "再生资源科技"), 1.0),
    ("7320", "M", "工程和技术研究和试验发展", ("科技", "技术研究院"), 2.5),
    ("7452", "M", "检测服务", ("检测技术", "检验检测"), 2.0),
    ("7484", "M", "工程设计活动", ("工程设计", "工程技术"), 1.5),
    ("7491", "M", "工业设计服务", ("工业设计", "设计"), 1.0),
    ("7513", "M", "新材料技术推广服务", ("新材料科技", "科技"), 1.0),
    ("7514", "M", "节能技术推广服务", ("节能科技", "能源科技"), 1.0),
    ("7520", "M", "知识产权服务", ("知识产权代理", "知识产权服务"), 0.5),
    ("7530", "M", "科技中介服务", ("科技服务", "科技咨询"), 1.0),
    ("1495", "C", "食品及饲料添加剂制造", ("生物科技", "食品科技"), 1.0),
    ("0511", "A", "种子种苗培育活动", ("农业科技", "种业科技"), 1.0),
    ("4910", "E", "电气安装", ("电气工程", "机电工程"), 1.5),
    ("5176", "F", "计算机、软件及辅助设备批发", ("商贸", "电脑科技"), 5.0),
    ("5179", "F", "其他机械设备及电子产品批发", ("贸易", "商贸"), 4.0),
    ("5261", "F", "汽车新车零售", ("汽车销售", "汽车贸易"), 1.5),
    ("5212", "F", "超级市场零售", ("商贸", "超市"), 2.0),
    ("6210", "H", "正餐服务", ("餐饮管理", "餐饮"), 3.0),
    ("6110", "H", "旅游饭店", ("酒店管理", "酒店"), 1.0),
    ("7010", "K", "房地产开发经营", ("房地产开发", "置业"), 2.0),
    ("7020", "K", "物业管理", ("物业管理", "物业服务"), 1.5),
    ("7212", "L", "投资与资产管理", ("投资管理", "资产管理"), 2.0),
    ("7259", "L", "其他广告服务", ("广告", "文化传媒"), 1.5),
    ("9013", "R", "网吧活动", ("网络会所", "网咖"), 0.5),
]
MILITARY_PREFIXES = ("37", "39", "40", "65")  # where military-civilian projects cluster in Mianyang

# (enterprise type, legal-form suffix of the name, weight)
ENTERPRISE_TYPES = [
    ("有限责任公司（自然人投资或控股）", "有限公司", 0.55),
    ("有限责任公司（自然人独资）", "有限公司", 0.17),
    ("有限责任公司（非自然人投资或控股的法人独资）", "有限公司", 0.08),
    ("其他有限责任公司", "有限责任公司", 0.08),
    ("股份有限公司（非上市、自然人投资或控股）", "股份有限公司", 0.05),
    ("有限责任公司（国有控股）", "有限责任公司", 0.03),
    ("有限责任公司（外商投资、非独资）", "有限公司", 0.02),
    ("股份有限公司（非上市、国有控股）", "股份有限公司", 0.02),
]
LOCAL_PREFIX_KINDS = {District.Kind.COUNTY, District.Kind.COUNTY_CITY}  # "江油市…有限公司"
CITY_NAME_PREFIXES = ["绵阳", "绵阳市", "四川", "四川绵阳"]
CITY_NAME_PREFIX_WEIGHTS = [0.35, 0.35, 0.2, 0.1]
TRADE_WORDS_1 = _words(
    "瑞丰 恒泰 宏达 信达 博远 启明 星辰 天府 西科 华瑞 德诚 众诚 永兴 汇通 凯达 卓越 睿智 联创 聚能 安泰 "
    "涪江 富乐 子云 越王 芙蓉 蜀星 川远 巴蜀 锦程 鼎盛 鑫源 金诺 明德 嘉禾 弘毅 创亿 科瑞 立信 正邦 远航 "
    "九天 长鸿 新锐 华创 航宇 金桥 中睿 云帆 精诚 腾飞"
)
TRADE_WORDS_2 = _words(
    "智能 精密 微电 数创 云图 光耀 芯联 新能 智联 天成 同创 盛达 未来 银河 海纳 汇智 博通 益康 宇航 磐石 "
    "润泽 驰远 恒通 通达 华信 瑞祥 锐芯 致远 晟达 众合 长青 鸿运 卓辰 科讯 中天 泰和 凌云 启航 星火 兴业"
)
SURNAMES = _words(
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 "
    "董 袁 潘 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 钟 谭 廖 贾 夏 付 方 邹 熊 秦 邱 江 雷 侯 龙 文 向 苟"
)
GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉玲红志兵鑫宇浩然子涵晨阳欣怡思远俊杰雨婷丹梅林峰波斌"
)
ROADS = _words(
    "临园路 剑南路 绵兴路 涪城路 飞云大道 科创园路 九洲大道 跃进路 长虹大道 剑门路 火炬西街 绵州大道 "
    "三江大道 创新中心路 科技城大道 塘汛路 磨家路 园艺街 永兴路 青义路 仙鹤路 绵盐路 园区路 工业园路"
)
# Registered capital in 万元: common round amounts.
CAPITALS = [3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 800, 1000, 2000, 5000, 10000]
CAPITAL_WEIGHTS = [0.02, 0.05, 0.12, 0.06, 0.07, 0.17, 0.2, 0.08, 0.06, 0.07, 0.02, 0.04, 0.02, 0.01, 0.01]
FOUNDER_CATEGORIES = [
    ("", 0.70),
    (Enterprise.FounderCategory.GRADUATE, 0.08),
    (Enterprise.FounderCategory.RESEARCH_STAFF, 0.05),
    (Enterprise.FounderCategory.SOE_STAFF, 0.04),
    (Enterprise.FounderCategory.RETURNING_MIGRANT, 0.04),
    (Enterprise.FounderCategory.UNIVERSITY_TEACHER, 0.03),
    (Enterprise.FounderCategory.RETIREE, 0.02),
    (Enterprise.FounderCategory.PUBLIC_EMPLOYEE, 0.02),
    (Enterprise.FounderCategory.OTHER, 0.02),
]
STATUSES = [
    (Enterprise.Status.OPERATING, 0.92),
    (Enterprise.Status.CANCELLED, 0.05),
    (Enterprise.Status.REVOKED_LICENCE, 0.015),
    (Enterprise.Status.MOVED_OUT, 0.015),
]
INTRODUCED_SHARE = 0.08
ABNORMAL_SHARE = 0.025
DISHONEST_SHARE = 0.004
# Drawn among operating, compliant enterprises in unrestricted industries (about 2/3 of all): ~1.5% overall.
POOL_SHARE_OF_ELIGIBLE = 0.023

# --- Filings (评价申报) ------------------------------------------------------------------------
# Chance that an operating enterprise in an unrestricted industry files in a year (before the
# industry factor); cultivation-pool members file far more often; restricted industries never.
FILING_RATE = 0.030
FILING_RATE_POOL = 0.40
TECH_INDUSTRY_FACTOR = 1.6  # sections I and M, and tech manufacturing classes
OTHER_INDUSTRY_FACTOR = 0.55
TECH_SECTIONS = {"I", "M"}
TECH_PREFIXES = ("26", "27", "35", "37", "39", "40")
# Enterprises established since the plan's baseline file far more often, pushed by their district's
# campaign: the drive differs by district (by code; others NEW_FILING_DRIVE_DEFAULT), so the tech
# shares spread around the 10% target, some districts above it and some well below.
NEW_FILING_RATE = 0.36
NEW_FILING_DRIVE = {
    "ZGX": 1.7,  # 高新区
    "ZKJC": 1.5,  # 科技城新区
    "510703": 1.25,  # 涪城区
    "510704": 1.05,  # 游仙区
    "ZJK": 0.95,  # 经开区
    "510781": 0.85,  # 江油市
    "510705": 0.7,  # 安州区
    "510722": 0.6,  # 三台县
    "510725": 0.5,  # 梓潼县
    "510726": 0.45,  # 北川羌族自治县
    "510723": 0.4,  # 盐亭县
    "510727": 0.3,  # 平武县
}
NEW_FILING_DRIVE_DEFAULT = 0.8
REFILE_AFTER_REGISTRATION = 0.7  # registered last year: files again this year
HIGH_TECH_SHARE = 0.04  # claims the high-tech-certificate direct path
# The path of an eligible filing, by year (weights); ineligible ones stay drafts or are withdrawn.
CURRENT_YEAR_STATES = {
    "draft": 0.10,
    "submitted": 0.13,
    "returned": 0.06,
    "on_site_check": 0.08,
    "recommended": 0.10,
    "under_notice": 0.08,
    "registered": 0.33,
    "rejected": 0.06,
    "withdrawn": 0.06,
}
PREVIOUS_YEAR_STATES = {"draft": 0.04, "withdrawn": 0.06, "rejected": 0.10, "registered": 0.80}
INELIGIBLE_STATES = {"draft": 0.75, "withdrawn": 0.25}
RESUBMITTED_SHARE = 0.15  # of the filings past review: returned once, then resubmitted
FILING_OPENS = (1, 10)  # (month, day) the filing season opens
RETURN_COMMENTS = [
    ("rd_expense", "研发费用归集口径与财务报表不一致，请补充研发费用辅助账。"),
    ("tech_staff", "科技人员名单与社保缴纳记录不符，请核实后重新填报。"),
    ("sales_revenue", "销售收入与纳税申报表不一致，请核对。"),
    ("class2_ip", "部分知识产权证书未上传，请补充。"),
]
REJECT_REASONS = [
    "现场核查发现研发活动与申报内容不符。",
    "研发费用归集不符合规定，核减后综合评分不足60分。",
    "知识产权与主要产品（服务）无关，核减后不满足评价条件。",
]
ON_SITE_NOTES_PASSED = ["现场核查：研发场地、人员与申报一致。", "现场核查：财务资料齐全，研发项目真实。"]
ON_SITE_NOTES_FAILED = ["现场核查：未见实际研发场地和研发人员。"]

# --- Assistance (帮扶) -----------------------------------------------------------------------
AGREEMENT_RATE = 0.010  # of operating enterprises per year
# Department weights (by code) and how strongly each prefers new enterprises: 市科技局 mostly assists
# established firms (short of the 20% share), 市经信局 seeks out new ones (meets it).
DEPARTMENT_WEIGHTS = {"kjj": 0.22, "jxj": 0.20, "scjgj": 0.10, "swj": 0.10, "czj": 0.06, "rsj": 0.10, "jrj": 0.08}
DEPARTMENT_NEW_PREFERENCE = {"kjj": 0.15, "jxj": 4.0}
OTHER_DEPARTMENT_WEIGHT = 0.14
# Yearly task relative to the expected number of agreements (at least DEPARTMENT_TARGET_MIN).
DEPARTMENT_TARGET_FACTOR = {"kjj": 1.3, "jxj": 0.9, "scjgj": 1.1, "swj": 1.0, "czj": 1.2, "rsj": 0.8, "jrj": 1.0}
DEPARTMENT_TARGET_MIN = 20
DEPARTMENT_TARGET_MAX = 200
MEASURE_GOALS = {
    "policy": "落实研发费用加计扣除等惠企政策，完成科技型中小企业评价入库",
    "financing_guarantee_pool": "通过贷款风险补偿资金池获得信用贷款",
    "financing_scitech_bank": "对接科技银行，解决流动资金需求",
    "talent": "引进研发骨干，申报市级人才计划",
    "technology_ip": "新增授权专利，开展产学研合作",
    "matchmaking_large_enterprise": "进入龙头企业供应链，开展配套协作",
    "premises": "解决生产研发场地",
    "other": "协调解决企业生产经营中的其他困难",
}
ISSUES = [
    "希望协调解决厂房用电增容问题",
    "流动资金紧张，希望对接银行信用贷款",
    "研发人员招聘困难，希望给予人才政策支持",
    "不了解研发费用加计扣除申报流程",
    "专利申请费用较高，希望了解资助政策",
    "希望对接本地龙头企业采购需求",
    "园区道路施工影响物流运输",
]
RESOLUTIONS = [
    "已协调相关部门办理，问题已解决",
    "已组织政策宣讲并上门辅导",
    "已推荐至合作银行，贷款已发放",
    "已对接龙头企业并组织供需见面会",
]
FEEDBACK = ["服务及时，问题已解决，非常满意", "政策讲解清楚，满意", "问题仍在协调中，希望加快进度", "基本满意"]
SERVICE_RECORDS_PER_AGREEMENT = (1, 4)  # inclusive range
