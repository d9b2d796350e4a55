"""Texts for the figure cases of issue 15, written for these tests (not from any article).

Shared by ``tests/dedup/test_figures.py`` (what stage 02 decides) and
``tests/facts/test_selection.py`` (every figure reaches ``facts``).
"""

from __future__ import annotations

COMMENTARY = (
    "从结构看，新能源车型在出口中的比重继续上升，插电混动车型的增速快于纯电车型。"
    "多家车企表示，欧洲市场的关税调整带来了不确定性，企业正在加快在当地建厂的步伐。\n"
    "业内人士认为，海外市场的竞争将从价格转向品牌和服务，售后网络的建设决定了后续的增长空间。"
    "分析机构提醒，汇率波动和航运成本仍是影响出口节奏的两个主要变量。"
)


def monthly_brief(month: int) -> tuple[str, tuple[float, float, float]]:
    """One brief of a monthly template: its body and (exports, growth %, NEV exports)."""
    exports, growth, nev = round(30 + month * 1.3, 1), 5.0 + month, round(10 + month * 0.7, 1)
    head = (
        f"2025年{month}月，全国乘用车出口{exports:g}万辆，同比增长{growth:g}%，"
        f"其中新能源乘用车出口{nev:g}万辆。"
    )
    return head + "\n" + COMMENTARY, (exports * 1e4, growth, nev * 1e4)


STORY = (
    "理想汽车公布了十一月的交付数据，当月交付新车4.8万辆，连续三个月保持增长。\n"
    "公司表示，新车型的产能爬坡进展顺利，北方工厂的第二条生产线已经投入使用。"
    "管理层在电话会上提到，门店数量还会继续增加，重点放在三四线城市。\n"
    "在海外业务方面，公司计划明年进入中东和中亚市场，首批车辆将通过铁路运输。\n"
    "对于价格竞争，公司高管表示不会跟进降价，而是通过增加配置和延长质保来回应。"
    "有经销商反映，年底前的订单比去年同期更多，部分车型需要等待四到六周才能提车。"
)
UPDATE_PARAGRAPH = "更新：公司随后补充披露，当月出口汽车1260辆，主要发往中亚。"
OTHER_UPDATE_PARAGRAPH = "另据公司公告，截至月底理想汽车累计交付量突破130万辆。"
LAST_PARAGRAPH = "据统计，理想汽车今年前十一个月累计交付新车36.2万辆，同比增长21.5%。"
# A paragraph a reprinting site adds that is no boilerplate (a reader's digest of other news).
RELATED = (
    "延伸阅读：多地出台了新的充电设施建设规划，社区充电桩的安装流程被简化，"
    "物业不得无故阻挠业主安装。"
)
