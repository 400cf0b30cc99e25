"""How checkable a sentence is: the content half of a claim's score.

The cue that made a candidate (a reporting verb, "according to", estimative language)
says someone asserts something; it does not say the something can be checked. "He
said it was a cruel crime" has a perfect cue and nothing a fact-checker could verify,
while "More than 25 deaths have been reported" has no speaker and is a plain fact.
So the cue's score is adjusted by what the sentence holds:

- up for facts: a number or an explicit date, a verb of a concrete event (killed,
  seized, ordered, withdrew), a report that something was not confirmed or commented on;
- down for what is not checkable: evaluative or emotive words, stance-only reactions
  (thanked, celebrated, criticised), demands (should, must), vague assurances and
  forecasts, first- and second-person rhetoric, and run-in labels ("Details:").

The word lists are general English, not taken from any one report.
"""

from __future__ import annotations

import re

from .found import Found

_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_NUMBER = re.compile(r"\d")

EVENT_VERBS = frozenset(
    """killed kill killing wounded injured injuring died dead deaths struck strike strikes hit hits
    shelled shelling bombed attacked attack attacks launched fired shot downed destroyed
    damaged damaging seized captured captures liberated recaptured retook took taken occupied
    occupy advanced advancing advance withdrew withdrawn withdrawing withdrawal retreated
    retreat retreats evacuated fled displaced arrested detained charged sentenced convicted
    indicted opened closed dropped signed approved passed voted elected appointed dismissed
    resigned fired ordered authorized authorised deployed transferred sent delivered
    supplied exploded explosion collapsed flooded flooding sank sunk crashed invaded
    encircled surrounded repelled repulsed outflanked controlled control controls held holds
    gained lost losses casualties prisoners hostages exchanged released published banned
    sanctioned imposed raised cut increased decreased fell rose reached announced
    met visited traveled travelled arrived departed left returned began started ended
    continues continue continued conducted conduct conducting investigation investigating
    case invited disbanded dissolved rocked blast""".split()
)
# A statement that something is not known, confirmed or commented on: checkable as such.
_RECORD = re.compile(
    r"\b(?:not (?:immediately )?(?:able to |)(?:confirm|verify|comment|known|clear)|could not (?:immediately )?(?:confirm|verify)"
    r"|declined to (?:comment|say)|did not (?:immediately )?comment|no (?:details|comment|confirmation)|unclear)"
)
EVALUATIVE = frozenset(
    """cruel brutal barbaric heinous shameful disgraceful outrageous despicable evil vicious
    insane absurd ridiculous senseless shocking horrific terrible awful glorious heroic
    triumph triumphalism victory defeat humiliation betrayal treason traitors optimism
    pessimism defiant proud pride grateful gratitude thanked celebrated praised condemned
    criticized criticised mocked ridiculed deplored lamented denounced slammed outraged
    scum vermin creature creatures thugs viciously deceived senseless""".split()
)
DEMANDS = frozenset("should must ought".split())
_NEED = re.compile(r"\b(?:may|might|would|will|could) (?:\w+ly )?need\b")
# Vague assurances and forecasts: "continue to fulfil their tasks", "will depend on".
_VAGUE = re.compile(
    r"\b(?:under control|situation\b[^.;]{0,40}\bunder (?:the )?control|will (?:\w+ly )?depend on|depends on the|remains to be seen"
    r"|continues? to (?:fulfil|perform|carry out|accomplish)\w* (?:their|its|our|his|her) (?:tasks?|duties|missions?)"
    r"|will (?:\w+ly |further |also )?(?:increase|enable|strengthen|weaken|complicate|undermine|improve|worsen|help|allow|affect) (?!\d))"
)
# A sentence about the page itself ("This map is updated daily", "in this report").
_ABOUT_PAGE = re.compile(
    r"\b(?:this|the present)\s+(?:map|report|article|page|story|post|update)s?\s+(?:is|are|will\s+be|was)\s+(?:updated|published|based|available|produced)\b"
)
# Navigation and calls to action addressed to the reader.
_CALL_TO_ACTION = re.compile(r"\W*(?:check out|read (?:more|also)|see also|sign up|subscribe|follow us|click|watch|listen to|donate|support us)\b")
_FIRST_PERSON = frozenset("i i'm i’m me my you your we're we’re let’s let's".split())
_MONTHS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
)


def adjust(score: float, text: str, entities: list[Found]) -> tuple[float, list[str]]:
    """The cue's score moved by the sentence's content, and the reasons for each move."""
    lower = text.lower()
    words = _WORD.findall(lower)
    why = []
    facts = _facts(lower, words, entities)
    if facts:
        score = max(score, 0.55) + 0.05 * min(len(facts), 2)
        why.append("facts: " + ", ".join(facts))
    against = _against(lower, words)
    if against:
        # an epithet in a sentence that states a number, a date or the record leaves the fact;
        # an event word alone does not ("a cruel crime and a senseless attack")
        firm = [f for f in facts if not f.startswith("event verb")]
        only_person = all(a.startswith("first or second") for a in against)
        score -= 0.15 if firm or (facts and only_person) else 0.4
        if any(a.startswith(("vague", "a demand")) for a in against) and not firm:
            score = min(score, 0.3)  # "the situation is under control", "will depend on", "may need"
        why.append("not checkable: " + ", ".join(against))
    if _ABOUT_PAGE.search(lower):
        score, why = 0.05, why + ["about the page itself"]
    elif len(words) <= 6 and text.rstrip().endswith(":"):
        score, why = 0.05, why + ["a run-in label"]
    elif _CALL_TO_ACTION.match(lower):
        score, why = 0.05, why + ["a call to action"]
    return min(max(score, 0.05), 0.98), why


def _facts(lower: str, words: list[str], entities: list[Found]) -> list[str]:
    out = []
    if any(f.label == "QUANTITY" for f in entities) or _NUMBER.search(lower) or _MONTHS.search(lower):
        out.append("a number or date")
    verbs = [w for w in words if w in EVENT_VERBS]
    if verbs:
        out.append(f"event verb {verbs[0]!r}")
    if _RECORD.search(lower):
        out.append("not confirmed or commented")
    return out


def _against(lower: str, words: list[str]) -> list[str]:
    out = []
    evaluative = [w for w in words if w in EVALUATIVE]
    if evaluative:
        out.append(f"evaluative {evaluative[0]!r}")
    if any(w in DEMANDS for w in words) or _NEED.search(lower):
        out.append("a demand")
    if _VAGUE.search(lower):
        out.append("vague assurance or forecast")
    if any(w in _FIRST_PERSON for w in words):
        out.append("first or second person")
    return out
