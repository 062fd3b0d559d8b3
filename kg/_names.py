"""The vocabulary and the token walk behind name patterns (private to ``kg.entities``).

Suffix tables, stop and generic words, jieba's part-of-speech dictionary, and
``_walk_left``: from a name's last token back to where the name starts.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["SEGMENTATION_WORDS", "suffix_type"]

# --------------------------------------------------------------------------- suffixes

#: Name suffixes and the type they give, longest first within a type.
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "Agency": (
        "联席会议", "委员会", "办公厅", "办公室", "建议提案处", "代表工作处", "提案办",
        "科委", "经信委", "发改委", "国资委", "委", "局", "厅", "科创办",
    ),
    "Organization": (
        "有限公司", "股份公司", "公司", "集团", "代表团", "银行", "大学", "学院", "研究院", "研究所",
        "情报所", "科学院", "实验室", "促进会", "协会", "学会", "联盟", "医院", "科学中心",
        "创新中心", "研究中心", "赋能中心",
    ),
    "Platform": (
        "交易所", "交易中心", "分中心", "服务中心", "转移中心", "平台", "数据库", "培育库",
        "商城", "热线", "公众号", "基地", "孵化器", "众创空间", "展厅", "专窗", "中心", "网络",
    ),
    "Program": (
        "信用贷", "贷", "券", "计划", "工程", "专项", "试点", "基金", "行动", "资金", "项目",
        "保险", "补贴",
    ),
    "Event": (
        "挑战赛", "大赛", "大会", "论坛", "博览会", "交易会", "峰会", "直通车",
    ),
    "Place": (
        "示范区", "集聚区", "科技园", "产业园", "创新园", "新片区", "走廊", "经济圈", "科学城",
        "知识经济圈",
    ),
}

_SUFFIX_LIST: list[tuple[str, str]] = sorted(
    ((s, t) for t, ss in _SUFFIXES.items() for s in ss), key=lambda st: -len(st[0])
)

#: Words added to jieba so that suffixes and governing verbs segment cleanly.
SEGMENTATION_WORDS: tuple[str, ...] = (
    "交易所", "挑战赛", "功能型平台", "培育库", "公众号", "孵化器", "众创空间",
)

# Tokens that end a name when walking left from its suffix: governing verbs,
# function words, determiners. A name never starts with one of these.
_STOP_TOKENS = frozenset(
    """的 了 在 与 和 及 以及 或 等 为 由 对 向 将 把 被 从 于 以 至 其 该 这 此 是 有 并 也 还
    又 都 已 已经 正在 即 如 例如 包括 其中 通过 依托 推动 支持 建设 打造 搭建 组织 联合 设立 成立
    举办 发挥 加快 构建 推进 深化 完善 建立 实现 开展 促进 加强 引导 鼓励 实施 落实 贯彻 发布 印发
    出台 制定 召开 启动 升级 培育 吸引 服务 帮助 提升 围绕 参加 参与 入驻 纳入 获得 入选 会同 指导
    牵头 委托 协同 联动 形成 汇聚 汇集 布局 设在 位于 落户 落地 举行 共建 签署 签订 提供 面向 针对
    积极 持续 不断 进一步 全面 充分 大力 深入 着力 首次 累计 全年 目前 截至 近年来 同时 另外 此外
    做好 做强 做专 做精 优化 扩大 加大 强化 探索 增强 依据 根据 按照 基于 结合 利用 借助 重构 筹建
    主导 支撑 承担 获评 评为 认定 成为 作为 发挥 运营 管理 主办 承办 协办 推荐 对接 匹配 帮助
    成功 推出 不断 设 新增 新建 已建 现有 各 各类 各级 相关 有关 一批 多家 首批 全市 本市 我市 我委
    市级 区级 国家级 一是 二是 三是 四是 五是 一方面 另一方面 如何 怎样 通过 凭借 助力 赋能 带动
    集聚 孵化 引进 申报 获 得 让 使 给予 予以 资助 发放 覆盖 涉及 涵盖 依法 全 共 合计 总计 约
    近 超 超过 逾 达 达到 余 多 万 亿 个 家 项 场 次 年 月 日 届 期 批 类 所 位 名 人 户 条 件 份""".split()
)

_GENERIC_TOKENS = frozenset(
    """科技 技术 创新 创业 服务 产业 企业 国际 国内 全球 公共 研发 转化 成果 科研 功能型 功能 综合
    校企 政企 银企 专业 专业化 孵化 中小 中小型 大型 重点 重大 新型 高新 高新技术 数字化 智能化 线上 线下 市场
    市场化 金融 信息 数据 管理 发展 建设 合作 开放 开放式 协同 共性 基础 应用 产学研 战略 示范
    领军 龙头 外资 内资 民营 国有 国资 大 小 新 高 双创 国内 海外 境外 国外 海内外 国内外 优质 单个 合作 范围
    知识产权 融资 质押 类 三大 互联网 治理 装置 园区 法律 证券 机构 公司 上市 跨国 商业 贴现 用人 业务
    骨干 头部 知名 行业 重点 大型 成员 协作 意向 实际 兑现 使用 综合 国际化 一流 分 试点 科创 要素 资源 体系 机制 政策 项目 专题 系列 综合性 区域 区域性
    行业 领域 平台 中心 网络 服务业 交易 转移 对接 供需 运营 实训 培训 特色 品牌 优质 高端 前沿
    高水平 高质量 一站式 全链条 全方位 多层次 社会化 主体 载体 机构 组织 单位 部门 企业家 人才
    团队 产品 工作 活动 开放式创新 创新型 研究 应用型 集成 配套 公益 公益性 投资 融资 股权 债权
    保险 信贷 贷款 担保 财政 税收 资金 专项 科学 学科 院所 高校 大学 学院""".split()
)

_PLACE_WORDS = frozenset("海外 海内外 国内外 国内 境外 国外 全球 美 中美 中外 以色列 欧洲 长三角 上海".split())

_SPECIFIC_MARKERS = ("国家", "中国", "全国", "上海", "长三角", "浦江", "张江", "临港", "国务院")

_LEADING_TRIM = re.compile(
    r"(?:[一二三四五六七八九十两几]+[大类个项家]+|第\s*[0-9一二三四五六七八九十]+\s*[届期批]|20\d\d\s*年?|[0-9]+\s*个|新一轮|首届|本届)"
)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_NAME_CHAR = re.compile(rf"[{_CJK}A-Za-z0-9·\-/+&]")
_QUOTED = re.compile(r"“([^“”\n]{1,16})”")
_TITLE = re.compile(r"《([^《》\n]{2,100})》")
_STANDARD = re.compile(r"^\s*[（(]\s*((?:DB|GB|GB/T|DB\d+/T|T/)[A-Z0-9/ .—\-－]+?)\s*[)）]")
_PAREN_PLACE = re.compile(r"^[（(][\u4e00-\u9fff]{1,4}站?[)）]")

_PROGRAM_QUOTED_SUFFIX = ("贷", "券", "贴", "计划", "工程", "专项", "试点", "行动", "基金", "贷通")
_AFTER_QUOTE_WORDS = (
    "行动", "计划", "工程", "专项", "试点", "公众号", "微信公众号", "平台", "专窗", "大赛", "国际创新创业大赛",
    "政策文件", "总规", "科技信贷产品",
)

_SURNAMES = set(
    "习王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
    "洪蓓严施钮倪殷庞"
)
_PERSON_TITLE = re.compile(rf"([{_CJK}]{{2,3}})(?=总书记|同志|院士|教授|委员|代表)")
_CONTACT = re.compile(rf"联系人(?:姓名)?\s*[：:]\s*([{_CJK}]{{2,3}})")


def suffix_type(name: str) -> str | None:
    """The entity type a name's suffix suggests (``None`` when it has none).

    >>> suffix_type("宝武众研平台")
    'Platform'
    """
    for suffix, etype in _SUFFIX_LIST:
        if name.endswith(suffix):
            return etype
    return None


@functools.lru_cache(maxsize=65536)
def _norm_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    return (n if len(n) == 1 else ch).lower()


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    type: str
    rule: str
    canonical: str | None = None
    priority: int = 0  # higher wins among spans of equal length



def _token_starts(tokens: Sequence[tuple[int, int]]) -> dict[int, int]:
    return {s: i for i, (s, _) in enumerate(tokens)}


def _is_name_token(tok: str) -> bool:
    return bool(tok) and all(_NAME_CHAR.match(c) for c in tok)


@functools.lru_cache(maxsize=65536)
def _generic(tok: str) -> bool:
    """A token made only of generic words (龙头企业 = 龙头 + 企业)."""
    if tok in _GENERIC_TOKENS:
        return True
    ok = [True] + [False] * len(tok)
    for i in range(1, len(tok) + 1):
        ok[i] = any(ok[j] and tok[j:i] in _GENERIC_TOKENS for j in range(max(0, i - 5), i))
    return ok[-1]


def _specific(prefix: str, tokens: list[str], etype: str, suffix: str) -> bool:
    """Is the part before the suffix a proper name rather than a generic description?"""
    core = [t for t in tokens if t.strip()]
    if not core:
        return False
    if etype == "Agency" and len(prefix) == 1:
        return prefix in "市区省县镇"  # 区科委, not 我委 / 本委
    if "“" in prefix and "”" in prefix:
        return True  # a quoted element makes a name: 全球技术供需对接“立体”网络
    weak = suffix in ("中心", "创新中心", "科学中心", "项目", "资金", "网络")
    if weak:  # a place alone does not make 国际科创中心 or 海外项目 a name
        core = [t for t in core if not any(t.startswith(m) for m in _SPECIFIC_MARKERS) and t not in _PLACE_WORDS]
        return any(not _generic(t) and not re.fullmatch(r"[0-9]+", t) for t in core)
    if any(prefix.startswith(m) or m in prefix for m in _SPECIFIC_MARKERS):
        return True
    if re.search(r"[A-Za-z]", prefix):
        return True
    if any(not _generic(t) and not re.fullmatch(r"[0-9]+", t) for t in core):
        return len(prefix) >= (1 if etype in ("Organization", "Agency") else 2)
    # all-generic prefixes: program suffixes still make names (科技创新计划)
    if etype == "Program" and suffix in ("计划", "工程", "资金", "试点", "专项") and len(prefix) >= 4:
        return True
    return False


def _word_tags() -> dict[str, str]:
    """jieba's part-of-speech dictionary (word → tag), loaded once."""
    global _TAGS
    if _TAGS is None:
        import jieba.posseg

        _TAGS = dict(jieba.posseg.dt.word_tag_tab)
    return _TAGS


_TAGS: dict[str, str] | None = None
_STOP_TAGS = ("p", "c", "u", "r", "d", "m", "q", "y", "e", "o", "f")
#: Verbs that do occur inside names (国家技术转移人才培养基地); other verbs end a name.
_NAME_VERBS: frozenset[str] = frozenset(
    """转移 转化 培养 交易 对接 孵化 服务 创新 创业 发展 研究 促进 管理 评价 认定 融资 投资 导航
    制造 开发 研发 检测 检验 咨询 设计 孵育 加速 示范 引领 赋能 推广 应用 共享 合作 交流 展示 发布
    保护 质押 托管 结算 登记 育成 转让 许可 联动 协同 支持 建设 推进 振兴 开放 验证 认证 测试 试验
    评估 监测 评审 鉴定 加工 生产 实验 中试 定价 挂牌 上市 转移转化 创造 制备 装备 集成 计量 检索""".split()
)
_STOP_CHARS = "等的与和及在为由对向将把被从于或并且"


#: Name-internal verbs that also govern names elsewhere; inside a name they win.
_NAME_VERBS_INSIDE = frozenset({"服务", "孵化", "对接", "管理", "运营", "认定", "培育", "引进", "转化", "交易"})


#: Verbs of the name list that begin a clause rather than a name: 发展X中心 is "develop X centres".
_LEADING_VERBS = frozenset("发展 建设 推进 支持 开放 振兴 联动 协同 促进 推广".split())


class _Tokens(list):  # type: ignore[type-arg]
    """The document's ``(start, end)`` tokens with indexes by start and end offset."""

    def __init__(self, tokens: Iterable[tuple[int, int]]) -> None:
        super().__init__(tokens)
        self.starts = [s for s, _ in self]
        self.by_start = {s: i for i, (s, _) in enumerate(self)}
        self.by_end = {e: i for i, (_, e) in enumerate(self)}

    def covering(self, start: int, end: int) -> list[tuple[int, int]]:
        """Tokens overlapping ``[start, end)``."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        out = []
        while i < len(self) and self[i][0] < end:
            if self[i][1] > start:
                out.append(self[i])
            i += 1
        return out

    def at_or_before(self, pos: int) -> int:
        """Index of the last token starting at or before ``pos`` (-1 if none)."""
        return bisect.bisect_right(self.starts, pos) - 1


def _as_tokens(tokens: Sequence[tuple[int, int]]) -> _Tokens:
    return tokens if isinstance(tokens, _Tokens) else _Tokens(tokens)


def _governs(text: str, token: tuple[int, int], tags: dict[str, str]) -> bool:
    """A governing verb or preposition: what comes after it is its object."""
    tok = text[token[0] : token[1]]
    return tags.get(tok, "")[:1] == "v" and tok not in _NAME_VERBS


def _walk_left(text: str, tokens: Sequence[tuple[int, int]], first: int) -> int:
    """Start offset of a name whose last token is ``tokens[first]``: walk left while tokens look like name parts."""
    tags = _word_tags()
    start = tokens[first][0]
    j = first - 1
    while j >= 0:
        s, e = tokens[j]
        gap = text[e:start]
        if gap and not (gap == " " and (text[e - 1].isascii() or text[start].isascii())):
            break
        tok = text[s:e]
        if tok == "”":  # a quoted element glued to the name: “创·在上海”国际创新创业大赛
            q = text.rfind("“", max(0, s - 16), s)
            if q >= 0 and "\n" not in text[q:s]:
                start = q  # and go on: 全球技术供需对接“立体”网络
                j = _as_tokens(tokens).at_or_before(q) - 1
                if j >= 0 and tokens[j][1] == q and _is_name_token(text[tokens[j][0] : tokens[j][1]]):
                    continue
                break
            break
        if tok in ("）", ")"):
            ps = _paren_group(text, s)
            if ps is not None and ps > 0 and _NAME_CHAR.match(text[ps - 1]):
                start = ps
                j = _as_tokens(tokens).at_or_before(ps) - 1
                continue
            break
        if tok in ("类", "型") and j > 0:
            prev = text[tokens[j - 1][0] : tokens[j - 1][1]]
            if _is_name_token(prev) and not re.search(r"[0-9一二三四五六七八九十两几各大多]$", prev):
                start = s  # 技术服务类科技创新券: a subtype, not 三大类 / 各类
                j -= 1
                continue
        verb = tags.get(tok, "x")[:1] == "v" and tok not in _NAME_VERBS
        if (
            verb
            and tok not in _STOP_TOKENS
            and j > 0
            and _governs(text, tokens[j - 1], tags)
            and first - j >= 2  # more of the name follows: 启明 + 技术转移服务 + 平台
        ):
            start = s  # a verb-like word right after a governing verb starts the name: 搭建启明…平台
            break
        if (
            (tok in _STOP_TOKENS and tok not in _NAME_VERBS_INSIDE)
            or not _is_name_token(tok)
            or tags.get(tok, "x").startswith(_STOP_TAGS)
            or verb
            or (re.search(r"[0-9]", tok) and not re.search(r"[A-Za-z]", tok))
            or (len(tok) > 1 and tok[0] in "余多" and tok[1] in "个家项场次批类所位名")
        ):
            break
        if len(tok) > 1 and tok[0] in _STOP_CHARS and tok not in tags:
            start = s + 1
            break
        if tokens[first][1] - s > 32:
            break
        start = s
        j -= 1
    # clause-initial verbs govern the name, they are not part of it: 打造X平台, 健全X数据库
    while True:
        k = _as_tokens(tokens).by_start.get(start)
        if k is None or k >= first:
            break
        tok = text[tokens[k][0] : tokens[k][1]]
        tag = tags.get(tok, "")
        if (
            (tag.startswith("v") and tag != "vn" and (tok in _NAME_VERBS or tok in _STOP_TOKENS))
            or tag == "a"
            or tok in _STOP_TOKENS
            or tok in _LEADING_VERBS
        ):
            start = tokens[k + 1][0]
            continue
        break
    return start


class _Span:
    """Start and end of a suffix occurrence, with the ``re.Match`` methods the code reads."""

    __slots__ = ("_start", "_end")

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


_SUFFIXES_BY_FIRST: dict[str, list[tuple[str, str]]] = {}
for _sfx, _type in _SUFFIX_LIST:
    _SUFFIXES_BY_FIRST.setdefault(_sfx[0], []).append((_sfx, _type))
_SUFFIX_START = re.compile("[" + re.escape("".join(sorted(_SUFFIXES_BY_FIRST))) + "]")



def _suffix_continues(text: str, pos: int) -> bool:
    """A suffix followed by characters that make it part of a longer word."""
    nxt = text[pos : pos + 2]
    return nxt.startswith(("生", "城区", "员", "长", "级", "化", "率", "内", "外", "链", "规模")) and not nxt.startswith("外资")


def _paren_group(text: str, close: int) -> int | None:
    """Start of a short ``（…）`` group closing at ``close``, if it holds a short name."""
    for opener in ("（", "("):
        o = text.rfind(opener, max(0, close - 6), close)
        if o >= 0 and re.fullmatch(rf"[{_CJK}]{{1,4}}", text[o + 1 : close]):
            return o
    return None


def _refine(etype: str, name: str, suffix: str) -> str:
    """Subtypes from the suffix: a university, a bank, a loan product …"""
    if etype == "Organization":
        if suffix in ("大学", "学院"):
            return "University"
        if suffix == "银行":
            return "Bank"
        if suffix in ("研究院", "研究所", "科学院", "实验室", "情报所", "科学中心", "研究中心"):
            return "ResearchInstitute"
        if suffix in ("协会", "促进会", "学会", "联盟"):
            return "Association"
        if suffix in ("公司", "有限公司", "股份公司", "集团"):
            return "Enterprise"
    if etype == "Program":
        if suffix.endswith("贷") or suffix == "信用贷":
            return "LoanProduct"
        if suffix == "券":
            return "Voucher"
    if etype == "Platform" and suffix in ("交易所", "交易中心"):
        return "Exchange"
    return etype


