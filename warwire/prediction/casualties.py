"""Casualty figures: how many people a sentence says were killed and injured.

Applied to sentences labeled ``casualty_statement`` (the others get ``None``). The
rules, each listed in the README's table:

- number words and separators are read by text2num ("twenty-six" -> 26, "1,240" -> 1240);
- lower bounds, as ACLED codes them: "at least N", "more than N", "over N" -> N;
  "N to M", "between N and M", "N-M" -> N;
- vague quantities by ACLED's conventions: "a dozen"/"dozens" -> 12, "tens" -> 10,
  "several"/"many" -> 10, "hundreds" -> 100, "thousands" -> 1000; a vague word with
  no convention ("heavy losses", "some") gives no figure;
- explicit zeros: "no casualties", "nobody was hurt" -> killed 0 and injured 0;
  "no injuries" -> injured 0; "no deaths" -> killed 0;
- a part counts as the total it belongs to ("two children were among the four killed"
  -> 4), because the number nearest the casualty word is taken;
- a toll ("the death toll rose to 31", "put the number of dead at 12") is the killed
  figure, so where sources differ in one sentence the toll named first counts;
- "died of their wounds" counts as killed, not injured;
- otherwise the figures of each casualty word add up ("three soldiers were killed and
  two civilians died" -> 5);
- "a man", "a woman", "a child" ... next to a casualty word count as 1;
- captured, missing or abducted people are neither killed nor injured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import alpha2digit

# ACLED's conventions for vague reports (lower bounds).
VAGUE_QUANTITIES = {
    "a dozen": 12,
    "dozens of": 12,
    "dozens": 12,
    "tens of": 10,
    "several": 10,
    "many": 10,
    "hundreds of": 100,
    "hundreds": 100,
    "thousands of": 1000,
    "thousands": 1000,
}
KILLED_WORDS = r"killed|killing|kills|kill|dead|died|dies|deaths?|fatalities|fatality|lives|slain|massacred|executed|bodies"
INJURED_WORDS = r"injured|injuring|injures|injuries|injury|wounded|wounding|wounds|hurt|hurts"
# Verbs whose figure follows them ("killing 4", "kills five", "wounded 12 people").
ACTIVE_VERBS = {
    "killed",
    "killing",
    "kills",
    "kill",
    "wounded",
    "wounding",
    "wounds",
    "injured",
    "injuring",
    "injures",
    "massacred",
    "executed",
}
# Single persons: "a man was killed" says one.
PERSONS = (
    "man|woman|child|boy|girl|baby|teenager|soldier|civilian|person|officer|policeman|policewoman|fighter|"
    "guard|driver|journalist|worker|farmer|resident|student|pupil|nurse|doctor|medic"
)

_ZERO_BOTH = re.compile(
    r"\b(no casualties|without casualties|no victims|caused no casualties|"
    r"(no one|nobody|no-one|none of them)( was| were)? (hurt|harmed))\b",
    re.I,
)
_ZERO_KILLED = re.compile(
    r"\b(no deaths|no fatalities|no one was killed|nobody was killed|no-one was killed|no one died|nobody died|"
    r"no one (was )?killed or (injured|wounded)|nobody (was )?killed or (injured|wounded))\b",
    re.I,
)
_ZERO_INJURED = re.compile(
    r"\b(no injuries|no one was (injured|wounded)|nobody was (injured|wounded)|no-one was (injured|wounded)|"
    r"(no one|nobody) (was )?killed or (injured|wounded)|without injur(y|ies))\b",
    re.I,
)
_RANGE = re.compile(r"\bbetween (\d+) and \d+\b|\b(\d+) ?(?:to|-|–) ?\d+\b(?!-year)", re.I)
_BOUND = re.compile(r"\b(at least|more than|over|some|about|around|nearly|almost|roughly|up to|an estimated) (\d+)\b", re.I)
_AGES = re.compile(r"\b\d+[- ]year[- ]olds?\b|\baged \d+\b|\b\d+ years? old\b", re.I)
_TOLL = re.compile(
    r"\b(?:death toll|toll|number of (?:the )?dead)\b[^.;]{0,40}?\b(?:to|at|of|reached|hit|is|was|stands at|stood at)\s+(\d+)",
    re.I,
)
_DIED_OF = re.compile(
    r"\b(died|dying|succumbed)\s+(?:later\s+)?(?:of|from|to)\s+(?:their|his|her)?\s*(?:wounds|injuries)\b", re.I
)
_TOKEN = re.compile(r"\d+|[A-Za-z]+(?:['-][A-Za-z]+)*|[^\sA-Za-z\d]")
STOP_TOKENS = {",", ";", ":", ".", "(", ")", '"', "and", "or", "while", "but", "whereas", "as", "after", "including"}
WINDOW = 6  # tokens between a casualty word and its number


@dataclass(frozen=True)
class Figures:
    killed: int | None
    injured: int | None


# Figures are read only from sentences with this label; the others state none.
CASUALTY = "casualty_statement"
NO_FIGURES = Figures(killed=None, injured=None)


def _normalize(text: str) -> str:
    """Digits for number words, vague words and bounds reduced to their lower bound."""
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,240 -> 1240
    for phrase, value in sorted(VAGUE_QUANTITIES.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"\b{phrase}\b", str(value), text, flags=re.I)
    text = alpha2digit(text, "en", threshold=0)
    text = _AGES.sub("AGE", text)
    text = _DIED_OF.sub(r"\1", text)  # "died of their wounds": deaths, not injuries
    text = _RANGE.sub(lambda m: m.group(1) or m.group(2), text)
    return _BOUND.sub(lambda m: m.group(2), text)


def _number(token: str, following: str | None) -> int | None:
    if token.isdigit():
        return int(token)
    # "a man", "an officer", "a AGE boy" (a 9-year-old boy): one person
    if token.lower() in ("a", "an") and following and (following == "AGE" or re.fullmatch(PERSONS, following.lower())):
        return 1
    return None


def _figure_near(tokens: list[str], at: int) -> int | None:
    """The number belonging to the casualty word at ``at``: right after an active verb
    ("killing 4"), else the nearest before it ("4 people were killed")."""
    if tokens[at].lower() in ACTIVE_VERBS:
        for j in range(at + 1, min(len(tokens), at + 1 + WINDOW // 2)):
            if tokens[j].lower() in STOP_TOKENS:
                break
            value = _number(tokens[j], tokens[j + 1] if j + 1 < len(tokens) else None)
            if value is not None:
                return value
    for j in range(at - 1, max(-1, at - 1 - WINDOW), -1):
        if tokens[j].lower() in STOP_TOKENS:
            break
        value = _number(tokens[j], tokens[j + 1])
        if value is not None:
            return value
    return None


def _sum_of_figures(tokens: list[str], words: str) -> int | None:
    pattern = re.compile(rf"(?:{words})", re.I)
    figures = [_figure_near(tokens, i) for i, token in enumerate(tokens) if pattern.fullmatch(token)]
    figures = [f for f in figures if f is not None]
    return sum(figures) if figures else None


def extract_figures(text: str) -> Figures:
    """Killed and injured figures stated by one casualty sentence (None: not stated)."""
    zero_both = bool(_ZERO_BOTH.search(text))
    killed = 0 if zero_both or _ZERO_KILLED.search(text) else None
    injured = 0 if zero_both or _ZERO_INJURED.search(text) else None
    normalized = _normalize(text)
    tokens = _TOKEN.findall(normalized)
    if killed is None:
        toll = _TOLL.search(normalized)
        killed = int(toll.group(1)) if toll else _sum_of_figures(tokens, KILLED_WORDS)
    if injured is None:
        injured = _sum_of_figures(tokens, INJURED_WORDS)
    return Figures(killed=killed, injured=injured)
