"""Casualty figures: how many people a sentence says were killed and injured.

Applied to sentences labeled ``casualty_statement`` (the others get ``None``). The
rules, each listed in the README's table:

- number words and separators are read by text2num ("twenty-six" -> 26, "1,240" -> 1240);
  times ("09:40"), dates, years and quantities of things ("40 houses", "five days") are
  not figures;
- lower bounds, as ACLED codes them: "at least N", "more than N", "over N" -> N;
  "N to M", "between N and M", "N-M" -> N;
- vague quantities by ACLED's conventions: "a dozen"/"dozens" -> 12, "tens" -> 10,
  "several"/"many" -> 10, "hundreds" -> 100, "thousands" -> 1000; a vague word with
  no convention ("heavy losses", "some") gives no figure;
- explicit zeros: "no casualties", "nobody was hurt", "none of the crew was harmed" ->
  killed 0 and injured 0; "no injuries", "no officer was wounded" -> injured 0; "no
  deaths", "no one had died" -> killed 0 (a figure stated beside a zero wins);
- a part counts as the total it belongs to: "two children were among the four killed"
  -> 4 (the number nearest the casualty word); "three of them", "including 68 children"
  are parts and add nothing;
- a toll ("the death toll rose to 31", "the number of wounded climbed to 94") is the
  figure of its kind;
- where sources differ ("...; rebels said 30", "..., while the ministry said nine"), the
  figure named first counts: a sentence is read clause by clause;
- the wounded who died ("two of the wounded died", "a girl wounded in the blast died",
  "died of their wounds") count as killed, not injured;
- otherwise figures add up: of each casualty word ("three soldiers were killed and two
  civilians died" -> 5) and of a list ("12 civilians and three soldiers died" -> 15);
- one person named with a casualty word ("a man was killed", "his son was wounded",
  "a young constable") counts as 1; the attacker before an active verb ("a sniper shot
  dead a girl") is not a casualty;
- captured, missing or abducted people are neither killed nor injured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import alpha2digit


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


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
KILLED = _words(
    """killed killing kills kill dead died dies death deaths fatalities fatality lives slain massacred executed
    bodies killings murdered shot-dead"""
)
INJURED = _words("injured injuring injures injuries injury wounded wounding wounds hurt hurts")
# Verb forms whose figure follows them ("killing 4", "kills five", "shot dead two").
ACTIVE = _words("killed killing kills kill wounded wounding injured injuring injures massacred executed shot-dead")
# Nouns whose figure follows "of" ("the bodies of 15 residents", "the killing of two men").
OF_NOUNS = _words("bodies deaths killing killings death")
AUXILIARIES = _words("was were been be being is are got get")
# One person: "a man", "his son", "a young Catholic constable".
PERSONS = _words(
    """man woman child boy girl baby infant teenager soldier civilian person officer policeman policewoman fighter
    guard driver journalist worker farmer resident student pupil nurse doctor medic passer-by passerby bystander
    member jawan constable marine trooper villager shepherd fisherman pilot priest teacher volunteer interpreter
    official employee militant insurgent attacker bomber gunman guest passenger barman husband wife son daughter
    brother sister father mother cousin uncle aunt nephew niece grandson granddaughter grandfather grandmother
    serviceman servicewoman commander labourer trader vendor reporter photographer paramedic chief leader
    shopkeeper patient worshipper elder monk nun imam cook waiter cleaner mechanic engineer lawyer judge politician
    mayor governor minister diplomat ranger herder miner pilgrim refugee migrant detainee prisoner hostage
    protester demonstrator activist"""
)
# Nouns after which a "person" is a modifier: "a militant camp", "a soldier's body".
_NOT_PERSON_AFTER = _words("camp camps base bases hideout position group cell convoy unit post checkpoint stronghold compound")
_DETERMINERS = _words("a an my his her their our its your")
# Quantities of things, not people: a number before one of these is not a figure.
THINGS = _words(
    """houses homes buildings villages towns vehicles cars trucks buses motorbikes motorcycles tanks shells rockets
    missiles drones bombs rounds targets times km kilometres kilometers miles metres meters percent % days hours
    minutes weeks months years seconds dollars tonnes tons acres hectares positions sites schools hospitals
    mosques churches flats shops sorties strikes attacks incidents points families households arrests suspects
    devices explosives mines afternoon morning evening night day week month year hour minute"""
)
PEOPLE = _words("people persons civilians soldiers men women children troops police personnel staff crew fighters")
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# Where one source ends and the next begins: the first clause with a figure counts.
CLAUSE_BREAKS = _words("; . while whereas but though although")
CONNECTORS = _words(", and as well plus")
# Words that end a list of figures: a reporting verb, a comparison, an act of capture.
_REPORTING = _words("said says say told added reported claimed according wrote")
_LIST_BREAKERS = _REPORTING | _words("than who which when where after before since")
NEAR = 3  # tokens after an active verb in which its object (victims) may start
WINDOW = 14  # tokens between a figure and the casualty word after it

_PERSON_TOKEN = "NUM1"  # stands for "a man", "his son": one person
_BLOCKED = "XX"  # a masked number: a time, a date, a year, a thing, a zero phrase

_NOBODY = r"(?:no one|nobody|no-one|none(?: of [\w'’ -]{1,40}?)?)"
_BE = r"(?: (?:was|were|is|are|had been|has been|have been))?"
_NO_NOUN = r"no (?:[\w'’-]+ ){0,2}[\w'’-]+"  # "no soldiers", "no Indian soldier"
_ZERO_BOTH = re.compile(
    rf"\b(?:no casualties|without (?:causing )?(?:any )?casualties|no victims|caused no casualties|"
    rf"without (?:hurting|harming) anyone|(?:{_NOBODY}(?: [\w'’-]+){{0,3}}?|{_NO_NOUN}){_BE} (?:hurt|harmed)|"
    rf"(?:{_NOBODY}|{_NO_NOUN}){_BE} killed or (?:injured|wounded|hurt))\b",
    re.I,
)
_ZERO_KILLED = re.compile(
    rf"\b(?:no deaths|no fatalities|{_NOBODY}{_BE} (?:killed|dead)|{_NOBODY}(?: had)? died|left no one dead|"
    rf"{_NO_NOUN}{_BE} killed)\b",
    re.I,
)
_ZERO_INJURED = re.compile(
    rf"\b(?:no injuries|without injur(?:y|ies|ing anyone)|(?:injur|wound)(?:ed|ing) (?:no one|nobody|anyone)|"
    rf"{_NOBODY}{_BE} (?:injured|wounded)|{_NO_NOUN}{_BE} (?:injured|wounded))\b",
    re.I,
)
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b(?!\d)")
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b")
_NAMED_AGE = re.compile(r"\b([A-Z][\w'’-]+), \d{1,2},")  # "Ahmed, 19, said"
_RANGE = re.compile(r"\bbetween (\d+) and \d+\b|\b(\d+) ?(?:to|-|–) ?\d+\b(?![-–](?:year|month|week|day))", re.I)
_BOUND = re.compile(
    r"\b(at least|more than|over|some|about|around|nearly|almost|roughly|up to|an estimated|as many as) (\d+)\b", re.I
)
_AGES = re.compile(r"\b\d+[- ](?:year|month|week|day)s?[- ]olds?\b|\baged \d+\b|\b\d+ years? old\b", re.I)
_DATES = re.compile(rf"\b(?:{MONTHS})\.? \d{{1,4}}\b|\b\d{{1,2}} (?:{MONTHS})\b")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_TOLL = re.compile(
    r"\b(?:death toll|toll|number of|count of)\b(?P<what>[^.;]{0,80}?)\b"
    r"(?:to|at|of|reached|hit|is|was|stands at|stood at)\s+(?P<figure>\d+)\b"
    r"|\bthe (?P<what2>dead|wounded|injured) (?:numbered|totall?ed|stood at)\s+(?P<figure2>\d+)\b",
    re.I,
)
_DIED_OF = re.compile(
    r"\b(died|dying|succumbed)\s+(?:later\s+)?(?:of|from|to)\s+(?:their|his|her)?\s*(?:wounds|injuries)\b", re.I
)
_TOKEN = re.compile(r"\d+|[A-Za-z]+(?:['’-][A-Za-z]+)*|[^\sA-Za-z\d]")


@dataclass(frozen=True)
class Figures:
    killed: int | None
    injured: int | None


# Figures are read only from sentences with this label; the others state none.
CASUALTY = "casualty_statement"
NO_FIGURES = Figures(killed=None, injured=None)


def _zeros(text: str) -> tuple[str, bool, bool]:
    """(text with zero phrases masked, killed stated 0, injured stated 0)."""
    killed = injured = False
    for pattern, says_killed, says_injured in (
        (_ZERO_BOTH, True, True),
        (_ZERO_KILLED, True, False),
        (_ZERO_INJURED, False, True),
    ):
        if pattern.search(text):
            killed, injured = killed or says_killed, injured or says_injured
            text = pattern.sub(f" {_BLOCKED} ", text)
    return text, killed, injured


def _mask_years(text: str) -> str:
    """Years are not figures, unless people or a casualty word follow ("1950 people died")."""

    def keep_or_mask(match: re.Match) -> str:
        following = _TOKEN.findall(text[match.end() : match.end() + 40])[:2]
        return match.group() if any(t.lower() in PEOPLE | KILLED | INJURED for t in following) else _BLOCKED

    return _YEAR.sub(keep_or_mask, text)


def _normalize(text: str) -> str:
    """Digits for number words; vague words, ranges and bounds reduced to their lower bound;
    times, dates, years and ages masked."""
    text = _TIME.sub(_BLOCKED, text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,240 -> 1240
    text = re.sub(r"\bshot (?:and killed|dead)\b", "shot-dead", text, flags=re.I)
    for phrase, value in sorted(VAGUE_QUANTITIES.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"\b{phrase}\b", str(value), text, flags=re.I)
    text = _NAMED_AGE.sub(lambda m: f"{m.group(1)}, AGE,", text)
    text = alpha2digit(text, "en", threshold=0)
    text = _ORDINAL.sub(_BLOCKED, text)  # "the first six months" -> 1st: not a figure
    text = _AGES.sub("AGE", text)
    text = _DIED_OF.sub(r"\1", text)  # "died of their wounds": deaths, not injuries
    text = _RANGE.sub(lambda m: m.group(1) or m.group(2), text)
    text = _BOUND.sub(lambda m: m.group(2), text)
    text = _DATES.sub(_BLOCKED, text)
    return _mask_years(text)


def _person_end(tokens: list[str], at: int) -> int | None:
    """Where "a man", "his son", "a young Catholic constable" starting at ``at`` ends, if it is one."""
    if tokens[at].lower() not in _DETERMINERS:
        return None
    for j in range(at + 1, min(len(tokens), at + 5)):
        word = tokens[j].lower()
        if word in PERSONS:
            following = tokens[j + 1].lower() if j + 1 < len(tokens) else ""
            return None if following in _NOT_PERSON_AFTER else j + 1
        if not (word == "age" or word.replace("-", "").isalpha()) or word in KILLED | INJURED:
            return None
    return None


def _tokens(text: str) -> list[str]:
    """Tokens, quotation marks dropped; one person ("a young constable") becomes NUM1."""
    tokens = [t for t in _TOKEN.findall(text) if t not in ('"', "“", "”", "'")]
    out: list[str] = []
    at = 0
    while at < len(tokens):
        end = _person_end(tokens, at)
        out.append(_PERSON_TOKEN if end else tokens[at])
        at = end or at + 1
    return out


def _value(token: str) -> int | None:
    if token == _PERSON_TOKEN:
        return 1
    return int(token) if token.isdigit() else None


def _is_thing(tokens: list[str], at: int) -> bool:
    """The number at ``at`` counts things ("40 houses", "12 of motorbikes", "five days")."""
    ahead = [t.lower() for t in tokens[at + 1 : at + 4] if t.lower() != "of"]
    return any(word in THINGS for word in ahead[:2])


def _is_part(tokens: list[str], at: int) -> bool:
    """The number at ``at`` is a part of a total stated before it ("13 wounded, four of them
    seriously", "including 68 children"); "Five of them died" alone is a figure."""
    before = " ".join(tokens[max(0, at - 2) : at]).lower()
    after = " ".join(tokens[at + 1 : at + 3]).lower()
    total_before = any(_value(t) is not None for t in tokens[:at])
    return before.endswith(("including", "among them", "among whom")) or (total_before and after in ("of them", "of whom"))


def _breaks_list(word: str) -> bool:
    return word in _LIST_BREAKERS or word in KILLED | INJURED or (len(word) > 4 and word.endswith(("ed", "ing")))


def _groups(clause: list[str]) -> list[list[int]]:
    """Positions of numbers that belong together: "12 civilians and three soldiers"."""
    groups: list[list[int]] = []
    for at, token in enumerate(clause):
        if _value(token) is None or _is_thing(clause, at) or _is_part(clause, at):
            continue
        if token == _PERSON_TOKEN and at + 1 < len(clause) and clause[at + 1].lower() in _REPORTING:
            continue  # "a security official said": the source, not a casualty
        if groups:
            between = [t.lower() for t in clause[groups[-1][-1] + 1 : at]]
            if (
                len(between) <= 8
                and any(t in CONNECTORS for t in between)
                and not any(_breaks_list(t) or _value(t) is not None for t in between)
            ):
                groups[-1].append(at)
                continue
        groups.append([at])
    return groups


def _kind(word: str) -> str | None:
    word = word.lower()
    return "killed" if word in KILLED else "injured" if word in INJURED else None


def _takes_object(clause: list[str], at: int) -> bool:
    """The casualty word at ``at`` is an active verb with its victims after it ("gunmen killed three")."""
    if clause[at].lower() not in ACTIVE or (at and clause[at - 1].lower() in AUXILIARIES):
        return False
    for token in clause[at + 1 : at + 1 + NEAR]:
        if _value(token) is not None:
            return True
        if token.lower() in ("and", ",", "or"):  # "22 soldiers killed and 13 wounded": no object
            return False
    return False


def _word_after(clause: list[str], group: list[int], stop: int) -> int | None:
    """The casualty word a group is the subject of, before ``stop`` (the next group)."""
    last = group[-1]
    for at in range(last + 1, min(stop, last + 1 + WINDOW)):
        kind = _kind(clause[at])
        if kind is None:
            if clause[at].lower() in _LIST_BREAKERS:  # "a worker who helped the injured said"
                return None
            continue
        rest = [t.lower() for t in clause[at + 1 : stop]]
        died_later = any(t in ("died", "dies", "dead", "succumbed") for t in rest)
        partitive = " ".join(clause[at - 2 : at]).lower() in ("of the", "of those")
        modifier = clause[at - 1].lower() not in AUXILIARIES
        if kind == "injured" and died_later and (partitive or modifier):
            continue  # "two of the wounded died", "a girl wounded in the blast died": killed
        return None if _takes_object(clause, at) else at  # the attacker is not a casualty
    return None


def _word_before(clause: list[str], group: list[int]) -> int | None:
    """The active verb ("killing four") or noun ("the bodies of 15") right before a group."""
    first = group[0]
    if first and clause[first - 1].lower() in ACTIVE:
        # "were killed and 1,240 injured": a passive verb has its figure before it
        return None if first > 1 and clause[first - 2].lower() in AUXILIARIES else first - 1
    for of_at in (first - 1, first - 2):  # "the bodies of 15", "the killing of the two men"
        after_of = of_at == first - 1 or clause[first - 1].lower() == "the"
        if of_at >= 1 and clause[of_at].lower() == "of" and clause[of_at - 1].lower() in OF_NOUNS and after_of:
            return of_at - 1
    return None


def _clause_figures(clause: list[str]) -> dict[str, int]:
    """Figures per kind stated in one clause (absent kinds: no figure)."""
    totals: dict[str, int] = {}
    groups = _groups(clause)
    for n, group in enumerate(groups):
        stop = groups[n + 1][0] if n + 1 < len(groups) else len(clause)
        at = _word_before(clause, group)
        if at is None:
            at = _word_after(clause, group, stop)
        if at is not None:
            kind = _kind(clause[at])
            totals[kind] = totals.get(kind, 0) + sum(_value(clause[i]) for i in group)
    return totals


_CLAUSE_SPLIT = re.compile(r"[;.]|\b(?:" + "|".join(w for w in CLAUSE_BREAKS if w.isalpha()) + r")\b", re.I)


def _clauses(text: str) -> list[str]:
    """The sentence cut where one source's account may end and another's begin."""
    return _CLAUSE_SPLIT.split(text)


def _tolls(text: str) -> dict[str, int]:
    """'the death toll rose to 31', 'the number of wounded climbed to 94': the first of each kind."""
    tolls: dict[str, int] = {}
    for match in _TOLL.finditer(text):
        words = [w.lower() for w in _TOKEN.findall(match.group("what") or match.group("what2"))]
        kind = "injured" if any(w in INJURED for w in words) else "killed"
        if "toll" in match.group().lower() or any(w in KILLED | INJURED for w in words):
            tolls.setdefault(kind, int(match.group("figure") or match.group("figure2")))
    return tolls


def extract_figures(text: str) -> Figures:
    """Killed and injured figures stated by one casualty sentence (None: not stated)."""
    masked, zero_killed, zero_injured = _zeros(text)
    figures: dict[str, int] = {}
    for clause in _clauses(_normalize(masked)):
        # a toll outranks the other figures of its clause; sources differ: the clause named first counts
        for kind, total in [*_tolls(clause).items(), *_clause_figures(_tokens(clause)).items()]:
            figures.setdefault(kind, total)
    killed = figures.get("killed", 0 if zero_killed else None)
    injured = figures.get("injured", 0 if zero_injured else None)
    return Figures(killed=killed, injured=injured)
