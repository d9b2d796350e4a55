"""Phrases and sentence templates of the dedup benchmark's stories (written for it).

Names are real companies, markets and outlets' kinds of names; every sentence and figure is
made up here and means nothing. Figures are written the ways news writes them (万辆 with
one decimal, plain counts, percents, 亿元, 百分点) so that copies and hard negatives carry
numbers like real articles do.

Example:
    >>> rng = np.random.default_rng(1)
    >>> s = figure_sentence(rng, "比亚迪")
    >>> s.endswith("。") and any(ch.isdigit() for ch in s)
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Doc:
    """One article under construction: sentences per paragraph, title, script, outlet."""

    title: str
    paragraphs: list[list[str]]
    script: str = "hans"
    outlet: str = ""
    kind: str = "original"
    head: list[str] = field(default_factory=list)  # lines before the body (a dateline)

    def body(self) -> str:
        """The body text: paragraphs joined by line breaks."""
        return "\n".join([*self.head, *("".join(p) for p in self.paragraphs)])


COMPANIES = (
    "比亚迪", "奇瑞汽车", "吉利汽车", "长城汽车", "上汽集团", "长安汽车", "理想汽车", "蔚来",
    "小鹏汽车", "零跑汽车", "广汽埃安", "极氪", "小米汽车", "东风汽车", "北汽新能源", "江淮汽车",
    "赛力斯", "岚图汽车", "智己汽车", "深蓝汽车", "阿维塔", "腾势", "领克", "坦克品牌",
    "上汽通用五菱", "哪吒汽车", "一汽红旗", "广汽传祺", "长安启源", "极狐汽车", "地平线",
    "黑芝麻智能", "小马智行", "文远知行", "萝卜快跑", "如祺出行", "宁德时代", "国轩高科",
)  # fmt: skip
MARKETS = (
    "俄罗斯", "墨西哥", "阿联酋", "沙特阿拉伯", "巴西", "英国", "比利时", "澳大利亚", "泰国",
    "土耳其", "西班牙", "以色列", "智利", "哈萨克斯坦", "印度尼西亚", "马来西亚", "意大利",
    "法国", "德国", "越南", "菲律宾", "埃及", "南非", "秘鲁", "乌兹别克斯坦",
)  # fmt: skip
CITIES = (
    "北京", "上海", "广州", "深圳", "武汉", "重庆", "杭州", "合肥", "长沙", "成都", "西安",
    "苏州", "无锡", "鄂尔多斯", "阿布扎比", "迪拜", "新加坡", "卢森堡",
)  # fmt: skip
ORGS = ("乘联会", "中汽协", "海关总署", "工信部", "国家统计局", "一家第三方研究机构", "行业协会")
OUTLETS = (
    "汽车日报", "财经周刊", "科技快讯", "车市观察", "新能源汽车网", "经济参考", "产业观察",
    "出行周刊", "智能车评", "汽车商业评论", "电动汽车时报", "南方车讯", "北方财经",
    "环球车讯", "每日车闻", "资本车道", "汽车之窗", "第一车网", "汽车产经", "证券车评",
)  # fmt: skip
PRODUCTS = ("纯电轿车", "插混SUV", "增程式SUV", "紧凑型轿车", "MPV", "皮卡", "小型电动车")
METRICS = ("销量", "交付量", "出口量", "海外销量", "产量", "批发销量", "零售销量")
TITLE_PREFIXES = ("", "快讯：", "【汽车】", "重磅！", "独家｜", "最新：")
TITLE_SUFFIXES = ("", "（附数据）", "，业内怎么看？", "｜图解", "！")
UPDATE_PREFIXES = ("更新：", "最新消息，", "截至发稿时，", "另据了解，", "")
FILLER_CHARS = tuple("的了在是和也有这就都而及与对将被从把让向")
NOTICES = (
    "免责声明：本文仅代表作者个人观点，与本网站无关，不构成任何投资建议。",
    "本文来源于网络，版权归原作者所有，如有侵权请联系删除。",
    "关注我们，第一时间获取汽车行业最新资讯和新车上市信息。",
    "未经授权，禁止转载。转载请联系本站编辑部获取授权。",
    "责任编辑：李文　审核：周亮",
    "点击下方链接预约试驾，填写信息即可领取购车优惠。",
)

SUBJECTS = (
    "业内人士", "分析师", "多家经销商", "公司管理层", "行业协会人士", "一位供应商负责人",
    "海外经销商", "券商研究员", "一位不愿具名的高管", "市场调研机构", "部分车主", "专家",
)  # fmt: skip
VERBS = ("认为", "表示", "指出", "提醒", "透露", "预计", "坦言", "分析称")
CLAUSES = (
    "价格战短期内不会结束", "海外市场的本地化生产将成为关键", "电池成本下降为车企让利提供了空间",
    "渠道库存已经回到合理水平", "年底冲量的压力比往年更大", "新车型的订单转化率有所提高",
    "欧洲市场的政策变化带来了不确定性", "智能驾驶功能正在成为购车的重要考量",
    "二三线城市的需求恢复较快", "出口物流的运力依然偏紧", "滚装船的运价出现回落",
    "芯片供应已经基本稳定", "高阶辅助驾驶的渗透率还会继续提高", "换电模式的推广仍需时间",
    "充电网络的建设跟不上销量的增长", "插混车型的增速快于纯电车型", "车企的利润率普遍承压",
    "合资品牌的份额继续下滑", "自主品牌在中高端市场的突破值得关注", "消费者更看重售后和残值",
    "以旧换新政策对销量的拉动明显", "部分地区的补贴已经用完", "明年的竞争格局可能出现变化",
    "整车出口正在从数量增长转向质量提升", "海外建厂的成本和风险都不小",
    "新势力品牌的分化越来越明显", "供应链的账期问题仍未解决", "软件收入占比还很低",
    "城市领航功能的开通范围在扩大", "无人驾驶出租车的运营区域正在扩大",
    "安全员撤除后的单车成本明显下降", "一些城市开放了机场和高铁站的接驳服务",
    "固态电池的量产时间表仍不明朗", "原材料价格的波动已经趋于平缓", "二手车出口是新的增长点",
    "中东和拉美市场的增量最为明显", "东南亚市场的竞争日趋激烈", "俄罗斯市场的需求有所放缓",
    "关税调整可能影响明年的出口节奏", "汇率波动会影响出口企业的利润",
)  # fmt: skip
CONNECTORS = ("同时", "不过", "此外", "但", "而且", "因此", "与此同时", "另一方面")


def pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    """One option, uniformly."""
    return options[int(rng.integers(len(options)))]


def _wan(rng: np.random.Generator, lo: float, hi: float) -> str:
    return f"{rng.uniform(lo, hi):.1f}万辆"


def _count(rng: np.random.Generator, lo: int, hi: int) -> str:
    return f"{int(rng.integers(lo, hi))}辆"


def _pct(rng: np.random.Generator, lo: float = 1, hi: float = 80) -> str:
    return f"{rng.uniform(lo, hi):.1f}%"


def _month(rng: np.random.Generator) -> int:
    return int(rng.integers(1, 13))


def figure_sentence(rng: np.random.Generator, subject: str) -> str:
    """One sentence with one to three figures about ``subject`` (a company)."""
    m, market, city = _month(rng), pick(rng, MARKETS), pick(rng, CITIES)
    metric, product, org = pick(rng, METRICS), pick(rng, PRODUCTS), pick(rng, ORGS)
    options = (
        f"{subject}{m}月{metric}达到{_count(rng, 3000, 400000)}，同比增长{_pct(rng)}。",
        f"今年前{m}个月，{subject}累计{metric}{_wan(rng, 1, 300)}，"
        f"完成全年目标的{_pct(rng, 40, 99)}。",
        f"在{market}市场，{subject}的份额升至{_pct(rng, 1, 30)}，"
        f"较去年提高{rng.uniform(0.2, 6):.1f}个百分点。",
        f"{subject}向{market}出口{product}{_count(rng, 500, 60000)}，环比增长{_pct(rng)}。",
        f"{subject}计划投资{int(rng.integers(5, 300))}亿元在{city}建设新工厂，"
        f"设计年产能{int(rng.integers(5, 50))}万辆。",
        f"{subject}第{int(rng.integers(1, 5))}季度营收{rng.uniform(10, 2000):.1f}亿元，"
        f"毛利率为{_pct(rng, 5, 30)}。",
        f"{subject}在{city}投放的无人驾驶车辆已超过{int(rng.integers(50, 2000))}辆，"
        f"累计服务{rng.uniform(1, 900):.1f}万人次。",
        f"{subject}旗下{product}的起售价下调至{rng.uniform(6, 40):.2f}万元，"
        f"降幅约{_pct(rng, 2, 20)}。",
        f"据{org}统计，{m}月{subject}的新能源车渗透率为{_pct(rng, 20, 95)}。",
        f"{subject}的海外门店数量增至{int(rng.integers(30, 1500))}家，"
        f"覆盖{int(rng.integers(5, 90))}个国家和地区。",
    )
    return pick(rng, options)


TOPICS = (
    "价格战", "本地化生产", "电池成本", "渠道库存", "年底冲量", "订单转化率", "政策环境",
    "智能驾驶功能", "下沉市场需求", "出口物流", "滚装船运价", "芯片供应", "高阶辅助驾驶",
    "换电网络", "充电设施", "插混车型", "利润率", "合资品牌份额", "中高端市场", "售后服务",
    "以旧换新政策", "地方补贴", "竞争格局", "海外建厂", "新势力阵营", "供应商账期", "软件收入",
    "城市领航功能", "无人驾驶出租车业务", "安全员配置", "机场接驳服务", "固态电池", "原材料价格",
    "二手车出口", "关税安排", "汇率", "经销商信心", "试驾预约", "线上订单", "车机系统",
    "平台化开发", "研发投入", "人才招聘", "品牌传播", "用户口碑",
)  # fmt: skip
PREDICATES = (
    "短期内不会明显改善", "正在成为新的变量", "仍然存在较大的不确定性", "已经回到合理区间",
    "比往年更受关注", "明显好于预期", "出现了分化", "开始拖累整体表现", "成为车企比拼的重点",
    "还需要更长时间验证", "带来的影响正在显现", "有望在明年继续改善", "压力依然不小",
    "暂时看不到拐点", "正在逐步恢复", "需要更多政策支持", "面临新的挑战", "已经基本稳定",
    "变化速度超出预期", "决定了下一阶段的走势", "受到资本市场的追捧", "成为消费者关心的问题",
    "正在被重新评估", "显示出较强的韧性", "进入了调整期",
)  # fmt: skip
TIMES = (
    "", "今年以来，", "近期，", "进入四季度后，", "上周，", "从年初开始，", "最近两个月，",
    "在刚刚结束的车展上，", "春节前后，", "截至目前，",
)  # fmt: skip


def _clause(rng: np.random.Generator) -> str:
    if rng.random() < 0.3:
        return pick(rng, CLAUSES)
    place = pick(rng, (*MARKETS, *CITIES)) + "的" if rng.random() < 0.35 else ""
    return f"{place}{pick(rng, TOPICS)}{pick(rng, PREDICATES)}"


def commentary(rng: np.random.Generator) -> str:
    """One commentary sentence: a time, a speaker, a verb, one or two clauses."""
    speaker = pick(rng, SUBJECTS)
    if rng.random() < 0.3:
        role = pick(rng, ("一位高管", "负责人", "工程师", "销售总监"))
        speaker = f"{pick(rng, COMPANIES)}的{role}"
    first = f"{pick(rng, TIMES)}{speaker}{pick(rng, VERBS)}，{_clause(rng)}"
    if rng.random() < 0.6:
        first += f"，{pick(rng, CONNECTORS)}{_clause(rng)}"
    return first + "。"


def title(rng: np.random.Generator, subject: str) -> str:
    """A headline about ``subject``."""
    return pick(
        rng,
        (
            f"{subject}{_month(rng)}月成绩单出炉",
            f"{subject}海外业务再提速",
            f"{subject}发布最新经营数据",
            f"{pick(rng, MARKETS)}市场：{subject}的新机会",
            f"{subject}{pick(rng, METRICS)}创新高",
        ),
    )


def dateline(rng: np.random.Generator) -> str:
    """A dateline/byline line a reprinting outlet puts before the body."""
    name = pick(rng, ("王明", "李华", "陈静", "赵磊", "孙悦", "周航"))
    return pick(
        rng,
        (
            f"本报讯（记者 {name}）",
            f"【{pick(rng, OUTLETS)}】",
            f"{pick(rng, CITIES)}电 记者{name}报道",
            f"文｜{name}　编辑｜{pick(rng, ('小周', '老李', '阿青'))}",
        ),
    )


# ---------------------------------------------------------------------------------------------
# Hard negatives
# ---------------------------------------------------------------------------------------------
def _brief_head(rng: np.random.Generator, variant: int, m: int, org: str, what: str) -> str:
    total, growth = rng.uniform(15, 70), rng.uniform(-10, 60)
    nev = total * rng.uniform(0.2, 0.6)
    share = nev / total * 100
    forms = (
        f"2025年{m}月，全国{what}{total:.1f}万辆，同比增长{growth:.1f}%，"
        f"其中新能源车型{nev:.1f}万辆，占比{share:.1f}%。",
        f"据{org}统计，{m}月{what}为{total:.1f}万辆，同比增长{growth:.1f}%；"
        f"新能源车型{nev:.1f}万辆，占比达到{share:.1f}%。",
        f"{m}月{what}{total:.1f}万辆，较上年同期增长{growth:.1f}%，新能源车型贡献{nev:.1f}万辆。",
    )
    return forms[variant]


def template_briefs(rng: np.random.Generator) -> list[Doc]:
    """Monthly briefs of one template: fixed commentary, each month its own figures."""
    org = pick(rng, ORGS)
    what = pick(rng, ("乘用车出口", "汽车出口", "乘用车零售", "乘用车批发", "汽车产量"))
    comment = [[commentary(rng) for _ in range(int(rng.integers(2, 4)))] for _ in range(2)]
    main = int(rng.integers(3))
    first = int(rng.integers(1, 6))
    docs = []
    for m in range(first, min(13, first + int(rng.integers(6, 13)))):
        variant = main if rng.random() < 0.8 else int(rng.integers(3))
        head = _brief_head(rng, variant, m, org, what)
        docs.append(Doc(title=f"{org}：{m}月{what}数据发布", paragraphs=[[head], *comment]))
    return docs


def company_months(rng: np.random.Generator) -> tuple[list[Doc], str]:
    """A company's releases of consecutive months: one about-paragraph, new figures each."""
    company = pick(rng, COMPANIES)
    about = [
        f"关于{company}：公司成立于{int(rng.integers(1990, 2020))}年，总部位于{pick(rng, CITIES)}，"
        f"业务覆盖{int(rng.integers(20, 90))}个国家和地区。",
        commentary(rng),
    ]
    cumulative, docs = 0, []
    first = int(rng.integers(1, 7))
    for m in range(first, first + 6):
        sold, overseas = int(rng.integers(5000, 300000)), int(rng.integers(300, 40000))
        cumulative += sold
        head = (
            f"{company}发布{m}月产销快报：当月销售新车{sold}辆，同比增长{_pct(rng, 1, 90)}，"
            f"其中海外销售{overseas}辆。1-{m}月累计销量{cumulative}辆。"
        )
        docs.append(Doc(title=f"{company}{m}月产销快报", paragraphs=[[head], about]))
    return docs, company


def two_outlets(rng: np.random.Generator) -> tuple[list[Doc], str]:
    """One event told by two outlets: the same figures, a quoted sentence, their own words."""
    company, m, market = pick(rng, COMPANIES), _month(rng), pick(rng, MARKETS)
    sold, growth, overseas = (
        int(rng.integers(5000, 300000)),
        _pct(rng),
        int(rng.integers(500, 40000)),
    )
    quote = f"公司在公告中称，{m}月海外销量为{overseas}辆，主要来自{market}等市场。"
    leads = (
        f"{company}{m}月交付新车{sold}辆，同比增长{growth}。",
        f"记者从{company}获悉，该公司上月共卖出{sold}辆车，增幅为{growth}。",
        f"{m}月，{company}的销量达到{sold}辆，比去年同期多出{growth}。",
    )
    first, second = rng.choice(len(leads), size=2, replace=False).tolist()
    docs = []
    for lead in (leads[first], leads[second]):
        paras = [[lead, quote], *[[commentary(rng) for _ in range(3)] for _ in range(2)]]
        docs.append(Doc(title=title(rng, company), paragraphs=paras, outlet=pick(rng, OUTLETS)))
    return docs, company
