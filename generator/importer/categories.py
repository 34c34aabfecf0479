"""The Ombudsman's categories and subcategories, as data, and the wording that settles one unprinted.

A statement copied without its "Category : A > B" line still says, in its own words, what it is about
when it quotes the law or procedure of one area only: the statutory children's complaints procedure,
section 42 of the Care Act 2014, Part 7 of the Housing Act 1996.  `settle_category` reads only such
wording; every signal found must agree, and the result is still listed for review.  A subcategory is
settled only with its category, and only when every signal names the same one.

`CATEGORIES` holds the Ombudsman's nine categories and the subcategories it files decisions under that
this digest names or has met (its decisions search and the address of every published decision use
them); a signal may only name these, which a test checks.
"""
from __future__ import annotations

import re

CATEGORIES: dict[str, tuple[str, ...]] = {
    "Adult care services": (
        "Assessment and care plan", "Charging", "Direct payments", "Domiciliary care", "Non-residential care",
        "Residential care", "Safeguarding", "Transition from children's services", "Other"),
    "Benefits and tax": (
        "Business rates", "Council tax", "Housing benefit and council tax benefit", "Other"),
    "Children's care services": (
        "Adoption", "Child protection", "Disabled children", "Fostering", "Looked after children",
        "Special guardianship", "Other"),
    "Corporate and other services": (
        "Commercial and contracts", "Land", "Leisure and culture", "Other"),
    "Education": (
        "Alternative provision", "Elective home education", "School admissions", "School transport",
        "Special educational needs", "Other"),
    "Environment and regulation": (
        "Antisocial behaviour", "Cemeteries and crematoria", "Drainage", "Licensing", "Noise", "Pollution",
        "Refuse and recycling", "Street cleaning", "Trees", "Other"),
    "Highways and transport": (
        "Highway repair and maintenance", "Parking and other penalties", "Public transport", "Rights of way",
        "Traffic management", "Other"),
    "Housing": (
        "Allocations", "Disabled facilities grants", "Homelessness", "Private housing", "Other"),
    "Planning and development": (
        "Building control", "Enforcement", "Planning advice", "Planning applications", "Other"),
}

Signal = tuple[re.Pattern[str], str, str | None]

# Wording that leaves no doubt what the statement is about: (pattern, category, subcategory or None).
SIGNALS: tuple[Signal, ...] = (
    (re.compile(r"statutory children's complaints? (?:procedure|process)", re.I), "Children's care services", None),
    (re.compile(r"children's statutory complaints? (?:procedure|process)", re.I), "Children's care services", None),
    (re.compile(r"share this decision with (?:the )?(?:Office for Standards in Education|Ofsted)", re.I),
     "Children's care services", None),
    (re.compile(r"share this decision with the Care Quality Commission", re.I), "Adult care services", None),
    (re.compile(r"\bsection 42 (?:of the Care Act|enquir)", re.I), "Adult care services", "Safeguarding"),
    (re.compile(r"\bCare and Support \(Charging and Assessment of Resources\) Regulations", re.I),
     "Adult care services", "Charging"),
    (re.compile(r"\bEducation,? Health and Care (?:\(EHC\) )?[Pp]lan", re.I), "Education", "Special educational needs"),
    (re.compile(r"First-tier Tribunal \(Special Educational Needs and Disability\)", re.I), "Education",
     "Special educational needs"),
    (re.compile(r"\bhome to school transport\b", re.I), "Education", "School transport"),
    (re.compile(r"\bschool admission appeals?\b|\bSchool Admission Appeals Code\b", re.I), "Education",
     "School admissions"),
    (re.compile(r"\bHousing Act 1996,? (?:Part 7|sections? 1(?:7[5-9]|8[0-9]|9[0-9])|sections? 20[0-9])\b"
                r"|\bPart 7 of the Housing Act 1996\b|\bHomelessness Code of Guidance\b", re.I), "Housing",
     "Homelessness"),
    (re.compile(r"\bHousing Act 1996,? (?:Part 6|sections? 16[0-9]A?)\b|\bPart 6 of the Housing Act 1996\b", re.I),
     "Housing", "Allocations"),
    (re.compile(r"\bdisabled facilities grant", re.I), "Housing", "Disabled facilities grants"),
    (re.compile(r"\bpenalty charge notices?\b|\bTraffic Management Act 2004\b", re.I), "Highways and transport",
     "Parking and other penalties"),
)


def settle_category(text: str) -> tuple[str | None, str | None]:
    """(category, subcategory) that the statement's own words settle, or None for either left open."""
    found = [(category, subcategory) for pattern, category, subcategory in SIGNALS if pattern.search(text)]
    categories = {category for category, _ in found}
    if len(categories) != 1:
        return None, None
    subcategories = {subcategory for _, subcategory in found}
    return categories.pop(), subcategories.pop() if len(subcategories) == 1 else None


def ombudsman_slug(name: str) -> str:
    """A name as the Ombudsman's addresses write it: "Children's care services" -> "children-s-care-services"
    (an apostrophe is a break there, unlike this site's own slugs)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
