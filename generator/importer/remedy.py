"""What the council agreed to do: the decision's action sections (and summary) -> Remedy.

A sum of money is recorded as a payment only when the organisation agreed, or the Ombudsman recommended,
that it pay it as the remedy -- or the Ombudsman accepted its offer ("I welcome the Council's offer of
£300").  Every other sum the decision mentions is not a payment: the council tax bill in dispute, the
range our guidance suggests, an offer the Ombudsman did not adopt, a charge to be written off.  Where
the wording leaves it open, `Remedy.note` says so and the remedy is listed for review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from ..model import OUTCOMES, Payment, Remedy
from .text import sentences, trim_end

UPHELD, NOT_UPHELD, CLOSED = OUTCOMES

# Up to £999,999,999: no remedy comes near it, and a longer run of digits is not a sum of money.
MONEY = re.compile(r"£\s?(?P<pounds>\d{1,3}(?:,\d{3}){1,2}|\d{1,9})(?:\.(?P<pence>\d{1,2}))?(?![\d,]\d)(?!\d)")

# Where an agreed or recommended action starts in a sentence; the action is what follows.
ACTION_ANCHORS = (
    re.compile(r"(?<!\bnot )(?<!n't )(?<!never )\bagree[sd]? to\b(?!\s+(?:this|that|these|those|it|them|do so)\b)\s*",
               re.I),
    re.compile(r"(?<!\bnot )\bagree[sd]? that\b[^.]{0,200}?\b(?:it|the Council) (?:will|would|should)\b\s*"),
    re.compile(r"\brecommend(?:s|ed)?(?:\s+that)?(?:\s*,?\s*(?:within|by)\b[^.]{0,150}?,?)?"
               r"\s+the\s+(?:[A-Z][\w']*\s+){0,2}?[A-Z][\w']*"),
    # "The Council should ...", at the start of a sentence or after a "Within a month," lead-in.
    re.compile(r"^(?:(?:Within|To|By|In order to)\b[^.]{0,150}?,?\s+)?[Tt]he\s+(?:[A-Z][\w']*\s+){0,2}?[A-Z][\w']*"
               r"\s+(?:should|must|will)\b(?:\s+(?:also|now)\b)?\s*"),
)
COMPLIANCE_BOILERPLATE = re.compile(r"\bprovide us with (?:evidence|details|confirmation)\b"
                                    r"|\bevidence it has complied\b|\bconsider the report and confirm\b", re.I)
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
    r"|service improvements?|remind\w*|improve\w*|reviews? (?:how|the way))\b", re.I)
PROPER_WORDS = frozenset("Mr Mrs Ms Miss Dr Council I".split())

# The summary's word for what was agreed: "The Council has agreed to apologise and make a payment."
SUMMARY_AGREED = re.compile(r"\b(?:has|have)\s+(?:also\s+)?agreed to\b|\bagreed to (?:pay|make|refund|remedy|provide)\b"
                            r"|\b(?:I|we)\s+(?:have\s+)?recommend\w*\b"
                            r"|\bwill\s+(?:also\s+)?(?=apologi|pay|make|refund|reimburse|review|remind|provide|train)",
                            re.I)
SUMMARY_APOLOGY = re.compile(r"\bapologi[sz]e\b", re.I)
SUMMARY_IMPROVEMENT = re.compile(r"\bservice improvements?\b|\bimprove (?:its|their)\b|\btraining\b"
                                 r"|\bremind\w* (?:its |relevant |all |the )?(?:[\w-]+ ){0,3}?"
                                 r"(?:staff|officers|officials|employees|managers|teams?|workers)\b"
                                 r"|\breviews? (?:how|the way|its (?:policy|policies|procedures?|process(?:es)?))\b",
                                 re.I)

# --- which sums are payments
# The words that make a sum something the organisation pays ...
PAY_WORDS = re.compile(r"\b(?:pay|pays|paying|payments?|refund\w*|reimburs\w*|repay\w*|compensat\w*|award\w*"
                       r"|financial remedy)\b", re.I)
# ... unless what follows them takes money off a bill instead of paying it.
NOT_PAID = re.compile(r"\b(?:waiv\w*|write off|writ\w* off|wr[io]te off|cancel\w*|withdraw\w*|remov\w*|reduc\w*"
                      r"|credit\w*|recover\w*|offset\w*|deduct\w*)\b", re.I)
# A sum that is not fixed: "up to £500", "the difference between £3,100 and ...".
UNFIXED = re.compile(r"\b(?:difference|up to|at least|about|around|approximately|roughly|no more than"
                     r"|a maximum of|a minimum of|estimated)\b", re.I)
# A sum quoted for comparison: our guidance's range, what a payment already includes.
REFERENCE = re.compile(r"\b(?:guidance|range|between|typical\w*|usual\w*|normally|includ\w*|of which|calculated"
                       r"|based on|at a rate of|equivalent to)\b", re.I)
# Where the clause that governs a sum starts.
CLAUSE_BOUNDARY = re.compile(r"[.;:()]|,\s|\s(?:and|or|plus|but|then)\s", re.I)
# "£300 for her distress and £150 for ..." - the second sum shares the first one's verb.
JOINED_SUM = re.compile(r"[^.;:()£]{0,200}?(?:,\s*)?\b(?:and|plus)\s+(?:(?:a|another|a further|an additional)\s+)?")
BREAKDOWN = re.compile(r"\s*\(\s*")
LOOK_BACK = 150
LOOK_AHEAD = 300

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
# "refund the £75 compliance fee Mr J paid": the sum names what it is.
PURPOSE_NOUN = re.compile(r"^\s+(?!(?:she|he|they|it|to|for|in|a|an|per|each|every|of|and|or|which|that|as)\b)"
                          r"(?P<noun>[a-z][\w-]*(?:\s+(?!and\b|or\b|to\b)[\w’'-]+){0,8})\s*(?:[,;.(]|$)")
PURPOSE_FOLLOW_UP = re.compile(
    r"^(?:This|It|That|The payment|This payment|The sum)\s+is\s+(?:to\s+(?:recognise|recognize|remedy|acknowledge"
    r"|reflect|address)|in\s+recognition\s+of|for)\s+(?P<purpose>\S.*)$", re.S)
ANAPHORIC_PURPOSE = re.compile(r"^(?:that|this|these|those|it|its|such)\b|^(?:the\s+)?injustice$", re.I)
ACCEPTED_OFFER = re.compile(r"\b(?:I|[Ww]e)\s+(?:\w+\s+)?(?:welcome|accept)s?\s+(?:the\s+)?[^.£]{0,60}?\boffer\s+"
                            r"(?:of\s+)?(?=£)")
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
    """A paragraph of an action section: its text and its sub-points."""
    text: str
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Action:
    text: str            # as worded, lower-case first letter
    context: str = ""    # the sentence after it, which may say what a payment is for


@dataclass(frozen=True)
class _Sums:
    payments: list[Payment]
    unclear: list[str]   # sums that may or may not be part of the remedy, as printed ("£150")


def read_remedy(summary: str, action_passages: list[Passage], texts: list[str], outcome: str | None,
                cut_short: bool) -> Remedy:
    """The remedy, from the action sections (or, when the text has none, from the summary).

    `texts` is every paragraph and point of the body; `cut_short` says the text ends before its decision.
    """
    actions = _agreed_actions(action_passages)
    all_sentences = [sentence for text in [summary, *texts] for sentence in sentences(text)]
    found = _Sums([], [])
    for action in actions:
        _add(found, _sums_in(action.text, action.context))
    _add(found, _Sums(_accepted_offers(all_sentences), []))
    summary_sums = _summary_sums(summary)
    summary_only: list[str] = []
    if action_passages:            # the body says what was agreed; the summary only sums it up
        known, total = {p.amount for p in found.payments}, _total(found.payments)
        summary_only = [_label(p.amount) for p in summary_sums.payments if p.amount not in known and p.amount != total]
    else:
        _add(found, summary_sums)
    payments = _with_resolved_purposes(found.payments, all_sentences)
    notes = [
        _cut_short_note(cut_short, outcome, bool(action_passages)),
        _unclear_note(found.unclear, bool(action_passages)),
        _summary_only_note(summary_only),
        _unrecorded_offer_note(all_sentences, payments),
        _missing_action_note(outcome, actions, payments, cut_short),
        _recurring_note(payments),
    ]
    return Remedy(
        total=_total(payments),
        payments=tuple(payments),
        apology=any(APOLOGY_ACTION.match(a.text) for a in actions) or _summary_agrees(summary, SUMMARY_APOLOGY),
        service_improvements=(any(_is_improvement(a.text) for a in actions)
                              or _summary_agrees(summary, SUMMARY_IMPROVEMENT)),
        actions=tuple(action.text for action in actions),
        deadline=_deadline(action_passages),
        note=" ".join(note for note in notes if note) or None,
    )


def _add(found: _Sums, more: _Sums) -> None:
    """Add payments not already found.  The same sum in an action and an accepted offer is one payment,
    described by whichever of them says what it is for."""
    known = {payment.amount: index for index, payment in enumerate(found.payments)}
    for payment in more.payments:
        if payment.amount not in known:
            known[payment.amount] = len(found.payments)
            found.payments.append(payment)
        elif payment.purpose and not found.payments[known[payment.amount]].purpose:
            found.payments[known[payment.amount]] = replace(found.payments[known[payment.amount]],
                                                           purpose=payment.purpose)
    found.unclear.extend(label for label in more.unclear if label not in found.unclear)


def _total(payments: list[Payment]) -> int:
    exact = sum((Decimal(str(payment.amount)) for payment in payments), Decimal(0))
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


# --------------------------------------------------------------------------- actions

def _agreed_actions(passages: list[Passage]) -> list[_Action]:
    actions: list[_Action] = []
    for passage in passages:
        if COMPLIANCE_BOILERPLATE.search(passage.text):
            continue
        parts = sentences(passage.text)
        for index, sentence in enumerate(parts):
            clause = _action_clause(sentence)
            if clause is None:
                continue
            if _is_generic(clause):      # "... agreed to take the following actions:" - the points are the actions
                actions += [_point_action(point) for point in passage.points
                            if not COMPLIANCE_BOILERPLATE.search(point)]
            else:
                following = parts[index + 1] if index + 1 < len(parts) else ""
                actions.append(_Action(_tidy_action(clause), following))
    return [action for action in actions if action.text]


def _point_action(point: str) -> _Action:
    """A point's first sentence is the action; a second one may say what a payment is for, or only
    comment on it ("We publish guidance on remedies ...")."""
    parts = sentences(point) or [point]
    return _Action(_tidy_action(parts[0]), parts[1] if len(parts) > 1 else "")


def _action_clause(sentence: str) -> str | None:
    matches = [match for anchor in ACTION_ANCHORS if (match := anchor.search(sentence))]
    if not matches:
        return None
    return sentence[min(matches, key=lambda match: match.start()).end():]


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


def _summary_agrees(summary: str, wording: re.Pattern[str]) -> bool:
    return any(wording.search(sentence[match.start():]) for sentence in sentences(summary)
               if (match := SUMMARY_AGREED.search(sentence)))


# --------------------------------------------------------------------------- sums of money

def _sums_in(text: str, follow_up: str = "") -> _Sums:
    """The payments an action's wording makes, and the sums in it that may or may not be part of the remedy."""
    found = _Sums([], [])
    previous: re.Match[str] | None = None
    previous_paid = False
    for match in MONEY.finditer(text):
        kind = _kind_of_sum(text, match, previous, previous_paid)
        if kind == "payment":
            found.payments.append(_payment(text, match, follow_up))
        elif kind == "unclear":
            found.unclear.append(_label(_amount(match)))
        previous, previous_paid = match, kind == "payment"
    return found


def _kind_of_sum(text: str, match: re.Match[str], previous: re.Match[str] | None, previous_paid: bool) -> str:
    """"payment", "unclear", or "other" (a figure quoted for comparison or explaining a payment)."""
    if previous is not None and previous_paid:
        gap = text[previous.end():match.start()]
        if BREAKDOWN.fullmatch(gap):
            return "other"                    # "£1,800 (£900 a term ...)": the bracket explains the payment
        if JOINED_SUM.fullmatch(gap):
            return "payment"
    window = text[max(0, match.start() - LOOK_BACK):match.start()]
    clause = window[_last_boundary(window):]
    if previous_paid and window.rstrip().endswith("(") and not clause.strip():
        return "other"                        # "... since August 2023 (£250 a month)": how the payment was worked out
    if UNFIXED.search(clause):
        return "unclear"
    if REFERENCE.search(clause):
        return "other"
    pay = None
    for pay in PAY_WORDS.finditer(clause):
        pass
    if pay is None or NOT_PAID.search(clause, pay.end()):
        return "unclear"
    return "payment"


def _last_boundary(window: str) -> int:
    end = 0
    for boundary in CLAUSE_BOUNDARY.finditer(window):
        end = boundary.end()
    return end


def _payment(text: str, match: re.Match[str], follow_up: str) -> Payment:
    after = text[match.end():match.end() + LOOK_AHEAD]
    period = PERIOD.match(after)
    named = PURPOSE_NOUN.match(after) if text[max(0, match.start() - 4):match.start()].lower() == "the " else None
    return Payment(
        amount=_amount(match),
        purpose=_purpose_after(after) or (f"the {named['noun']}" if named else "") or _purpose_follow_up(follow_up),
        period=f"per {period['unit'].lower()}" if period else None,
    )


def _amount(match: re.Match[str]) -> int | float:
    value = Decimal(match["pounds"].replace(",", "") + "." + (match["pence"] or "0"))
    return int(value) if value == value.to_integral_value() else float(value)


def _label(amount: int | float) -> str:
    return f"£{amount:,}" if isinstance(amount, int) else f"£{amount:,.2f}"


# Where a purpose ends in a list of actions: "... £400 to recognise her distress, and remind its staff ...".
NEXT_ACTION = re.compile(r"(?:[,;]\s*(?:and\s+)?|\s+and\s+)(?:to\s+)?(?:apologi[sz]e|pay|refund|reimburse|remind|review"
                         r"|provide|make|arrange|train|write|carry out|reconsider|reassess|issue|tell|ensure|update"
                         r"|introduce|cancel|waive|amend|send|meet|complete|confirm|give|share|consider)\b", re.I)

# ... or at the condition attached to the payment: "£185, the cost of ..., on receipt of the invoice".
CONDITION = re.compile(r",\s+(?:on receipt of|subject to|once|provided|if|when|as soon as)\b", re.I)


def _purpose_after(after: str) -> str:
    """What the words after a sum say it is for: "£200 to recognise ...", "£75 for ...", "£90, the cost of ..."."""
    match = PURPOSE_AFTER_AMOUNT.match(after)
    apposition = None if match else PURPOSE_APPOSITION.match(after)
    purpose = match["purpose"] if match else apposition and (apposition["what"] or apposition["paid_for"])
    if not purpose:
        return ""
    purpose = re.split(r"(?:,?\s+(?:and|plus)\s+)?£", purpose, maxsplit=1)[0]
    if purpose.count("(") > purpose.count(")"):            # cut inside "(£250 a month)"
        purpose = purpose[:purpose.rfind("(")]
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
                found.append(_payment(sentence, money, ""))
    return found


def _summary_sums(summary: str) -> _Sums:
    """Sums the summary says were agreed or recommended."""
    found = _Sums([], [])
    for sentence in sentences(summary):
        agreed = SUMMARY_AGREED.search(sentence)
        if agreed:
            _add(found, _sums_in(sentence[agreed.start():]))
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
    return [Payment(p.amount, offered[p.amount], p.period)
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
                         cut_short: bool) -> str | None:
    if outcome == UPHELD and not actions and not payments and not cut_short:
        return "No agreed or recommended action was found although the complaint is upheld."
    return None


def _recurring_note(payments: list[Payment]) -> str | None:
    if any(payment.period for payment in payments):
        return "A recurring payment is counted once in the total."
    return None


def _listed(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
