"""A synthetic digest made from the seed decisions, for benchmarks: any number of realistic decision files.

Each decision is put together from the seeds' own paragraphs (sentences recombined, people, councils,
dates and sums changed), plus sentences about its category, so the text reads like a decision and the
vocabulary grows with the corpus (place, school and officer names). References are distinct; councils,
categories and subcategories, outcomes, dates (2013-2026, a few undated) and remedies vary the way the
Ombudsman's decisions do; references run over the years 13-26 and the groups 000-020, a few with a
joint-case letter (`17 002 402b`), so the output's folders and redirect rules are those of the archive. The same seed and count always give the same files.

    python benchmarks/corpus.py --decisions 2000 --out /tmp/digest-content
    from benchmarks.corpus import write_corpus; write_corpus(Path("content"), 2000)
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.content.folder import load_decisions  # noqa: E402

from generator.content.format import dump  # noqa: E402
from generator.model import Decision, Payment, Remedy  # noqa: E402

SEED_CONTENT = ROOT / "content"

PLACES = """Ashford Barnsley Bassetlaw Bedford Blackburn Blackpool Bolton Bournemouth Bracknell Bradford
Braintree Brent Brighton Bristol Broadland Bromley Broxtowe Buckingham Burnley Bury Calderdale Cambridge
Camden Canterbury Carlisle Charnwood Chelmsford Cheltenham Cherwell Cheshire Chesterfield Chichester
Chorley Colchester Coventry Crawley Croydon Dacorum Darlington Dartford Derby Doncaster Dorset Dover Dudley
Durham Ealing Eastbourne Eastleigh Enfield Epping Exeter Fareham Fenland Folkestone Gateshead Gedling
Gloucester Gosport Gravesham Greenwich Guildford Hackney Halton Harlow Harrogate Harrow Hartlepool Hastings
Havant Havering Hertsmere Hillingdon Hounslow Huntingdon Ipswich Islington Kensington Kingston Kirklees
Knowsley Lambeth Lancaster Leeds Leicester Lewes Lewisham Lincoln Liverpool Luton Maidstone Maldon Manchester
Medway Melton Mendip Merton Middlesbrough Milton Newark Newcastle Newham Northampton Norwich Nottingham
Oadby Oldham Oxford Pendle Peterborough Plymouth Portsmouth Preston Reading Redbridge Redditch Reigate
Richmond Rochdale Rochford Rossendale Rotherham Rugby Runnymede Rushcliffe Salford Sandwell Scarborough
Sefton Sevenoaks Sheffield Shropshire Slough Solihull Southampton Southend Southwark Stafford Stevenage
Stockport Stockton Stroud Suffolk Sunderland Surrey Sutton Swale Swindon Tameside Tamworth Teignbridge
Telford Tendring Thanet Thurrock Tonbridge Torbay Tower Trafford Wakefield Walsall Waltham Wandsworth
Warrington Warwick Watford Waverley Wealden Wigan Winchester Windsor Wirral Woking Wokingham Wolverhampton
Worcester Worthing Wychavon Wyre York""".split()
KINDS = ["{} Borough Council", "{} City Council", "{} District Council", "{} Council", "{} County Council",
         "London Borough of {}", "Metropolitan Borough of {}"]
CATEGORIES = {
    "Adult care services": ["Assessment and care plan", "Charging", "Safeguarding", "Residential care",
                            "Direct payments", "Transition from children's services"],
    "Benefits and tax": ["Council tax", "Housing benefit and council tax reduction", "Business rates"],
    "Children's care services": ["Disabled children", "Looked after children", "Child protection",
                                 "Special guardianship", "Friends and family carers"],
    "Education": ["Special educational needs", "School transport", "Alternative provision", "Admissions",
                  "Elective home education"],
    "Environment and regulation": ["Refuse and recycling", "Noise", "Antisocial behaviour", "Trees",
                                   "Licensing", "Drainage"],
    "Highways and transport": ["Parking and other penalties", "Highway repair and maintenance", "Blue badges",
                               "Traffic management"],
    "Housing": ["Homelessness", "Allocations", "Council house repairs", "Disabled facilities grants",
                "Private housing standards"],
    "Planning and development": ["Planning applications", "Enforcement", "Building control",
                                 "Planning advice"],
    "Corporate and other services": ["Complaint handling", "Data protection", "Councillor conduct",
                                     "Commercial and contracts"],
}
TOPIC = {
    "Adult care services": ["care needs assessment", "care and support plan", "personal budget",
                            "care home fees", "safeguarding enquiry", "home care package"],
    "Benefits and tax": ["council tax account", "liability order", "housing benefit overpayment",
                         "enforcement agent", "council tax reduction claim"],
    "Children's care services": ["child in need plan", "child protection plan", "section 17 assessment",
                                 "contact arrangements", "social worker visits"],
    "Education": ["education, health and care plan", "annual review", "school transport application",
                  "alternative provision", "special educational provision"],
    "Environment and regulation": ["missed bin collections", "noise nuisance reports", "licensing hearing",
                                   "abatement notice", "tree preservation order"],
    "Highways and transport": ["penalty charge notice", "pothole report", "blue badge application",
                               "parking permit", "traffic regulation order"],
    "Housing": ["homelessness application", "temporary accommodation", "housing register",
                "disrepair report", "disabled facilities grant"],
    "Planning and development": ["planning application", "enforcement investigation", "neighbour consultation",
                                 "planning condition", "building regulations inspection"],
    "Corporate and other services": ["subject access request", "complaint response", "councillor conduct complaint",
                                     "freedom of information request", "contract award"],
}
TOPIC_SENTENCES = [
    "{Who} contacted the Council about the {topic} in {month} {year}.",
    "The Council did not respond to {who}’s concerns about the {topic} within {n} working days.",
    "An officer, {officer}, visited {place} to discuss the {topic} with {who}.",
    "The Council accepted there had been delay in dealing with the {topic} and apologised.",
    "In {month} {year} the Council wrote to {who} to explain its decision on the {topic}.",
    "{Who} said the delay with the {topic} caused {pronoun} significant distress and frustration.",
    "The Council’s records show the {topic} was not reviewed between {month} and {month2} {year}.",
    "{Who} complained that staff at {place} had not followed the Council’s policy on the {topic}.",
    "The Council says it has since changed how it handles each {topic} and trained its staff.",
    "There is no evidence the Council considered {who}’s representations about the {topic}.",
    "The Council’s policy says it will review each {topic} within {n} working days of a request.",
    "{Who} provided photographs, emails and a diary of events about the {topic}.",
    "In its stage one response the Council said the {topic} had been handled in line with its procedures.",
    "At stage two the Council accepted it should have told {who} sooner about the {topic}.",
    "The officer’s notes from {month} {year} do not record what was discussed about the {topic}.",
    "I asked the Council for its records of the {topic}, including any internal emails.",
    "The Council has not explained why it took until {month2} {year} to decide the {topic}.",
    "{Who} says the Council’s delay meant {pronoun} family went without support for several months.",
    "The Council says staff shortages in {month} {year} caused the backlog with each {topic}.",
    "This was fault, and it caused {who} avoidable distress, uncertainty and time and trouble.",
    "I have not found fault in how the Council reached its decision on the {topic}.",
    "The Council should have recorded its reasons for the decision about the {topic}, but it did not.",
    "{Who} met {officer} at {place} in {month} {year} to discuss the {topic}.",
    "The Council wrote to {who} in {month} {year} but the letter did not explain the right of appeal.",
]
SYLLABLES = ("al an ar ash bar bel ber bry cal car chel cot dale den dor ell fen ford gate ham har haw hel "
             "holm hurst ing ken kirk lan ley lin lo low mar mel mere mor ne nor ock ol pen rad ridge rin "
             "ros sel sher stan ster ton tre wal well wick win wood worth").split()
STREETS = ["Road", "Lane", "Street", "Close", "Avenue", "Grove", "Primary School", "Academy", "House",
           "Court", "Children’s Centre", "Surgery", "Care Home", "Library", "Depot"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
PEOPLE = ["Mrs X", "Mr X", "Ms X", "Miss X", "Mrs Y", "Mr Y", "Ms Y", "Mrs B", "Mr B", "Mrs C", "Mr D",
          "Ms E", "Mrs F", "Mr G", "Ms H", "Mrs J", "Mr K", "Ms L", "Mrs M", "Mr N", "Ms P", "Mrs R", "Mr S",
          "Ms T", "Mrs W", "Mr Z"]
PAYMENTS = [50, 100, 100, 150, 150, 200, 200, 250, 250, 300, 300, 350, 400, 500, 500, 500, 600, 750, 800,
            1000, 1000, 1200, 1500, 2000, 2500, 3000, 4250, 5000, 6000, 8500, 12000]
PURPOSES = ["the distress and uncertainty caused", "the frustration and time and trouble caused",
            "the avoidable distress caused by the delay", "the lost provision", "the injustice caused",
            "the time and trouble of bringing the complaint"]
OUTCOMES = [("Upheld", 55), ("Not upheld", 25), ("Closed after initial enquiries", 20)]
FIRST_DAY, LAST_DAY = date(2013, 4, 1), date(2026, 11, 30)      # decision dates

SECTION_KIND = [
    (re.compile(r"complaint$", re.I), "complaint"),
    (re.compile(r"role and powers", re.I), "role"),
    (re.compile(r"considered", re.I), "considered"),
    (re.compile(r"found|assessment", re.I), "found"),
    (re.compile(r"action", re.I), "action"),
    (re.compile(r"decision", re.I), "decision"),
]
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“(])")
PERSON = re.compile(r"\b(?:Mrs|Mr|Ms|Miss) [A-Z]\b")
COUNCILISH = re.compile(r"\b(?:West Northamptonshire|Essex County|Cornwall|Warwickshire County|Worcestershire County) Council\b")
MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r") (20\d\d)\b")
MONEY = re.compile(r"£(\d[\d,]*)")
DAYS = re.compile(r"\b(\d+) (working days|weeks|days|months)\b")


class Seeds:
    """The seed decisions cut into paragraphs by section kind, and their subheadings."""

    def __init__(self, content_dir: Path = SEED_CONTENT):
        loaded = load_decisions(content_dir)
        if loaded.errors or not loaded.decisions:
            raise SystemExit(f"cannot read the seed decisions in {content_dir}")
        self.paragraphs: dict[str, list[str]] = {kind: [] for _, kind in SECTION_KIND}
        self.subheadings: list[str] = []
        for decision in loaded.decisions:
            kind = "found"
            for block in re.split(r"\n(?=\d+\. |#)", decision.body):
                block = block.strip()
                if block.startswith("## "):
                    kind = next((k for rx, k in SECTION_KIND if rx.search(block[3:])), "found")
                elif block.startswith("### "):
                    title = block[4:].strip()
                    if title not in self.subheadings:
                        self.subheadings.append(title)
                elif re.match(r"\d+\. ", block):
                    self.paragraphs[kind].append(re.sub(r"^\d+\. ", "", block))


class Maker:
    def __init__(self, seeds: Seeds, seed: int):
        self.seeds = seeds
        self.rng = random.Random(seed)
        rng = random.Random(seed + 1)
        self.councils = sorted({rng.choice(KINDS).format(place) for place in PLACES for _ in range(2)})
        self.names = sorted({"".join(rng.sample(SYLLABLES, rng.choice((2, 2, 3)))).capitalize()
                             for _ in range(3000)})
        self.used_refs: set[str] = set()

    # ---------------------------------------------------------------- pieces

    def reference(self, day: date | None) -> str:
        """As the Ombudsman's: the year the complaint came (up to two before the decision, from 2013), a
        number in the year (some 20,000 cases: groups 000-020), now and then a joint-case letter."""
        while True:
            year = max(FIRST_DAY.year, (day.year if day else 2024) - self.rng.choice((0, 1, 1, 1, 2)))
            number = self.rng.randrange(1, 21_000)
            suffix = self.rng.choice("ab") if self.rng.random() < 0.01 else ""
            ref = f"{year % 100:02d} {number // 1000:03d} {number % 1000:03d}{suffix}"
            if ref not in self.used_refs:
                self.used_refs.add(ref)
                return ref

    def name(self) -> str:
        return self.rng.choice(self.names)

    def place(self) -> str:
        return f"{self.name()} {self.rng.choice(STREETS)}"

    def rewrite(self, text: str, who: str, council: str, year: int) -> str:
        rng = self.rng
        text = PERSON.sub(lambda m: who if rng.random() < 0.85 else rng.choice(PEOPLE), text)
        text = COUNCILISH.sub(council, text)
        text = MONTH_YEAR.sub(lambda m: f"{rng.choice(MONTHS)} {year - rng.choice((0, 0, 1, 1, 2))}", text)
        text = MONEY.sub(lambda m: f"£{rng.choice(PAYMENTS):,}", text)
        text = DAYS.sub(lambda m: f"{rng.choice((5, 10, 15, 20, 25, 28, 30, 45, 65))} {m.group(2)}", text)
        return text

    def topic_sentence(self, category: str, who: str, year: int) -> str:
        rng = self.rng
        template = rng.choice(TOPIC_SENTENCES)
        pronoun = "her" if who.startswith(("Mrs", "Ms", "Miss")) else "him"
        return template.format(Who=who, who=who, topic=rng.choice(TOPIC[category]), month=rng.choice(MONTHS),
                               month2=rng.choice(MONTHS), year=year - rng.choice((0, 1)), n=rng.choice((10, 20, 28)),
                               officer=f"{rng.choice(('Mr', 'Ms', 'Mrs'))} {self.name()}", place=self.place(),
                               pronoun=pronoun)

    def paragraph(self, kind: str, category: str, who: str, council: str, year: int, topical: float) -> str:
        """A seed paragraph of this kind, its sentences mixed with another's and with topic sentences."""
        rng = self.rng
        if kind in ("found", "complaint") and category != "Children's care services" and rng.random() < 0.8:
            # Most of a decision about housing or planning is about housing or planning, not children's care.
            return " ".join(self.topic_sentence(category, who, year) for _ in range(rng.randint(2, 5)))
        pool = self.seeds.paragraphs[kind] or self.seeds.paragraphs["found"]
        base = rng.choice(pool)
        head, _, points = base.partition("\n")
        sentences = SENTENCE.split(head)
        if len(sentences) > 2 and rng.random() < 0.5:
            other = [s for s in SENTENCE.split(rng.choice(pool).partition("\n")[0]) if not s.endswith(":")]
            spot = rng.randrange(len(sentences) - 1)
            if other:
                sentences[spot] = rng.choice(other)
        if rng.random() < topical:
            sentences.insert(rng.randrange(len(sentences) + 1), self.topic_sentence(category, who, year))
        text = self.rewrite(" ".join(sentences), who, council, year)
        if points and not text.endswith(":"):
            points = ""
        if points:
            points = "\n".join(self.rewrite(line, who, council, year) for line in points.splitlines())
        return text + ("\n" + points if points else "")

    # ---------------------------------------------------------------- a decision

    def decision(self) -> Decision:
        rng = self.rng
        day = None if rng.random() < 0.02 else FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
        year = day.year if day else 2024
        council = rng.choice(self.councils)
        category = rng.choice(list(CATEGORIES))
        subcategory = rng.choice(CATEGORIES[category]) if rng.random() < 0.85 else None
        outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
        if rng.random() < 0.03:
            outcome = None
        who = rng.choice(PEOPLE)
        topic = rng.choice(TOPIC[category])

        payments: list[Payment] = []
        actions: list[str] = []
        apology = improvements = False
        if outcome == "Upheld":
            apology = rng.random() < 0.8
            improvements = rng.random() < 0.4
            for _ in range(rng.choice((0, 1, 1, 1, 2))):
                amount = rng.choice(PAYMENTS)
                purpose = rng.choice(PURPOSES)
                payments.append(Payment(amount, purpose))
                actions.append(f"pay {who} £{amount:,} to recognise {purpose}")
            if apology:
                actions.insert(0, f"apologise to {who} for the faults identified in this decision")
            if improvements:
                actions.append(f"remind relevant staff of the Council’s procedures for each {topic}")
        total = int(sum(p.amount for p in payments))

        sections: list[tuple[str, list[str]]] = []
        short = outcome == "Closed after initial enquiries"
        para = lambda kind, topical=0.3: self.paragraph(kind, category, who, council, year, topical)  # noqa: E731
        sections.append(("The complaint", [f"{who} complained the Council failed to deal properly with the {topic}."]
                         + [para("complaint", 0.5) for _ in range(rng.randint(0, 2))]))
        sections.append(("The Ombudsman’s role and powers", [para("role", 0) for _ in range(rng.randint(1, 3))]))
        sections.append(("How I considered this complaint", [para("considered", 0) for _ in range(rng.randint(1, 3))]))
        if short:
            sections.append(("My assessment", [para("found", 0.5) for _ in range(rng.randint(2, 5))]))
        else:
            found: list[str] = []
            for _ in range(rng.randint(2, 4)):
                found.append("### " + rng.choice(self.seeds.subheadings))
                found.extend(para("found") for _ in range(rng.randint(3, 10)))
            sections.append(("What I found", found))
        if actions:
            sections.append(("Agreed action", [f"Within {rng.choice(('four weeks', 'one month', 'three months'))} "
                                               f"of the final decision the Council will {a}." for a in actions]))
        verdict = {"Upheld": "There was fault by the Council which caused injustice to {who}.",
                   "Not upheld": "I have not found fault by the Council, so I have completed my investigation.",
                   }.get(outcome or "", "We will not investigate {who}’s complaint further.")
        sections.append(("Final decision", [verdict.format(who=who)]))

        lines: list[str] = []
        number = 0
        for heading, items in sections:
            lines.append(f"## {heading}\n")
            for item in items:
                if item.startswith("### "):
                    lines.append("\n" + item + "\n")
                    continue
                number += 1
                head, _, points = item.partition("\n")
                block = f"{number}. {head}"
                if points:
                    block += "\n" + "\n".join("   - " + p.strip().lstrip("- ").strip() for p in points.splitlines()
                                              if p.strip())
                lines.append(block + ("\n" if item is items[-1] else ""))
        body = "\n".join(lines)

        issue = rng.choice(TOPIC_SENTENCES[1:5]).format(
            Who=who, who=who, topic=topic, month=rng.choice(MONTHS), month2=rng.choice(MONTHS), year=year,
            n=20, officer="an officer", place=self.place(), pronoun="her")
        finding = {"Upheld": f"We found fault causing injustice. The Council agreed to {actions[0] if actions else 'act'}.",
                   "Not upheld": "We did not find fault by the Council.",
                   }.get(outcome or "", "We will not investigate this complaint.")
        summary = f"{who} complained about the Council’s handling of the {topic}. {issue} {finding}"
        return Decision(
            reference=self.reference(day), council=council, summary=summary, body=body, category=category,
            subcategory=subcategory, outcome=outcome, decision_date=day,
            remedy=Remedy(total=total, payments=tuple(payments), apology=apology,
                          service_improvements=improvements, actions=tuple(actions),
                          deadline="within one month of the final decision" if actions else None),
            decided_by="Investigator", source=None,
        )


def make_decisions(count: int, seed: int = 2025, content_dir: Path = SEED_CONTENT) -> list[Decision]:
    maker = Maker(Seeds(content_dir), seed)
    return [maker.decision() for _ in range(count)]


def write_corpus(content_dir: Path, count: int, seed: int = 2025) -> list[Path]:
    """Write `count` decisions as `content_dir/decisions/<slug>.md` (via generator.content.dump) and the
    seed `site.yaml`; decision files already there are removed first. Returns the decision files."""
    folder = content_dir / "decisions"
    if folder.is_dir():
        for old in folder.glob("*.md"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_CONTENT / "site.yaml", content_dir / "site.yaml")
    paths = []
    for decision in make_decisions(count, seed):
        path = folder / f"{decision.slug}.md"
        path.write_text(dump(decision), encoding="utf-8", newline="\n")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1000, help="how many decisions (default 1000)")
    parser.add_argument("--out", type=Path, required=True, help="content folder to write")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    paths = write_corpus(args.out, args.decisions, args.seed)
    print(f"{len(paths)} decisions written to {args.out / 'decisions'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
