"""Domain equivalents: the words and phrases the Ombudsman's decisions use for one thing. A search for any
member of a group also searches for the others, at query time (the index does not grow), and the search page
says "also searched for ...". Editors add groups in `content/site.yaml` (`search_equivalents`); `docs/search.md`
lists this table."""
from __future__ import annotations

from ..content.settings import SiteConfig
from .text import fold, words

EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("stage 1", "stage one"),
    ("stage 2", "stage two"),
    ("stage 3", "stage three"),
    ("EHCP", "EHC plan", "education health and care plan"),
    ("EHC needs assessment", "EHCNA"),
    ("SEN", "SEND", "special educational needs"),
    ("SENCO", "special educational needs coordinator"),
    ("CIN", "child in need"),
    ("LAC", "looked after child", "looked after children", "child looked after", "children looked after"),
    ("DFG", "disabled facilities grant"),
    ("DoLS", "deprivation of liberty safeguards"),
    ("MCA", "Mental Capacity Act"),
    ("SGO", "special guardianship order"),
    ("PCN", "penalty charge notice"),
    ("HMO", "house in multiple occupation"),
    ("DHP", "discretionary housing payment"),
    ("ASB", "antisocial behaviour", "anti social behaviour"),
    ("SAR", "subject access request"),
    ("FOI", "freedom of information"),
    ("CHC", "continuing healthcare", "continuing health care"),
    ("OT", "occupational therapist"),
    ("CTR", "council tax reduction"),
    ("LGSCO", "Local Government and Social Care Ombudsman"),
)


def equivalents_for(config: SiteConfig) -> list[list[str]]:
    """This table and the site's own groups, each member folded to its words ("EHC plan" -> "ehc plan")."""
    return [[" ".join(words(fold(member))) for member in group]
            for group in (*EQUIVALENTS, *config.search_equivalents)]
