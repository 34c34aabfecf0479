"""What the council agreed to do: the decision's action sections (and summary) -> Remedy.

A sum of money is recorded as a payment only when it is the remedy: the organisation agreed to pay it
(state `agreed`: "has agreed to", "agreed to ... and pays", "the Council will"), the Ombudsman recommended
it (`recommended`: "should", "must", "I recommend"; `agreed` once the organisation accepted the
recommendations), the organisation has already paid it and the Ombudsman accepts that as the remedy
(`paid`: "has already paid ..., which I consider a suitable remedy"), or the Ombudsman accepts its offer
(`offered`: "I welcome the Council's offer of £300", "in addition to the £200 it offered").  Every other
sum the decision mentions is not a payment: the council tax bill in dispute, what the complainant asked
for, the range our guidance suggests, an offer the Ombudsman did not adopt.  A refund of the
organisation's own charge, or a charge waived or written off, is recorded in `Remedy.waived`, outside the
total.  Where the wording leaves it open, `Remedy.note` says so and the remedy is listed for review.

The same wording is read in the action sections and, sentence by sentence, in the summary: a statement
cut short after its summary still says what was agreed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from ..model import OUTCOMES, Payment, Remedy, Waiver
from .text import sentences, trim_end

UPHELD, NOT_UPHELD, CLOSED = OUTCOMES

# Up to £999,999,999: no remedy comes near it, and a longer run of digits is not a sum of money.
MONEY = re.compile(r"£\s?(?P<pounds>\d{1,3}(?:,\d{3}){1,2}|\d{1,9})(?:\.(?P<pence>\d{1,2}))?(?![\d,]\d)(?!\d)")

# --- where an agreed or recommended action starts in a sentence; the action is what follows

# What the statement calls the organisation: "the Council", "the Care Provider", "the Trust", "Council B".
ORGANISATION = r"(?:[Tt]he\s+(?:[A-Z][\w'’]*\s+){0,2}?[A-Z][\w'’]*|[A-Z][\w'’]*\s+[A-Z]\b|[Ii]t)"
# Words that report what someone else said or wants: "Mr X says the Council should pay him £2,000".
REPORTED = re.compile(r"\b(?:says?|said|wants?|wanted|asks?|asked|believes?|believed|feels?|felt|thinks?|thought"
                      r"|argues?|argued|claims?|claimed|would like|complain\w*|expects?|expected|hoped?|hoping)\b",
                      re.I)
RECOMMENDATIONS = r"(?:my|our|these|those|this|the Ombudsman's|the Ombudsmen's)\s+recommendations?"


@dataclass(frozen=True)
class _Anchor:
    pattern: re.Pattern[str]
    state: str | None          # None: "will" takes the state of the section it is in


ACTION_ANCHORS = (
    # "has agreed to my recommendation to pay ...", "accepted our recommendations that it should:"
    _Anchor(re.compile(rf"(?<!\bnot )\b(?:agree[sd]?\s+to|accept(?:s|ed)?)\s+(?:all\s+(?:of\s+)?)?{RECOMMENDATIONS}"
                       rf"(?:\s*,?\s*(?:to|that(?:\s*,?\s*(?:within|by)\b[^.]{{0,150}}?,?)?\s+(?:it|the\s+\w+)"
                       rf"(?:\s+(?:should|will|would))?|and\s+(?:will|to)))?\s*",
                       re.I), "agreed"),
    # "I welcome the Council's agreement to pay ..."
    _Anchor(re.compile(r"\b(?:I|[Ww]e)\s+(?:\w+\s+)?welcomes?\s+(?:the\s+)?(?:[A-Z][\w]*\s+){0,2}?[A-Z]\w*['’]s\s+"
                       r"agreement\s+to\s*"), "agreed"),
    _Anchor(re.compile(r"(?<!\bnot )(?<!n't )(?<!never )(?<!\bhad )(?<!\bto )(?<!\bwould )\bagree[sd]? to\b"
                       r"(?!\s+(?:this|that|these|those|it|them|do so)\b)\s*", re.I), "agreed"),
    _Anchor(re.compile(r"(?<!\bnot )\bagree[sd]? that\b[^.]{0,200}?\b(?:it|the Council) (?:will|would|should)\b\s*"),
            "agreed"),
    # "I recommend (that), within a month, the Council ...", "We also recommended the Care Provider should ...",
    # "We recommend that within one month:" (the points name who does what)
    _Anchor(re.compile(r"\b(?:I|[Ww]e|[Tt]he Ombudsm[ae]n)\s+(?:(?:also|have|had|now|therefore|further)\s+){0,2}"
                       r"recommend(?:s|ed)?(?:\s+that)?(?:\s*,?\s*(?:within|by)\b[^.]{0,150}?,?)?"
                       rf"\s+{ORGANISATION}(?:\s+(?:should|must|will|to))?\b\s*"), "recommended"),
    _Anchor(re.compile(r"\b(?:I|[Ww]e|[Tt]he Ombudsm[ae]n)\s+(?:(?:also|have|had|now|therefore|further)\s+){0,2}"
                       r"recommend(?:s|ed)?(?:\s+that)?(?=[^.]*:\s*$)\s*"), "recommended"),
    # "The Council should ...", at the start of a sentence, after a "Within a month," or "To remedy the injustice"
    # lead-in, or after "and"/"so": "We found fault and the Council should apologise".
    _Anchor(re.compile(r"(?:^|(?:,|\band|\bso)\s+(?:that\s+)?)(?:(?:Within|To|By|In order to)\b[^.]{0,150}?,?\s+)?"
                       r"(?:[Tt]he\s+(?:[A-Z][\w'’]*\s+){0,2}?[A-Z][\w'’]*|[A-Z][\w'’]*\s+[A-Z]\b)"
                       r"\s+(?P<modal>should|must|will)\b(?!\s+(?:have|not|be)\b)(?:\s+(?:also|now)\b)?\s*"), None),
)
COMPLIANCE_BOILERPLATE = re.compile(r"\bprovide us with (?:evidence|details|confirmation)\b"
                                    r"|\bevidence it has complied\b|\bconsider the report and confirm\b", re.I)
# "The Council has accepted my recommendations": what was recommended is agreed.
RECOMMENDATIONS_ACCEPTED = re.compile(rf"\b(?:has|have|had)\s+(?:now\s+|since\s+)?(?:accepted|agreed to)\s+"
                                      rf"(?:all\s+(?:of\s+)?)?{RECOMMENDATIONS}\b", re.I)
DEADLINE = re.compile(r"\bwithin\s+(?:[\w-]+\s+){1,3}?of\s+(?:the\s+date\s+of\s+)?(?:my|the|our|this)\s+"
                      r"(?:final\s+)?decision\b", re.I)
GENERIC_ACTION = re.compile(
    r"(?:(?:take|do|carry out|complete)\s+)?(?:the\s+)?(?:following|below)?\s*(?:actions?|steps?)?"
    r"\s*(?:to\s+remedy\s+(?:the|this|that)\s+injustice)?", re.I)
# Actions as agreed ("pay ...") or as recommended ("pays ...").
PAYMENT_ACTION = re.compile(r"^(?:pays?|makes? (?:a|an)\b[^.£]{0,20}\bpayment|refunds?|reimburses?)\b", re.I)
APOLOGY_ACTION = re.compile(r"^(?:apologi[sz]es?|(?:send|give|provide|make|offer|write)s?\b[^.]{0,60}?\b"
                            r"(?:apology|apologi[sz]e))\b", re.I)
IMPROVEMENT_WORDS = re.compile(
    r"\b(?:polic(?:y|ies)|procedures?|process(?:es)?|guidance|training|train|staff|practice|systems?|learning"
    r"|service improvements?|action plan|remind\w*|improve\w*|reviews? (?:how|the way)"
    r"|review\w* (?:[\w-]+ ){0,8}?of (?:all|every|other))\b", re.I)
PROPER_WORDS = frozenset("Mr Mrs Ms Miss Dr Council I".split())

SUMMARY_APOLOGY = re.compile(r"\bapologi[sz]e(?:s)?\b|\bapology\b", re.I)
SUMMARY_IMPROVEMENT = re.compile(
    r"\bservice improvements?\b|\bimprove (?:its|their)\b|\btraining\b|\btrain (?:its |their |relevant )?staff\b"
    r"|\baction plan\b|\b(?:issue|provide|produce|update)s? (?:its |new |further |clear )?guidance\b"
    r"|\bremind\w* (?:its |relevant |all |the )?(?:[\w-]+ ){0,3}?"
    r"(?:staff|officers|officials|employees|managers|teams?|workers|carers)\b"
    r"|\breviews? (?:how|the way|its (?:policy|policies|procedures?|process(?:es)?|practice|guidance))\b"
    r"|\breview\w* (?:[\w-]+ ){0,8}?of (?:all|every|other)\b", re.I)

# --- which sums are payments
# The words that make a sum something the organisation pays ...
PAY_WORDS = re.compile(r"\b(?:pay|pays|paying|payments?|refund\w*|reimburs\w*|repay\w*|compensat\w*|award\w*"
                       r"|financial remedy)\b", re.I)
# ... or takes off what it charged: a sum waived, written off, or the refund of a charge.
WAIVE_WORDS = re.compile(r"\b(?:waiv\w*|write off|writ\w* off|wr[io]te off|cancel\w*|remov\w*|credit\w*|reduc\w*"
                         r"|refund\w*|repay\w*)\b", re.I)
# ... unless what follows them leaves it open whether anything is paid at all.
NOT_PAID = re.compile(r"\b(?:withdraw\w*|recover\w*|offset\w*|deduct\w*)\b", re.I)
# What a refund returns: the organisation's own charge (waived), or a cost the person paid elsewhere (a payment).
CHARGE_WORDS = re.compile(r"\b(?:charges?|charged|fees?|arrears|council tax|rent|contributions?|debt|invoices?|bills?"
                          r"|penalty|penalties|fines?|deposit|overpayment|account|premium|surcharge|rates)\b", re.I)
COST_WORDS = re.compile(r"\b(?:costs?|expenses?|spent|mileage|travel|taxis?|fares?|bus pass|assessment|report)\b",
                        re.I)
# A sum that is not fixed: "up to £500", "the difference between £3,100 and ...".
UNFIXED = re.compile(r"\b(?:difference|up to|at least|about|around|approximately|roughly|no more than"
                     r"|a maximum of|a minimum of|estimated)\b", re.I)
# A sum quoted for comparison: our guidance's range, what a payment already includes.
REFERENCE = re.compile(r"\b(?:guidance|range|between|typical\w*|usual\w*|normally|includ\w*|of which|calculated"
                       r"|based on|at a rate of|equivalent to|made up of|comprising|consisting of)\b", re.I)
TOTAL_OF = re.compile(r"\b(?:(?:a|in)\s+total\s+of|totall?ing)\s*$", re.I)
# "in addition to the £200 it offered": the earlier sum is part of the remedy too.
IN_ADDITION = re.compile(r"\bin addition to\s+(?:the\s+|its\s+|their\s+)?$", re.I)
ALREADY_PAID_AFTER = re.compile(r"^[^.;£]{0,80}?\b(?:paid|refunded|reimbursed)\b", re.I)
# Where the clause that governs a sum starts.
CLAUSE_BOUNDARY = re.compile(r"[.;:()]|,\s|\s(?:and|or|plus|but|then)\s", re.I)
# "£300 for her distress and £150 for ..." - the second sum shares the first one's verb.
JOINED_SUM = re.compile(r"[^.;:()£]{0,200}?(?:,\s*)?\b(?:and|plus)\s+(?:(?:a|another|a further|an additional)\s+)?")
BREAKDOWN = re.compile(r"\s*\(\s*")
LOOK_BACK = 150
LOOK_AHEAD = 300

# "£200 to each of Mr and Mrs X", "pay each of the two children £150", "£100 each".
EACH_AFTER = re.compile(r"^\s*(?:each\s+)?to\s+each\s+of\s+(?P<who>(?:[^,;.£](?!\bto\s+(?:recognise|recognize|remedy"
                        r"|acknowledge|reflect)\b|\bfor\b|\bin\s+recognition\b))*[^,;.£]?)|^\s*each\b", re.I)
EACH_BEFORE = re.compile(r"\beach\s+of\s+(?P<who>[^,;.£]{1,80}?)\s*$|\b(?:pays?|paying)\s+(?P<both>both\s+[^,;.£]{1,60}?"
                         r"|(?:Mr|Mrs|Ms|Miss|Dr)\s+(?:and|&)\s+(?:Mr|Mrs|Ms|Miss|Dr)\s+[A-Z]\w*)\s*$", re.I)
NUMBER_WORDS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
PEOPLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Master)\b|\b(?:his|her|their)\s+(?:son|daughter|wife|husband|partner"
                    r"|mother|father|brother|sister)\b")

PERIOD = re.compile(r"^\s*(?:for\s+)?(?:per|a|an|each|every)\s+(?:calendar\s+|school\s+)?"
                    r"(?P<unit>week|month|term|year)\b", re.I)
PURPOSE_AFTER_AMOUNT = re.compile(
    r"^\s*(?:\([^()]{0,120}\)\s*)?(?:(?:for\s+)?(?:per|a|an|each|every)\s+(?:calendar\s+|school\s+)?"
    r"(?:week|month|term|year)\b[^,;]{0,150}?)?\s*,?\s*"
    r"(?:to\s+(?:Mr|Mrs|Ms|Miss|Dr)\s+[A-Z]\w*\s+)?"
    r"(?:to\s+(?:recognise|recognize|remedy|acknowledge|reflect|address)|in\s+recognition\s+of"
    r"|in\s+acknowledgement\s+of|for)\s+(?P<purpose>\S.*)$", re.I | re.S)
# "refund Mrs E £1,250.50, the charges she paid ...", "refund the £250 she paid for the assessment".
PURPOSE_APPOSITION = re.compile(
    r"^\s*(?:,\s+(?P<what>(?:the|her|his|their|its)\s+(?:costs?|charges?|fees?|amount|money|sum|rent|arrears)\b.*)"
    r"|\s(?:(?:Mr|Mrs|Ms|Miss|Dr)\s+[A-Z]\w*|she|he|they|it)\s+(?:had\s+)?(?:paid|spent)\s+(?:for|on|towards)\s+"
    r"(?P<paid_for>\S.*))$", re.I | re.S)
# "write off the £346.20 of charges it added ...": what a waived sum was charged for.
PURPOSE_OF_CHARGE = re.compile(r"^\s+(?:in|of)\s+(?P<what>(?:[\w'’-]+\s+){0,3}?"
                               r"(?:charges?|fees?|arrears|rent|council tax|debt|contributions?|costs)\b.*)$",
                               re.I | re.S)
# "refund the £75 compliance fee Mr J paid": the sum names what it is.
PURPOSE_NOUN = re.compile(r"^\s+(?!(?:she|he|they|it|to|for|in|a|an|per|each|every|of|and|or|which|that|as)\b)"
                          r"(?P<noun>[a-z][\w-]*(?:\s+(?!and\b|or\b|to\b)[\w’'-]+){0,8})\s*(?:[,;.(]|$)")
PURPOSE_FOLLOW_UP = re.compile(
    r"^(?:This|It|That|The payment|This payment|The sum)\s+is\s+(?:to\s+(?:recognise|recognize|remedy|acknowledge"
    r"|reflect|address)|in\s+recognition\s+of|for)\s+(?P<purpose>\S.*)$", re.S)
ANAPHORIC_PURPOSE = re.compile(r"^(?:that|this|these|those|it|its|such)\b|^(?:the\s+)?injustice$", re.I)
ACCEPTED_OFFER = re.compile(r"\b(?:I|[Ww]e)\s+(?:\w+\s+)?(?:welcome|accept)s?\s+(?:the\s+)?[^.£]{0,60}?\boffer\s+"
                            r"(?:of\s+)?(?=£)")
# "The Council has already paid Mrs X £250, which I consider a suitable remedy."
ALREADY_PAID = re.compile(rf"\b{ORGANISATION}\s+(?:has|had)\s+(?:already\s+|now\s+|since\s+)?(?:paid|made a payment"
                          rf"|made (?:a|an)\s+[\w-]+\s+payment)\b")
REMEDY_ACCEPTED = re.compile(
    r"\b(?:suitable|appropriate|proportionate|sufficient|adequate|reasonable|satisfactory|fair)\b[^.]{0,40}?"
    r"\bremedy\b|\bremed(?:y|ies|ied)\s+(?:the|this|that|any|her|his|their)\s+(?:\w+\s+)?injustice\b"
    r"|\bput(?:s)? right\b|\bin line with (?:our|the Ombudsman's) guidance\b"
    r"|^(?:This|That|It) (?:is|was) (?:a |an )?(?:suitable|appropriate|proportionate|sufficient|enough|reasonable)\b",
    re.I)
OFFER = re.compile(r"\boffer(?:s|ed|ing)?\b", re.I)
OFFER_ENDORSED = re.compile(
    r"\bput right\b|\bremedied\b|\bin line with our guidance\b|\bin excess of\b"
    r"|\b(?:is|was) (?:appropriate|proportionate|sufficient|reasonable)\b", re.I)
NEGATION = re.compile(r"\b(?:not|never|no longer)\b|n't\b", re.I)
NEGATION_REACH = 60
# What the decision calls the organisation ("the Council", "the Care Provider"), for the editor's note.
ORGANISATION_WORDS = re.compile(r"\bthe (Council|Care Provider|Provider|Trust|Care Home)\b")


@dataclass(frozen=True)
class Passage:
    """A paragraph of an action section: its text and its sub-points, and whether the section says the
    Ombudsman recommends (rather than the organisation agreed) what it holds."""
    text: str
    points: tuple[str, ...] = ()
    recommended: bool = False


@dataclass(frozen=True)
class _Action:
    text: str                # as worded, lower-case first letter
    context: str = ""        # the sentence after it, which may say what a payment is for
    state: str = "agreed"    # how any payment in it stands


@dataclass
class _Sums:
    payments: list[Payment] = field(default_factory=list)
    waived: list[Waiver] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)      # sums that may or may not be part of the remedy ("£150")
    shared: list[str] = field(default_factory=list)       # sums paid to each of an unknown number of people


def read_remedy(summary: str, action_passages: list[Passage], texts: list[str], outcome: str | None,
                cut_short: bool) -> Remedy:
    """The remedy, from the action sections (or, when the text has none, from the summary).

    `texts` is every paragraph and point of the body; `cut_short` says the text ends before its decision.
    """
    all_sentences = [sentence for text in [summary, *texts] for sentence in sentences(text)]
    accepted = any(RECOMMENDATIONS_ACCEPTED.search(sentence) and not _negated(sentence, RECOMMENDATIONS_ACCEPTED)
                   for sentence in all_sentences)
    actions = _as_accepted(_agreed_actions(action_passages), accepted)
    found = _Sums()
    for action in actions:            # each action's sums are its own, even where two are equal
        _add(found, _sums_in(action.text, action.context, action.state), again=True)
    _add(found, _Sums(_accepted_offers(all_sentences)))
    _add(found, _Sums(_paid_and_accepted(all_sentences)))
    summary_actions = _as_accepted(_summary_actions(summary), accepted)
    summary_sums = _Sums()
    for action in summary_actions:
        _add(summary_sums, _sums_in(action.text, "", action.state))
    summary_only: list[str] = []
    if action_passages and not cut_short:    # the body says what was agreed; the summary only sums it up
        known = {p.amount for p in found.payments} | {w.amount for w in found.waived} | {_total(found.payments)}
        amounts = [p.amount for p in summary_sums.payments] + [w.amount for w in summary_sums.waived]
        summary_only = [_label(amount) for amount in amounts if amount not in known]
    else:                          # no actions, or only the start of them: the summary says the rest
        _add(found, summary_sums)
    payments = _with_resolved_purposes(found.payments, all_sentences)
    notes = [
        _cut_short_note(cut_short, outcome, bool(action_passages)),
        _unclear_note(found.unclear, bool(action_passages)),
        _shared_note(found.shared),
        _summary_only_note(summary_only),
        _unrecorded_offer_note(all_sentences, payments),
        _missing_action_note(outcome, actions, payments, found.waived, cut_short),
        _recurring_note(payments),
    ]
    return Remedy(
        total=_total(payments),
        payments=tuple(payments),
        waived=tuple(found.waived),
        apology=any(APOLOGY_ACTION.match(a.text) for a in actions)
        or any(SUMMARY_APOLOGY.search(a.text) for a in summary_actions),
        service_improvements=(any(_is_improvement(a.text) for a in actions)
                              or any(SUMMARY_IMPROVEMENT.search(a.text) for a in summary_actions)),
        actions=tuple(action.text for action in actions),
        deadline=_deadline(action_passages),
        note=" ".join(note for note in notes if note) or None,
    )


def _add(found: _Sums, more: _Sums, again: bool = False) -> None:
    """Add sums not already found.  The same sum in an action and an accepted offer is one payment,
    described by whichever of them says what it is for, in the state the action gives it; two equal sums
    in one wording ("the Council pays £500 and the Trust pays £500") are two payments.  `again`: add every
    sum, even one equal to a sum found before (each action's sums are its own)."""
    known = {payment.amount: index for index, payment in enumerate(found.payments)}
    for payment in more.payments:
        if again or payment.amount not in known:
            found.payments.append(payment)
        elif payment.purpose and not found.payments[known[payment.amount]].purpose:
            found.payments[known[payment.amount]] = replace(found.payments[known[payment.amount]],
                                                           purpose=payment.purpose)
    waived = {waiver.amount for waiver in found.waived}
    found.waived.extend(waiver for waiver in more.waived if again or waiver.amount not in waived)
    found.unclear.extend(label for label in more.unclear if label not in found.unclear)
    found.shared.extend(label for label in more.shared if label not in found.shared)


def _total(payments: list[Payment]) -> int:
    exact = sum((Decimal(str(payment.amount)) for payment in payments), Decimal(0))
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def _negated(sentence: str, pattern: re.Pattern[str]) -> bool:
    match = pattern.search(sentence)
    return match is not None and bool(NEGATION.search(sentence, max(0, match.start() - NEGATION_REACH), match.end()))


# --------------------------------------------------------------------------- actions

def _agreed_actions(passages: list[Passage]) -> list[_Action]:
    actions: list[_Action] = []
    for passage in passages:
        if COMPLIANCE_BOILERPLATE.search(passage.text):
            continue
        section_state = "recommended" if passage.recommended else "agreed"
        parts = sentences(passage.text)
        for index, sentence in enumerate(parts):
            anchored = _action_clause(sentence, section_state)
            if anchored is None:
                continue
            clause, state = anchored
            if _is_generic(clause):      # "... agreed to take the following actions:" - the points are the actions
                actions += [_point_action(point, state) for point in passage.points
                            if not COMPLIANCE_BOILERPLATE.search(point)]
            else:
                following = parts[index + 1] if index + 1 < len(parts) else ""
                actions.append(_Action(_tidy_action(clause), following, state))
    return [action for action in actions if action.text]


def _summary_actions(summary: str) -> list[_Action]:
    """What the summary says was agreed or recommended, a clause a sentence: "The Council should apologise ..."."""
    actions = []
    for sentence in sentences(summary):
        anchored = _action_clause(sentence, "agreed")
        if anchored is not None:
            actions.append(_Action(anchored[0], "", anchored[1]))
    return actions


def _as_accepted(actions: list[_Action], accepted: bool) -> list[_Action]:
    """Once the organisation has accepted the recommendations, what was recommended is agreed."""
    return [replace(action, state="agreed") if accepted and action.state == "recommended" else action
            for action in actions]


def _point_action(point: str, state: str) -> _Action:
    """A point's first sentence is the action; a second one may say what a payment is for, or only
    comment on it ("We publish guidance on remedies ...")."""
    parts = sentences(point) or [point]
    return _Action(_tidy_action(parts[0]), parts[1] if len(parts) > 1 else "", state)


def _action_clause(sentence: str, section_state: str) -> tuple[str, str] | None:
    """The words after the first anchor in a sentence, and the state they give a payment; None where the
    sentence reports what someone else said or wants."""
    found = [(match, anchor) for anchor in ACTION_ANCHORS if (match := anchor.pattern.search(sentence))]
    if not found:
        return None
    match, anchor = min(found, key=lambda pair: pair[0].start())
    if REPORTED.search(sentence, 0, match.start()) and not re.match(r"\s*(?:I|We)\b", sentence):
        return None
    state = anchor.state or ("recommended" if match["modal"] in ("should", "must") else section_state)
    return sentence[match.end():], state


def _is_generic(clause: str) -> bool:
    if len(clause) > 200:
        return False
    text = re.sub(r"\([^()]*\)", " ", DEADLINE.sub(" ", clause))
    text = " ".join(re.sub(r"[,;:.]", " ", text).split())
    return bool(GENERIC_ACTION.fullmatch(text))


def _tidy_action(text: str) -> str:
    """The action without its deadline ("Within one month ..., apologise" -> "apologise") or list punctuation."""
    text = text.lstrip(" ,;:")
    leading = DEADLINE.match(text)
    if leading:
        text = text[leading.end():].lstrip(" ,;:")
    trailing = [match for match in DEADLINE.finditer(text) if not text[match.end():].strip(" ,;:.")]
    if trailing:
        text = text[:trailing[-1].start()]
    return _lower_first(trim_end(text.lstrip(" ,;:")))


def _lower_first(text: str) -> str:
    """"Apologise to Mrs X" -> "apologise to Mrs X"; names ("Mrs X", "Council B") and acronyms keep their capitals."""
    first = text.split(" ", 1)[0]
    if not first or first[1:] != first[1:].lower() or first.rstrip(".,") in PROPER_WORDS:
        return text
    return text[0].lower() + text[1:]


def _deadline(passages: list[Passage]) -> str | None:
    for passage in passages:
        for text in (passage.text, *passage.points):
            match = DEADLINE.search(text)
            if match:
                return _lower_first(" ".join(match.group(0).split()))
    return None


def _is_improvement(action: str) -> bool:
    return (not PAYMENT_ACTION.match(action) and not APOLOGY_ACTION.match(action)
            and bool(IMPROVEMENT_WORDS.search(action)))


# --------------------------------------------------------------------------- sums of money

@dataclass(frozen=True)
class _Found:
    """One sum in an action's wording and what it is."""
    match: re.Match[str]
    kind: str                # "payment", "waived", "offered", "paid", "unclear" or "other"
    total: bool = False      # "a total of £1,100": the sum of the payments beside it


def _sums_in(text: str, follow_up: str = "", state: str = "agreed") -> _Sums:
    """The payments and waived sums an action's wording makes, and the sums in it that may or may not be
    part of the remedy."""
    found: list[_Found] = []
    for match in MONEY.finditer(text):
        previous = found[-1] if found else None
        before = text[max(0, match.start() - LOOK_BACK):match.start()]
        found.append(_Found(match, _kind_of_sum(text, match, previous), bool(TOTAL_OF.search(before))))
    sums = _Sums()
    for item in _without_double_counting(found):
        amount = _amount(item.match)
        if item.kind in ("payment", "offered", "paid"):
            sums.payments.append(_payment(text, item.match, follow_up, state if item.kind == "payment" else item.kind,
                                          sums))
        elif item.kind == "waived":
            sums.waived.append(Waiver(amount, _waiver_purpose(text, item.match)))
        elif item.kind == "unclear":
            sums.unclear.append(_label(amount))
    return sums


def _without_double_counting(found: list[_Found]) -> list[_Found]:
    """"a total of £1,100 (£800 for ... and £300 for ...)": the parts if they add up to the total (they
    say what each is for), else the total alone."""
    totals = [item for item in found if item.total and item.kind == "payment"]
    if not totals:
        return found
    parts = [item for item in found if not item.total and item.kind == "payment"]
    whole = sum(Decimal(str(_amount(item.match))) for item in totals)
    if parts and sum(Decimal(str(_amount(item.match))) for item in parts) == whole:
        return [item for item in found if item not in totals]
    return [item for item in found if item not in parts]


def _kind_of_sum(text: str, match: re.Match[str], previous: _Found | None) -> str:
    """What a sum in an action is: see `_Found.kind` ("other": a figure quoted for comparison or explaining a
    payment)."""
    paid_before = previous is not None and previous.kind in ("payment", "waived")
    if previous is not None and paid_before:
        gap = text[previous.match.end():match.start()]
        if BREAKDOWN.fullmatch(gap) and not previous.total:
            return "other"                    # "£1,800 (£900 a term ...)": the bracket explains the payment
        if JOINED_SUM.fullmatch(gap) or (previous.total and BREAKDOWN.fullmatch(gap)):
            return previous.kind
    window = text[max(0, match.start() - LOOK_BACK):match.start()]
    clause = window[_last_boundary(window):]
    if paid_before and window.rstrip().endswith("(") and not clause.strip():
        return "other"                        # "... since August 2023 (£250 a month)": how the payment was worked out
    if IN_ADDITION.search(window) and paid_before:
        return "paid" if ALREADY_PAID_AFTER.match(text[match.end():]) else "offered"
    if UNFIXED.search(clause):
        return "unclear"
    if REFERENCE.search(clause):
        return "other"
    return _kind_by_verb(text, match, clause)


def _kind_by_verb(text: str, match: re.Match[str], clause: str) -> str:
    """The last verb before the sum decides: pay (a payment), waive or refund a charge (waived)."""
    pay: re.Match[str] | None = None
    waive: re.Match[str] | None = None
    for pay in PAY_WORDS.finditer(clause):
        pass
    for waive in WAIVE_WORDS.finditer(clause):
        pass
    verb = pay or waive
    if NOT_PAID.search(clause, verb.end() if verb else 0):
        return "unclear"
    if waive is not None and (pay is None or waive.start() >= pay.start()):
        refund = re.match(r"refund|repay", waive.group(0), re.I)
        if not refund:
            return "waived"
        what = clause[waive.end():] + " " + _purpose_after(text[match.end():match.end() + LOOK_AHEAD])
        return "payment" if COST_WORDS.search(what) and not CHARGE_WORDS.search(what) else "waived"
    return "payment" if pay is not None else "unclear"


def _last_boundary(window: str) -> int:
    end = 0
    for boundary in CLAUSE_BOUNDARY.finditer(window):
        end = boundary.end()
    return end


def _payment(text: str, match: re.Match[str], follow_up: str, state: str, sums: _Sums | None = None) -> Payment:
    """A payment, its purpose from the words after it; a sum "to each of" two or more people is the whole
    they are paid, its purpose saying each one's share."""
    after = text[match.end():match.end() + LOOK_AHEAD]
    amount = _amount(match)
    each = EACH_AFTER.match(after)
    share = ""
    if each or EACH_BEFORE.search(text[max(0, match.start() - LOOK_BACK):match.start()]):
        before = EACH_BEFORE.search(text[max(0, match.start() - LOOK_BACK):match.start()])
        who = (each and each["who"]) or (before and (before["who"] or before["both"])) or ""
        people = _people(who) or _people(text[max(0, match.start() - LOOK_BACK):match.start()])
        if people:
            share = f" ({_label(amount)} to each of {trim_end(who.strip())})" if who.strip() else \
                f" ({_label(amount)} each)"
            amount = _times(amount, people)
        elif sums is not None:
            sums.shared.append(_label(amount))
        after = after[each.end():] if each else after
    period = PERIOD.match(after)
    named = PURPOSE_NOUN.match(after) if text[max(0, match.start() - 4):match.start()].lower() == "the " else None
    purpose = _purpose_after(after) or (f"the {named['noun']}" if named else "") or _purpose_follow_up(follow_up)
    return Payment(amount=amount, purpose=(purpose + share).strip(),
                   period=f"per {period['unit'].lower()}" if period else None, state=state)


def _people(who: str) -> int | None:
    """How many people "Mr and Mrs X", "the three children", "both of them" are; None when it does not say."""
    for word in re.findall(r"[a-z]+", who.lower()):
        if word in NUMBER_WORDS:
            return NUMBER_WORDS[word]
    count = len(PEOPLE.findall(who))
    return count if count >= 2 else None


def _times(amount: int | float, people: int) -> int | float:
    value = Decimal(str(amount)) * people
    return int(value) if value == value.to_integral_value() else float(value)


def _waiver_purpose(text: str, match: re.Match[str]) -> str:
    """What a waived sum was charged for: the words after it, or what the verb takes off ("reduce her bill by")."""
    after = text[match.end():match.end() + LOOK_AHEAD]
    named = PURPOSE_NOUN.match(after) if text[max(0, match.start() - 4):match.start()].lower() == "the " else None
    of_charge = PURPOSE_OF_CHARGE.match(after)
    purpose = _purpose_after(after) or (f"the {named['noun']}" if named else "")
    if not purpose and of_charge:
        purpose = _trimmed_purpose(of_charge["what"])
    if purpose:
        return purpose
    window = text[max(0, match.start() - LOOK_BACK):match.start()]
    taken_off = re.search(r"\b(?:reduce|credit|cancel|waive|write off)\s+(?P<what>[^,;.£]{3,80}?)\s+(?:by|with)\s*$",
                          window, re.I)
    return taken_off["what"] if taken_off and CHARGE_WORDS.search(taken_off["what"]) else ""


def _amount(match: re.Match[str]) -> int | float:
    value = Decimal(match["pounds"].replace(",", "") + "." + (match["pence"] or "0"))
    return int(value) if value == value.to_integral_value() else float(value)


def _label(amount: int | float) -> str:
    return f"£{amount:,}" if isinstance(amount, int) else f"£{amount:,.2f}"


# Where a purpose ends in a list of actions: "... £400 to recognise her distress, and remind its staff ...".
NEXT_ACTION = re.compile(r"(?:[,;]\s*(?:and\s+)?|\s+and\s+)(?:to\s+)?(?:apologi[sz]e|pay|pays|refund|reimburse|remind"
                         r"|review|provide|make|arrange|train|write|carry out|reconsider|reassess|issue|tell|ensure"
                         r"|update|introduce|cancel|waive|amend|send|meet|complete|confirm|give|share|consider)\b", re.I)

# ... or at the condition attached to the payment or a comment on it: "£185, the cost of ..., on receipt of the
# invoice", "£250 for his time and trouble, which I consider a suitable remedy".
CONDITION = re.compile(r",\s+(?:on receipt of|subject to|once|provided|if|when|as soon as|which|so|but|in addition to)\b",
                       re.I)


def _purpose_after(after: str) -> str:
    """What the words after a sum say it is for: "£200 to recognise ...", "£75 for ...", "£90, the cost of ..."."""
    match = PURPOSE_AFTER_AMOUNT.match(after)
    apposition = None if match else PURPOSE_APPOSITION.match(after)
    purpose = match["purpose"] if match else apposition and (apposition["what"] or apposition["paid_for"])
    return _trimmed_purpose(purpose) if purpose else ""


def _trimmed_purpose(purpose: str) -> str:
    """A purpose up to the next sum, action or condition."""
    purpose = re.split(r"(?:,?\s+(?:and|plus)\s+)?£", purpose, maxsplit=1)[0]
    if purpose.count("(") > purpose.count(")"):            # cut inside "(£250 a month)"
        purpose = purpose[:purpose.rfind("(")]
    elif purpose.count(")") > purpose.count("("):          # the last part of a breakdown in brackets
        purpose = purpose[:purpose.find(")")]
    for end in (NEXT_ACTION.search(purpose), CONDITION.search(purpose)):
        purpose = purpose[:end.start()] if end else purpose
    return trim_end(purpose)


def _purpose_follow_up(sentence: str) -> str:
    match = PURPOSE_FOLLOW_UP.match(sentence[:LOOK_AHEAD])
    return trim_end(match["purpose"]) if match else ""


def _accepted_offers(all_sentences: list[str]) -> list[Payment]:
    """Offers the Ombudsman explicitly takes as the remedy: "I welcome the Council's offer of £300 ..."."""
    found = []
    for sentence in all_sentences:
        match = ACCEPTED_OFFER.search(sentence)
        if match:
            money = MONEY.match(sentence, match.end())
            if money:
                found.append(_payment(sentence, money, "", "offered"))
    return found


def _paid_and_accepted(all_sentences: list[str]) -> list[Payment]:
    """Sums the organisation has already paid, which the Ombudsman accepts as the remedy: "The Council has
    already paid Mrs X £250, which I consider a suitable remedy" (or "... £250. I consider this ...")."""
    found = []
    for index, sentence in enumerate(all_sentences):
        paid = ALREADY_PAID.search(sentence)
        if paid is None or NEGATION.search(sentence, max(0, paid.start() - NEGATION_REACH), paid.end()):
            continue
        following = all_sentences[index + 1] if index + 1 < len(all_sentences) else ""
        verdict = sentence[paid.end():] + (" " + following if re.match(r"(?:This|That|It|I|We)\b", following) else "")
        accepted = REMEDY_ACCEPTED.search(verdict) or REMEDY_ACCEPTED.search(following)
        if accepted is None or NEGATION.search(verdict, max(0, accepted.start() - NEGATION_REACH), accepted.start()):
            continue
        money = MONEY.search(sentence, paid.end())
        if money and not re.search(r"[.;]", sentence[paid.end():money.start()]):
            found.append(_payment(sentence, money, "", "paid"))
    return found


def _with_resolved_purposes(payments: list[Payment], all_sentences: list[str]) -> list[Payment]:
    """"... offer of £300 to recognise that injustice": say what "that" is, from the offer itself."""
    offered: dict[int | float, str] = {}
    for sentence in all_sentences:
        if not OFFER.search(sentence) or ACCEPTED_OFFER.search(sentence):
            continue
        for match in MONEY.finditer(sentence):
            purpose = _purpose_after(sentence[match.end():match.end() + LOOK_AHEAD])
            if purpose and not ANAPHORIC_PURPOSE.match(purpose):
                offered.setdefault(_amount(match), purpose)
    return [replace(p, purpose=offered[p.amount])
            if (not p.purpose or ANAPHORIC_PURPOSE.match(p.purpose)) and p.amount in offered else p
            for p in payments]


# --------------------------------------------------------------------------- notes for the editor

def _cut_short_note(cut_short: bool, outcome: str | None, has_actions: bool) -> str | None:
    if not cut_short or outcome in (NOT_UPHELD, CLOSED):
        return None
    if has_actions:
        return "The text ends before the final decision, so the agreed action may be incomplete."
    return "The text ends before any agreed action, so the remedy is only what the summary says."


def _unclear_note(unclear: list[str], has_actions: bool) -> str | None:
    if not unclear:
        return None
    where = "The agreed action" if has_actions else "The summary"
    if len(unclear) == 1:
        return f"{where} also mentions {unclear[0]}, not counted as a payment; check whether it is part of the remedy."
    return (f"{where} also mentions {_listed(unclear)}, not counted as payments; check whether they are part of "
            f"the remedy.")


def _shared_note(labels: list[str]) -> str | None:
    if not labels:
        return None
    return (f"{_listed(labels)} is paid to each of several people the decision does not count; the total counts "
            f"it once: check the total.")


def _summary_only_note(labels: list[str]) -> str | None:
    if not labels:
        return None
    return f"The summary mentions {_listed(labels)}, which the agreed action does not; check the total."


def _unrecorded_offer_note(all_sentences: list[str], payments: list[Payment]) -> str | None:
    """Money the Council offered, which the decision says was enough, yet no remedy was agreed."""
    recorded = {payment.amount for payment in payments}
    offered: list[str] = []
    endorsed = False
    for sentence in all_sentences:
        if not OFFER.search(sentence):
            continue
        endorsed = endorsed or _endorses(sentence)
        for match in MONEY.finditer(sentence):
            label = "£" + match.group(0)[1:].strip()
            if _amount(match) not in recorded and label not in offered:
                offered.append(label)
    if not (endorsed and offered):
        return None
    return (f"The {_organisation(all_sentences)} offered {_listed(offered)} in its own complaints procedure and the "
            f"decision treats the offer as remedying the injustice, but the Ombudsman did not agree or recommend a "
            f"payment, so none is counted.")


def _endorses(sentence: str) -> bool:
    """"The Council has put right the injustice by offering ..." - but not "did not put right"."""
    return any(not NEGATION.search(sentence, max(0, match.start() - NEGATION_REACH), match.start())
               for match in OFFER_ENDORSED.finditer(sentence))


def _organisation(all_sentences: list[str]) -> str:
    counts: dict[str, int] = {}
    for sentence in all_sentences:
        for match in ORGANISATION_WORDS.finditer(sentence):
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "Council"


def _missing_action_note(outcome: str | None, actions: list[_Action], payments: list[Payment],
                         waived: list[Waiver], cut_short: bool) -> str | None:
    if outcome == UPHELD and not actions and not payments and not waived and not cut_short:
        return "No agreed or recommended action was found although the complaint is upheld."
    return None


def _recurring_note(payments: list[Payment]) -> str | None:
    if any(payment.period for payment in payments):
        return "A recurring payment is counted once in the total."
    return None


def _listed(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
