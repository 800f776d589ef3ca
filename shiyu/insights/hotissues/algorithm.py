"""Hot issues (热点问题): messages about the same place and the same matter, grouped and ranked.

Pure functions over `Message` objects; the database reader (`recent.py`) and the offline command
(`cli.py`) only build the messages.

Grouping
--------
Each message becomes one vector of three TF-IDF blocks, each L2-normalised and weighted:
- words (0.55): jieba words of the title (counted twice: titles are the summary) and the first
  240 characters of the body, generic complaint vocabulary (问题, 反映, 领导 …) removed;
- title character 2-3-grams (0.25): catch the same matter written with different words or with
  words jieba cuts differently (58车贷 / 五十八车贷);
- places (0.45): the specific place names of `places.py`. Two messages about one estate share a
  rare token; two about different estates share none, which keeps "油烟扰民 at A" apart from
  "油烟扰民 at B" — a hot issue is one place and one matter. A message that names no specific
  place takes as place tokens the named organisations it mentions (`entities.py`: 58车贷, a
  lending platform whose victims write from everywhere) that at least three distinct submitters
  write, so an issue about an organisation is keyed by its name, and is labelled by it and the
  group who write ("58车贷受害人") when no place is shared by a third of its messages. Only then:
  added to every message, a name-like token ("400电话", "30只流浪狗") would be a specific place
  shared by two estates' complaints and join them.
Cosine similarity between messages gets +PLACE_BONUS (0.12) when they share a specific place
name, nothing when they share only a broad one (a road, a street office), −PLACE_BONUS otherwise
(so a pair with no place in common needs 0.45 where one at one estate needs 0.21), then is cut
at LINK (0.33): edges below it are dropped, the connected components of the rest are candidate
groups, and each candidate group of more than two is re-split by average linkage at the same
threshold so that one chain of pairwise-similar
messages cannot glue two issues together (single linkage would).

Heat score
----------
    heat = 100 × recency × (0.45·ln(1+n) + 0.35·ln(1+u) + 0.20·ln(1+v))
where n = messages in the group, u = distinct submitters (one person posting ten times is less
than ten people), v = support votes + half the opposing votes (both show attention, support
more), recency = 0.5 + 0.5·exp(−age/HALF_LIFE_DAYS) with age the days from the group's latest
message to `now` (so an issue nobody wrote about for months keeps at least half its heat:
old issues do not vanish, current ones come first). Logarithms stop one message with 2,000 likes
or one submitter posting fifty times from outweighing everything else. `now` defaults to the
latest message time, so an exported file is scored as of its own end.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import jieba
import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix, hstack
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from shiyu.insights.hotissues import entities as entitymod
from shiyu.insights.hotissues import places as placemod

LINK = 0.33
PLACE_BONUS = 0.12
HALF_LIFE_DAYS = 30.0
WEIGHTS = {"words": 0.55, "chars": 0.25, "places": 0.45}
BODY_CHARS = 240

# fmt: off
STOPWORDS = {
    "问题", "反映", "投诉", "举报", "咨询", "请问", "建议", "希望", "要求", "关于", "领导", "政府",
    "部门", "相关", "相关部门", "有关", "有关部门", "解决", "处理", "情况", "我们", "你们", "他们",
    "自己", "本人", "我家", "大家", "一个", "这个", "那个", "什么", "怎么", "为什么", "如何", "是否",
    "能否", "可以", "已经", "没有", "现在", "目前", "一直", "还是", "但是", "因为", "所以", "如果",
    "而且", "并且", "或者", "以及", "进行", "存在", "严重", "非常", "特别", "市长", "书记", "局长",
    "您好", "你好", "尊敬", "谢谢", "感谢", "恳请", "强烈", "请求", "尽快", "及时", "立即", "马上",
    "市民", "居民", "群众", "百姓", "老百姓", "广大", "工作", "时间", "今年", "去年", "每天", "A市",
    "西地省", "留言", "回复", "答复", "一下", "一些", "这些", "那些", "这样", "那样", "不能", "不会",
    "还有", "以上", "以下", "其中", "之后", "之前", "年月",
}
# fmt: on
_SPACE = re.compile(r"[\s\u3000]+")


@dataclass
class Message:
    id: str
    title: str
    body: str
    time: datetime | None
    votes_up: int = 0
    votes_down: int = 0
    submitter: str | None = None


@dataclass
class HotIssue:
    rank: int
    heat: float
    ids: list[str]
    period: tuple[date, date] | None
    place: str
    description: str
    keywords: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rank": self.rank,
            "heat": round(self.heat, 2),
            "ids": self.ids,
            "period": [d.isoformat() for d in self.period] if self.period else None,
            "place": self.place,
            "description": self.description,
            "keywords": self.keywords,
        }


def clean_text(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _words(text: str) -> list[str]:
    out = []
    for word in jieba.cut(text, HMM=False):
        word = word.strip().lower()
        if len(word) < 2 or word in STOPWORDS or word.isdigit():
            continue
        out.append(word)
    return out


def _doc(message: Message) -> tuple[str, str]:
    title = clean_text(message.title)
    body = clean_text(message.body)[:BODY_CHARS]
    return title, body


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def vectors(messages: list[Message]) -> tuple[csr_matrix, list[list[str]], list[list[str]]]:
    """The weighted, normalised feature rows; also each message's words and places."""
    docs = [_doc(m) for m in messages]
    words = [_words(title) * 2 + _words(body) for title, body in docs]
    texts = [f"{title} {body}" for title, body in docs]
    place_sets = [{k for name in placemod.places(text) for k in placemod.place_keys(name)} for text in texts]
    # A message without a specific place is keyed by the organisations it names (58车贷), if
    # several people name them: never in addition to a place, where a shared name-like token
    # would count as a shared place and join the same matter at two estates.
    names = [set(entitymod.entities(text)) for text in texts]
    keyed = entitymod.recurring(names, [m.submitter or f"anon:{m.id}" for m in messages])
    found = [sorted(own or (named & keyed)) for own, named in zip(place_sets, names, strict=True)]
    blocks = []
    for weight, analyzer, data in (
        (WEIGHTS["words"], _identity, words),
        (WEIGHTS["chars"], "char", [re.sub(r"[A-Z]\d*[市区县]", "", t) for t, _ in docs]),
        (WEIGHTS["places"], _identity, found),
    ):
        vec = TfidfVectorizer(
            analyzer=analyzer,
            sublinear_tf=True,
            norm="l2",
            min_df=1,
            **({"ngram_range": (2, 3)} if analyzer == "char" else {}),
        )
        try:
            block = vec.fit_transform(data)
        except ValueError:  # an empty vocabulary (no places at all, say): the block adds nothing
            block = csr_matrix((len(messages), 1))
        blocks.append(block * weight)
    matrix = normalize(hstack(blocks).tocsr())
    return matrix, words, found


def _average_linkage(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage groups of a dense similarity matrix, merged while the mean similarity
    between two groups is at least `threshold`."""
    dist = np.clip(1.0 - sim, 0.0, None)
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2
    tree = linkage(squareform(dist, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    out: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        out.setdefault(int(label), []).append(i)
    return list(out.values())


# Places too broad to make two messages one issue by themselves (a street office, a road, a
# station): sharing one earns no bonus, but spares the pair the "no place in common" penalty.
BROAD = ("街道", "镇", "乡", "社区", "路", "大道", "车站", "火车站", "高铁", "高速", "地铁", "县", "区", "市")


def _place_matrix(found: list[list[str]], *, broad: bool) -> csr_matrix:
    """Messages × place names: the specific ones, or (broad=True) the broad ones."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, names in enumerate(found):
        for name in {n for n in names if n.endswith(BROAD) == broad}:
            rows.append(i)
            cols.append(vocab.setdefault(name, len(vocab)))
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(found), max(1, len(vocab))))


def _bonus(specific: np.ndarray, broad: np.ndarray) -> np.ndarray:
    """+PLACE_BONUS for a specific place in common, 0 for only a broad one, −PLACE_BONUS else."""
    return np.where(specific > 0, PLACE_BONUS, np.where(broad > 0, 0.0, -PLACE_BONUS))


def groups_of(
    matrix: csr_matrix, found: list[list[str]] | None = None, *, link: float = LINK, max_refine: int = 3000
) -> list[list[int]]:
    """Index groups (every message in exactly one group, singletons included)."""
    n = matrix.shape[0]
    if n == 0:
        return []
    found = found if found is not None else [[] for _ in range(n)]
    specific, broad = _place_matrix(found, broad=False), _place_matrix(found, broad=True)
    raw = (matrix @ matrix.T).tocoo()
    shared_specific = (specific @ specific.T).tocsr()
    shared_broad = (broad @ broad.T).tocsr()
    adjusted = raw.data + _bonus(
        np.asarray(shared_specific[raw.row, raw.col]).ravel(),
        np.asarray(shared_broad[raw.row, raw.col]).ravel(),
    )
    sim = csr_matrix((adjusted, (raw.row, raw.col)), shape=raw.shape)
    sim.data[sim.data < link] = 0
    sim.eliminate_zeros()
    count, labels = connected_components(sim, directed=False)
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(int(label), []).append(i)
    out: list[list[int]] = []
    for idx in members.values():
        if len(idx) <= 2:
            out.append(idx)
            continue
        if len(idx) > max_refine:  # a giant component: refine the strongest part only
            idx = idx[:max_refine] + []
        sub = (matrix[idx] @ matrix[idx].T).toarray()
        sub = sub + _bonus((specific[idx] @ specific[idx].T).toarray(), (broad[idx] @ broad[idx].T).toarray())
        for g in _average_linkage(sub, link):
            out.append([idx[i] for i in g])
    covered = {i for g in out for i in g}
    out.extend([i] for i in range(n) if i not in covered)
    return out


def heat_of(group: list[Message], *, now: datetime | None) -> float:
    n = len(group)
    submitters = {m.submitter or f"anon:{m.id}" for m in group}
    votes = sum(max(0, m.votes_up) + 0.5 * max(0, m.votes_down) for m in group)
    recency = 1.0
    times = [m.time for m in group if m.time is not None]
    if now is not None and times:
        age = max(0.0, (now - max(times)).total_seconds() / 86400)
        recency = 0.5 + 0.5 * math.exp(-age / HALF_LIFE_DAYS)
    return (
        100 * recency * (0.45 * math.log1p(n) + 0.35 * math.log1p(len(submitters)) + 0.20 * math.log1p(votes))
    )


def _representative(idx: list[int], matrix: csr_matrix) -> int:
    """The member closest to the group's centroid (ties: the first)."""
    if len(idx) == 1:
        return idx[0]
    rows = matrix[idx]
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    scores = rows @ centroid
    return idx[int(np.argmax(scores))]


def _comparable(t: datetime) -> datetime:
    return t.replace(tzinfo=None) if t.tzinfo is not None else t


def cluster(messages: list[Message], *, top: int = 10, now: datetime | None = None) -> list[HotIssue]:
    """The `top` hottest issues among the messages, hottest first."""
    if not messages:
        return []
    matrix, words, found = vectors(messages)
    if now is None:
        times = [m.time for m in messages if m.time is not None]
        now = max(times, key=_comparable) if times else None
    scored = []
    for idx in groups_of(matrix, found):
        group = [messages[i] for i in idx]
        scored.append((heat_of(group, now=now), idx))
    scored.sort(key=lambda item: (-item[0], min(item[1])))
    issues = []
    for rank, (heat, idx) in enumerate(scored[:top], start=1):
        group = [messages[i] for i in idx]
        rep = messages[_representative(idx, matrix)]
        times = sorted((m.time for m in group if m.time is not None), key=_comparable)
        texts = [f"{clean_text(m.title)} {clean_text(m.body)[:BODY_CHARS]}" for m in group]
        keywords = [w for w, _ in Counter(w for i in idx for w in dict.fromkeys(words[i])).most_common(5)]
        # Labelled only by a name that keyed some member (a recurring one, see `vectors`).
        label = entitymod.group_label(texts, {k for i in idx for k in found[i]})
        ordered = sorted(group, key=lambda m: (m.time is None, _comparable(m.time) if m.time else 0, m.id))
        issues.append(
            HotIssue(
                rank=rank,
                heat=heat,
                ids=[m.id for m in ordered],
                period=(times[0].date(), times[-1].date()) if times else None,
                place=label or placemod.main_place(texts),
                description=clean_text(rep.title)[:120],
                keywords=keywords,
            )
        )
    return issues
