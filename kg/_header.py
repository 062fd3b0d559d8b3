"""Header metadata of a reply or report (private to ``kg.documents``): 文号, dates, agency,
addressees, proposal title and number, session, 抄送."""

from __future__ import annotations

import re
from collections import Counter

from kg.model import DocumentMeta

__all__ = ["parse_header", "labelled_date"]


_NUMBER = re.compile(r"[\u4e00-\u9fff]{2,6}[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d+\s*号")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(20\d\d)\s*年")
_AGENCY = re.compile(
    r"[\u4e00-\u9fff（）()]{3,30}(?:委员会|局|办公室|办公厅|厅|委|部|院|政府|中心|署)"
)
_PROPOSAL_TITLE = re.compile(r"提出的\s*[“\"《]([^”\"》\n]{2,120})[”\"》]")
_ISO_DATE = re.compile(r"(?<![0-9])((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?![0-9])")
_DATE_LABEL = re.compile(r"(?:发布日期|发布时间|发文日期|成文日期|印发日期|公开日期|日期|时间)\s*[：:]\s*")
_PROPOSAL_NUMBER = re.compile(r"第\s*(\d+)\s*号")
_CN_NUM = "一二三四五六七八九十百"
_SESSION = re.compile(
    rf"[市区县省]?(?:政协|人大)?[{_CN_NUM}\d]+届(?:人大|政协)?(?:[{_CN_NUM}\d]+次)?(?:全体)?会议"
)
_CC = re.compile(r"抄\s*送\s*[：:]\s*(.+)")
_ADDRESSEE_SUFFIX = re.compile(r"(?:等)?(?:委员|代表|同志)$")
_CHAPTER = re.compile(
    r"(?:\d{1,2}(?:\.\d{1,2})*|第[一二三四五六七八九十\d]+[章节部分篇])\s*(?=[\u4e00-\u9fff])"
)


def _iso(m: re.Match[str]) -> str | None:
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _signing_date(lines: list[str]) -> str | None:
    """The last line that is only a date (the signature), else the ``…印发`` date."""
    signed = issued = None
    for line in lines:
        m = _DATE.fullmatch(line)
        if m:
            signed = _iso(m) or signed
            continue
        m = _DATE.match(line)
        if m and line[m.end() :].strip() in ("印发", "发布", "印发。"):
            issued = issued or _iso(m)
    return signed or issued


def labelled_date(lines: list[str]) -> str | None:
    """A date given in a labelled field of a web page: ``发布日期:2025-11-18``, ``发布时间: 2021-06-03 17:35``."""
    for line in lines:
        label = _DATE_LABEL.search(line)
        if label:
            m = _ISO_DATE.match(line, label.end())
            if m:
                return _iso(m)
    return None


def _first_date(lines: list[str]) -> str | None:
    """A full date in the first lines of a page (a byline: ``金融时报· 2025-12-18 03:42``)."""
    for line in lines:
        m = _ISO_DATE.search(line)
        if m and len(line) <= 60:
            return _iso(m)
    return None


def _addressees(line: str) -> list[str]:
    names = []
    for part in re.split(r"[、，,；;]", line.rstrip("：:").strip().lstrip("•·-*◆▶ ")):
        name = _ADDRESSEE_SUFFIX.sub("", part.strip()).removesuffix("等").strip()
        if name:
            names.append(name)
    return names


def parse_header(clean: str) -> DocumentMeta:
    """What the header and footer of a clean text say: 文号, date, agency, addressees ….

    Replies (a 文号 and 答复): number, signing date (the date alone on a line near the end;
    the ``…印发`` date if there is none), issuing agency (the agency line above the 文号),
    addressees (the ``…：`` line before ``你们提出的“…”``), proposal title, number and
    session, and the 抄送 list. Documents without a date (annual reports) get ``year`` =
    the most frequent ``20xx年`` in the text (ties → the later year): a report on a year
    mentions that year most, earlier years only as comparisons. A report's ``title`` is its
    first numbered chapter heading without the number. Nothing found → empty meta.

    >>> parse_header("上海市科学技术委员会\\n沪科提复〔2022〕8号\\n市科协：\\n2022 年 6 月 6 日").number
    '沪科提复〔2022〕8号'
    """
    meta = DocumentMeta()
    lines = [line.strip() for line in clean.split("\n")]
    lines = [line for line in lines if line]
    number_at = None
    for i, line in enumerate(lines[:30]):
        m = _NUMBER.search(line)
        if m and (len(line) - len(m.group(0)) <= 6 or re.match(r"\s*(?:文号|发文字号|索引号)", line)):
            meta.number = re.sub(r"\s+", "", m.group(0))  # a line of its own, not a document cited in a title
            number_at = i
            break
    if number_at is not None:
        for line in lines[:number_at]:
            m = _AGENCY.fullmatch(line)
            if m and "：" not in line:
                meta.agency = line
                break
    meta.date = labelled_date(lines[:30]) or _signing_date(lines) or _first_date(lines[:10])
    if meta.date:
        meta.year = int(meta.date[:4])
    else:
        years = Counter(int(y) for y in _YEAR.findall(clean))
        if years:
            meta.year = max(years, key=lambda y: (years[y], y))
    head = lines[: (number_at or 0) + 15]
    for i, line in enumerate(head):
        m = _PROPOSAL_TITLE.search(line)
        if m:
            meta.title = m.group(1).strip()
            if i and lines[i - 1].endswith(("：", ":")) and len(lines[i - 1]) <= 60:
                meta.addressees = _addressees(lines[i - 1])
            break
    for line in head:
        if "答复" in line or "会议" in line:
            m = _PROPOSAL_NUMBER.search(line)
            if m and not meta.proposal_number:
                meta.proposal_number = f"第{m.group(1)}号"
            m = _SESSION.search(line)
            if m and not meta.session:
                meta.session = m.group(0)
    for line in lines:
        m = _CC.match(line)
        if m:
            parts = re.split(r"[，、,；;]", m.group(1).strip().rstrip("。."))
            meta.cc = [p.strip() for p in parts if p.strip()]
            break
    chapters = [line for line in lines if _CHAPTER.match(line) and not re.search(r"[。；]", line)]
    if meta.number and "答复" in clean:
        meta.kind = "reply"
    elif len(chapters) >= 2:
        meta.kind = "report"
        if meta.title is None:
            meta.title = _CHAPTER.sub("", chapters[0], count=1).strip()
    return meta
