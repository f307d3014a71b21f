"""Deterministic demo data for the whole city (``manage.py seed_demo``), also used by the benchmarks.

Design:
- Enterprises are generated in fixed chunks of ``CHUNK`` rows. Chunk k always draws from its own
  random stream ``rng_for(seed, "enterprises", k)`` and always draws a full chunk before being cut
  to the requested size, so the enterprise at index i is the same whatever N is: reseeding with the
  same N adds nothing, a larger N adds only the missing indices.
- The credit code of index i is unique per seed (a bijective scramble of i in the organisation
  part), so it is the idempotency key (``ON CONFLICT DO NOTHING`` on ``credit_code``).
- Memory stays flat: one chunk is generated, inserted and dropped at a time. Each chunk costs a
  fixed number of queries (look up the codes already present, one insert).
- Later features (filings, agreements) add a step to ``seed_demo`` that draws from its own stream
  (``rng_for(seed, "filings", k)``), so adding them does not change the enterprises.
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import Department, DepartmentMembership
from enterprises.creditcode import ALPHABET, with_check_character
from enterprises.models import District, Enterprise, EnterpriseMembership, IndustryCluster, OfficialMembership


def _words(text: str) -> list[str]:
    return text.split()


CHUNK = 5000  # generation and insert batch; fixed, because the data of index i depends on it
DEFAULT_ENTERPRISES = 5000
DEFAULT_SEED = 2026
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose: demo logins for a local portal

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
RESTRICTED_SECTIONS = {"F", "H", "K", "L"}
RESTRICTED_PREFIXES = ("16", "90")  # tobacco; entertainment
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

# Organisation part of the credit code: "MA6" + 6 scrambled base-31 digits of the index.
_ORG_SPACE = 31**6
_ORG_MULTIPLIER = 7_368_787  # not a multiple of 31, so index -> org number is a bijection
_ALPHABET_ARRAY = np.array(list(ALPHABET))


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


@dataclass
class SeedResult:
    enterprises_requested: int
    seed: int
    created: dict[str, int] = field(default_factory=dict)  # per kind: "enterprises", "users", later "filings"…
    logins: list[DemoLogin] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def enterprises_created(self) -> int:
        return self.created.get("enterprises", 0)


@dataclass(frozen=True)
class SeedContext:
    """What every generation step needs: the seed, the date, the reference data as arrays."""

    seed: int
    today: dt.date
    now: dt.datetime
    district_ids: np.ndarray
    district_codes: list[str]
    district_names: list[str]
    district_kinds: list[str]
    district_weights: np.ndarray
    cluster_of_industry: list[int | None]

    @classmethod
    def load(cls, *, seed: int) -> SeedContext:
        districts = list(District.objects.order_by("sort_order", "code").values_list("id", "code", "name", "kind"))
        if not districts:
            raise ValueError(_("没有区县数据：请先运行 load_reference_data。"))
        clusters = list(IndustryCluster.objects.values_list("id", "industry_prefixes"))
        weights = np.array([DISTRICT_WEIGHTS.get(code, 0.02) for _id, code, _name, _kind in districts])
        return cls(
            seed=seed,
            today=timezone.localdate(),
            now=timezone.now(),
            district_ids=np.array([row[0] for row in districts]),
            district_codes=[row[1] for row in districts],
            district_names=[row[2] for row in districts],
            district_kinds=[row[3] for row in districts],
            district_weights=weights / weights.sum(),
            cluster_of_industry=[_cluster_for(code, section, clusters) for code, section, *_rest in INDUSTRIES],
        )

    def district_index(self, code: str) -> int | None:
        return self.district_codes.index(code) if code in self.district_codes else None


def _cluster_for(code: str, section: str, clusters: list[tuple[int, list[str]]]) -> int | None:
    """The cluster whose longest prefix matches the industry code (a prefix may be a section letter)."""
    best, best_length = None, 0
    for cluster_id, prefixes in clusters:
        for prefix in prefixes:
            matches = prefix == section if prefix.isalpha() else code.startswith(prefix)
            if matches and len(prefix) > best_length:
                best, best_length = cluster_id, len(prefix)
    return best


def rng_for(seed: int, stream: str, chunk: int) -> np.random.Generator:
    """An independent, reproducible random stream per (seed, kind of data, chunk)."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode()), chunk])


def _choice(rng: np.random.Generator, size: int, weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def org_codes(seed: int, indices: np.ndarray) -> list[str]:
    """The 9-character organisation part for each index: unique per seed."""
    offset = (seed * 2_654_435_761) % _ORG_SPACE
    numbers = (indices.astype(np.int64) * _ORG_MULTIPLIER + offset) % _ORG_SPACE
    digits = np.empty((len(indices), 6), dtype=np.int64)
    for position in range(5, -1, -1):
        numbers, digits[:, position] = np.divmod(numbers, 31)
    chars = _ALPHABET_ARRAY[digits]
    return ["MA6" + "".join(row) for row in chars]


def _strings(values) -> np.ndarray:
    return np.array(values, dtype=object)


def generate_enterprise_chunk(ctx: SeedContext, chunk: int, *, size: int = CHUNK) -> list[Enterprise]:
    """Unsaved enterprises for indices chunk*CHUNK … chunk*CHUNK+size-1 (the same data whatever size is)."""
    rng = rng_for(ctx.seed, "enterprises", chunk)
    n = CHUNK  # always draw a full chunk, then cut: the data of index i never depends on N
    draw = {
        "district": _choice(rng, n, ctx.district_weights),
        "industry": _choice(rng, n, [row[4] for row in INDUSTRIES]),
        "host": rng.random(n),
        "etype": _choice(rng, n, [row[2] for row in ENTERPRISE_TYPES]),
        "prefix": _choice(rng, n, CITY_NAME_PREFIX_WEIGHTS),
        "local_prefix": rng.random(n) < 0.5,
        "word1": rng.integers(len(TRADE_WORDS_1), size=n),
        "word2": rng.integers(len(TRADE_WORDS_2), size=n),
        "trade": rng.random(n),
        "surname": _choice(rng, n, 1.0 / (np.arange(len(SURNAMES)) + 4)),
        "given1": rng.integers(len(GIVEN_CHARS), size=n),
        "given2": rng.integers(len(GIVEN_CHARS), size=n),
        "given_two": rng.random(n) < 0.7,
        "road": rng.integers(len(ROADS), size=n),
        "house": rng.integers(1, 300, size=n),
        "capital": np.asarray(CAPITALS)[_choice(rng, n, CAPITAL_WEIGHTS)] * 100,  # in 0.01 万元
        "odd_capital": rng.random(n) < 0.1,
        "lognormal_capital": np.round(rng.lognormal(np.log(150), 1.0, n) * 100),
        "when": rng.random(n),
        "introduced": rng.random(n) < INTRODUCED_SHARE,
        "introduced_after": rng.random(n),
        "founder": _choice(rng, n, [row[1] for row in FOUNDER_CATEGORIES]),
        "military": rng.random(n),
        "status": _choice(rng, n, [row[1] for row in STATUSES]),
        "abnormal": rng.random(n) < ABNORMAL_SHARE,
        "dishonest": rng.random(n) < DISHONEST_SHARE,
        "pool": rng.random(n),
    }
    # Cut to the requested size; everything below is derived without further random draws.
    d = {key: values[:size].copy() for key, values in draw.items()}
    indices = np.arange(chunk * CHUNK, chunk * CHUNK + size)
    if chunk == 0 and size:
        # Index 0 is the demo enterprise user's company: an operating software firm in 涪城区.
        flagship = ctx.district_index(FLAGSHIP_DISTRICT_CODE)
        if flagship is not None:
            d["district"][0] = flagship
        d["industry"][0], d["status"][0], d["abnormal"][0], d["dishonest"][0] = 0, 0, False, False
    district, industry = d["district"], d["industry"]

    # Where: managing district; registered district and registering authority (a zone's is the city's).
    area = _strings(
        [
            CITY_CODE if kind == District.Kind.ZONE else code
            for code, kind in zip(ctx.district_codes, ctx.district_kinds, strict=True)
        ]
    )[district]
    authority = _strings(
        [_authority(name, kind) for name, kind in zip(ctx.district_names, ctx.district_kinds, strict=True)]
    )[district]
    registered = ctx.district_ids[district].astype(object)
    for zone, code in enumerate(ctx.district_codes):
        rows = district == zone
        if ctx.district_kinds[zone] == District.Kind.ZONE and rows.any():
            hosts = [ctx.district_ids[i] for i in map(ctx.district_index, ZONE_HOSTS.get(code, [])) if i is not None]
            picks = (d["host"][rows] * max(len(hosts), 1)).astype(int)
            registered[rows] = [int(hosts[p]) if hosts else None for p in picks]
    district_names = _strings(ctx.district_names)[district]

    # Who: names and legal representatives.
    local = d["local_prefix"] & np.array([kind in LOCAL_PREFIX_KINDS for kind in ctx.district_kinds])[district]
    prefix = np.where(local, district_names, _strings(CITY_NAME_PREFIXES)[d["prefix"]])
    trade = _strings(
        [
            words[int(pick * len(words))]
            for words, pick in zip((INDUSTRIES[i][3] for i in industry), d["trade"], strict=True)
        ]
    )
    legal_form = _strings([row[1] for row in ENTERPRISE_TYPES])[d["etype"]]
    names = prefix + _strings(TRADE_WORDS_1)[d["word1"]] + _strings(TRADE_WORDS_2)[d["word2"]] + trade + legal_form
    given_chars = _strings(GIVEN_CHARS)
    representatives = (
        _strings(SURNAMES)[d["surname"]]
        + given_chars[d["given1"]]
        + np.where(d["given_two"], given_chars[d["given2"]], "")
    )
    addresses = (
        f"四川省{CITY_NAME}"
        + district_names
        + _strings(ROADS)[d["road"]]
        + d["house"].astype(str).astype(object)
        + "号"
    )

    # When: density of establishment grows about 3x from 2015 to today (inverse CDF of e^(k t) on [0, 1)).
    k = np.log(3.0)
    when = np.log1p(d["when"] * (np.exp(k) - 1)) / k
    span = (ctx.today - FIRST_DAY).days + 1
    established = np.datetime64(FIRST_DAY) + np.floor(when * span).astype("timedelta64[D]")
    days_since = (np.datetime64(ctx.today) - established).astype(np.int64)
    window = np.minimum(days_since, 3 * 365) + 1
    introduced_on = established + np.floor(d["introduced_after"] * window).astype("timedelta64[D]")
    recent = established >= np.datetime64(dt.date(ctx.today.year - 2, 1, 1))
    origin = np.where(
        d["introduced"],
        Enterprise.Origin.INTRODUCED.value,
        np.where(recent, Enterprise.Origin.NEW.value, Enterprise.Origin.EXISTING.value),
    ).astype(object)

    # What: industry, flags, status, cultivation pool.
    restricted = np.array(
        [row[1] in RESTRICTED_SECTIONS or row[0].startswith(RESTRICTED_PREFIXES) for row in INDUSTRIES]
    )[industry]
    military_prone = np.array([row[0].startswith(MILITARY_PREFIXES) for row in INDUSTRIES])[industry]
    military = d["military"] < np.where(military_prone, 0.10, 0.015)
    status = _strings([row[0].value for row in STATUSES])[d["status"]]
    abnormal = d["abnormal"] | (status == Enterprise.Status.REVOKED_LICENCE.value)
    dishonest = d["dishonest"]
    pool = (status == Enterprise.Status.OPERATING.value) & ~abnormal & ~dishonest & ~restricted
    pool &= d["pool"] < POOL_SHARE_OF_ELIGIBLE
    if chunk == 0 and size:
        pool[0] = True
    capital = np.where(d["odd_capital"], d["lognormal_capital"], d["capital"]).astype(np.int64)

    organisation = org_codes(ctx.seed, indices)
    columns = {  # Enterprise attribute -> one value per row
        "credit_code": [with_check_character(f"91{a}{o}") for a, o in zip(area, organisation, strict=True)],
        "name": names.tolist(),
        "legal_representative": representatives.tolist(),
        "established_on": established.tolist(),
        "registered_capital": [Decimal(cents).scaleb(-2) for cents in capital.tolist()],
        "enterprise_type": _strings([row[0] for row in ENTERPRISE_TYPES])[d["etype"]].tolist(),
        "address": addresses.tolist(),
        "registration_authority": authority.tolist(),
        "industry_code": _strings([row[0] for row in INDUSTRIES])[industry].tolist(),
        "industry_section": _strings([row[1] for row in INDUSTRIES])[industry].tolist(),
        "industry_name": _strings([row[2] for row in INDUSTRIES])[industry].tolist(),
        "cluster_id": _strings(ctx.cluster_of_industry)[industry].tolist(),
        "registered_district_id": registered.tolist(),
        "managing_district_id": ctx.district_ids[district].tolist(),
        "origin": origin.tolist(),
        "introduced_on": np.where(d["introduced"], introduced_on.astype(object), None).tolist(),
        "founder_category": _strings([row[0] for row in FOUNDER_CATEGORIES])[d["founder"]].tolist(),
        "military_civilian": military.tolist(),
        "status": status.tolist(),
        "on_abnormal_list": abnormal.tolist(),
        "seriously_dishonest": dishonest.tolist(),
        "in_cultivation_pool": pool.tolist(),
    }
    constant = {"confirmed": True, "created_at": ctx.now, "updated_at": ctx.now}
    keys = list(columns)
    return [
        Enterprise(**dict(zip(keys, values, strict=True)), **constant) for values in zip(*columns.values(), strict=True)
    ]


def _authority(district_name: str, kind: str) -> str:
    if kind == District.Kind.ZONE:
        return f"{CITY_NAME}市场监督管理局"
    if kind == District.Kind.DISTRICT:
        return f"{CITY_NAME}{district_name}市场监督管理局"
    return f"{district_name}市场监督管理局"


def _insert_enterprises(enterprises: list[Enterprise]) -> None:
    """One statement per batch, skipping codes that already exist."""
    if connection.vendor == "sqlite":
        # Django splits SQLite bulk inserts into 999-parameter statements (~35 rows each); one
        # prepared statement run over all rows is faster and keeps the query count fixed.
        fields = [f for f in Enterprise._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = (
            f"INSERT INTO {quote(Enterprise._meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
            f"ON CONFLICT ({quote('credit_code')}) DO NOTHING"
        )
        rows = [tuple(f.get_db_prep_save(getattr(e, f.attname), connection) for f in fields) for e in enterprises]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    else:
        Enterprise.objects.bulk_create(enterprises, batch_size=len(enterprises) or None, ignore_conflicts=True)


def seed_enterprises(ctx: SeedContext, *, enterprises: int, stdout: TextIO | None = None) -> int:
    """Insert the enterprises of indices 0 … enterprises-1 that are missing; returns how many were created."""
    created = 0
    chunks = (enterprises + CHUNK - 1) // CHUNK
    for chunk in range(chunks):
        size = min(CHUNK, enterprises - chunk * CHUNK)
        batch = generate_enterprise_chunk(ctx, chunk, size=size)
        with transaction.atomic():
            existing = set(
                Enterprise.objects.filter(credit_code__in=[e.credit_code for e in batch]).values_list(
                    "credit_code", flat=True
                )
            )
            missing = [e for e in batch if e.credit_code not in existing]
            if missing:
                _insert_enterprises(missing)
        created += len(missing)
        del batch, missing
        if settings.DEBUG and not connection.force_debug_cursor:
            reset_queries()  # with DEBUG on, Django keeps every statement: keep memory flat
        if stdout is not None and (chunk + 1) % 20 == 0:
            stdout.write(_("已处理 {done} / {total} 家企业").format(done=(chunk + 1) * CHUNK, total=enterprises) + "\n")
    return created


def flagship_credit_code(ctx: SeedContext) -> str:
    """The credit code of index 0 (in 涪城区), the company of the demo enterprise user."""
    return generate_enterprise_chunk(ctx, 0, size=1)[0].credit_code


def demo_scopes() -> tuple[District, District, Department, Department]:
    """涪城区, 高新区, 市科技局 and 市经信局: the scopes of the demo logins (ValueError when missing)."""
    districts = {d.code: d for d in District.objects.filter(code__in=[FLAGSHIP_DISTRICT_CODE, "ZGX"])}
    departments = {d.code: d for d in Department.objects.filter(code__in=["kjj", "jxj"])}
    if len(districts) < 2 or len(departments) < 2:
        raise ValueError(_("参考数据不完整：缺少涪城区、高新区、市科技局或市经信局。"))
    return districts[FLAGSHIP_DISTRICT_CODE], districts["ZGX"], departments["kjj"], departments["jxj"]


def seed_users(ctx: SeedContext, *, scopes: tuple | None = None) -> tuple[int, list[DemoLogin]]:
    """One demo login per role, all with DEMO_PASSWORD, in a fixed number of queries.

    Missing users are created; existing ones keep their password. Memberships are upserted, so a
    rerun points every login back at its demo scope.
    """
    user_model = get_user_model()
    fucheng, gaoxin, kjj, jxj = scopes or demo_scopes()
    enterprise = Enterprise.objects.get(credit_code=flagship_credit_code(ctx))
    plan = [
        ("city", _("市级管理人员（全市）")),
        ("fucheng", _("区县管理人员（{name}）").format(name=fucheng.name)),
        ("gaoxin", _("区县管理人员（{name}）").format(name=gaoxin.name)),
        ("kjj", _("部门用户（{name}）").format(name=kjj.name)),
        ("jxj", _("部门用户（{name}）").format(name=jxj.name)),
        ("enterprise", _("企业用户（{name}）").format(name=enterprise.name)),
        ("admin", _("系统管理员")),
    ]
    usernames = [username for username, _role in plan]
    with transaction.atomic():
        existing = set(user_model.objects.filter(username__in=usernames).values_list("username", flat=True))
        missing = [username for username in usernames if username not in existing]
        if missing:
            password = make_password(DEMO_PASSWORD)  # hashed once: it is the slow part
            user_model.objects.bulk_create(
                [
                    user_model(
                        username=username,
                        email=f"{username}@demo.smeportal.local",
                        password=password,
                        is_staff=username == "admin",
                        is_superuser=username == "admin",
                    )
                    for username in missing
                ],
                ignore_conflicts=True,
            )
        users = {user.username: user for user in user_model.objects.filter(username__in=usernames)}
        OfficialMembership.objects.bulk_create(
            [
                OfficialMembership(user=users["city"], district=None),
                OfficialMembership(user=users["fucheng"], district=fucheng),
                OfficialMembership(user=users["gaoxin"], district=gaoxin),
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["district"],
        )
        DepartmentMembership.objects.bulk_create(
            [
                DepartmentMembership(user=users["kjj"], department=kjj),
                DepartmentMembership(user=users["jxj"], department=jxj),
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["department"],
        )
        EnterpriseMembership.objects.bulk_create(
            [
                EnterpriseMembership(
                    user=users["enterprise"],
                    enterprise=enterprise,
                    contact_name=enterprise.legal_representative,
                    contact_phone="0816-2345678",
                )
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["enterprise"],
        )
    return len(missing), [DemoLogin(username, DEMO_PASSWORD, role) for username, role in plan]


def seed_demo(
    *, enterprises: int = DEFAULT_ENTERPRISES, seed: int = DEFAULT_SEED, stdout: TextIO | None = None
) -> SeedResult:
    """Seed enterprises 0 … enterprises-1 and the demo users; idempotent for the same seed."""
    if enterprises < 1:
        raise ValueError(_("企业数量至少为 1。"))
    if enterprises > _ORG_SPACE:
        raise ValueError(_("企业数量过大。"))
    started = time.perf_counter()
    ctx = SeedContext.load(seed=seed)
    scopes = demo_scopes()  # fail before writing anything when the reference data lacks a demo scope
    result = SeedResult(enterprises_requested=enterprises, seed=seed)
    result.created["enterprises"] = seed_enterprises(ctx, enterprises=enterprises, stdout=stdout)
    result.created["users"], result.logins = seed_users(ctx, scopes=scopes)
    result.seconds = time.perf_counter() - started
    return result
