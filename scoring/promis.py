"""PROMIS-29 Profile v2.1: item catalogue, raw→T lookup and domain scoring (spec §8.1–8.2).

Item wording is not shipped (spec §8.3: check HealthMeasures terms before embedding item text):
items carry neutral labels such as "Physical function item 1" and options are the item scores
printed on the licensed form (1–5; pain intensity 0–10), which are entered as printed — no
reversal is applied here. Item codes are sponsor-defined 8-character QSTESTCDs (records §4.6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.errors import ScoringInputError
from scoring.items import Instrument, InstrumentItem, ResponseOption
from scoring.promis_tables import PROMIS29_TABLES, RAW_MAX, RAW_MIN

DOMAINS: tuple[str, ...] = tuple(PROMIS29_TABLES)
HIGHER_IS_BETTER: frozenset[str] = frozenset({"physical_function", "social_roles"})
PAIN_INTENSITY = "pain_intensity"
PAIN_INTENSITY_CODE = "P29PINT"
ITEMS_PER_DOMAIN = 4

_PREFIX = {
    "physical_function": ("P29PF", "Physical function"),
    "anxiety": ("P29ANX", "Anxiety"),
    "depression": ("P29DEP", "Depression"),
    "fatigue": ("P29FAT", "Fatigue"),
    "sleep_disturbance": ("P29SLP", "Sleep disturbance"),
    "social_roles": ("P29SR", "Social roles"),
    "pain_interference": ("P29PI", "Pain interference"),
}
_SCORE_OPTIONS = tuple(ResponseOption(str(n), str(n), n) for n in range(1, 6))
_PAIN_OPTIONS = tuple(ResponseOption(str(n), str(n), n) for n in range(11))


def domain_item_codes(domain: str) -> tuple[str, ...]:
    """The four item codes of a PROMIS-29 domain, in form order."""
    prefix = _PREFIX[_check_domain(domain)][0]
    return tuple(f"{prefix}{n}" for n in range(1, ITEMS_PER_DOMAIN + 1))


def _build() -> Instrument:
    """The PROMIS-29 v2.1 item catalogue: 7 domains × 4 items plus pain intensity."""
    items = [
        InstrumentItem(
            code=code,
            label=f"{_PREFIX[domain][1]} item {n}",
            group=domain,
            value_type="ordinal",
            options=_SCORE_OPTIONS,
            number=DOMAINS.index(domain) * ITEMS_PER_DOMAIN + n,
        )
        for domain in DOMAINS
        for n, code in enumerate(domain_item_codes(domain), start=1)
    ]
    items.append(
        InstrumentItem(
            code=PAIN_INTENSITY_CODE,
            label="Pain intensity (0–10)",
            group=PAIN_INTENSITY,
            value_type="ordinal",
            options=_PAIN_OPTIONS,
            number=29,
        )
    )
    return Instrument(
        "PROMIS29", "PROMIS-29 Profile v2.1", tuple(items), (*DOMAINS, PAIN_INTENSITY)
    )


def _check_domain(domain: str) -> str:
    """The domain name if known, else ScoringInputError listing the seven domains."""
    if domain not in PROMIS29_TABLES:
        raise ScoringInputError("domain", domain, DOMAINS)
    return domain


def _check_raw(raw: int) -> int:
    """A raw sum in 4…20."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not RAW_MIN <= raw <= RAW_MAX:
        raise ScoringInputError("raw", raw, f"an integer {RAW_MIN}–{RAW_MAX}")
    return raw


def promis29_t(domain: str, raw: int) -> float:
    """T-score for a PROMIS-29 domain raw sum 4–20 from the spec table (spec §8.2)."""
    return PROMIS29_TABLES[_check_domain(domain)][_check_raw(raw) - RAW_MIN][0]


def promis29_se(domain: str, raw: int) -> float:
    """Standard error of the T-score for a domain raw sum (spec §8.2)."""
    return PROMIS29_TABLES[_check_domain(domain)][_check_raw(raw) - RAW_MIN][1]


def pain_intensity(value: int) -> int:
    """The 0–10 pain intensity item, reported as the raw number (spec §8.2)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ScoringInputError(PAIN_INTENSITY_CODE, value, "an integer 0–10")
    return value


def _item_score(code: str, value: int | None) -> int | None:
    """A 1–5 item score or None (unanswered)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ScoringInputError(code, value, "an integer item score 1–5 or None")
    return value


@dataclass(frozen=True, slots=True)
class DomainScore:
    """A domain's raw sum and T-score; None with a reason when not scored (spec §8.2)."""

    domain: str
    raw: int | None
    t: float | None
    se: float | None
    answered: int
    reasons: tuple[str, ...]


def score_domain(domain: str, answers: Mapping[str, int | None]) -> DomainScore:
    """Score one domain from item answers keyed by item code; all 4 items needed [DESIGN §8.2]."""
    codes = domain_item_codes(domain)
    scores = [_item_score(code, answers.get(code)) for code in codes]
    given = [s for s in scores if s is not None]
    if len(given) < ITEMS_PER_DOMAIN:
        missing = ", ".join(c for c, s in zip(codes, scores, strict=True) if s is None)
        reason = f"not scored – incomplete: {len(given)}/4 items answered (missing {missing})"
        return DomainScore(domain, None, None, None, len(given), (reason,))
    raw = sum(given)
    t = promis29_t(domain, raw)
    direction = "higher is better" if domain in HIGHER_IS_BETTER else "higher is worse"
    reason = f"raw {raw} → T {t:g} (SE {promis29_se(domain, raw):g}); {direction}"
    return DomainScore(domain, raw, t, promis29_se(domain, raw), len(given), (reason,))


@dataclass(frozen=True, slots=True)
class Promis29Result:
    """All seven domain scores plus the pain intensity number."""

    domains: tuple[DomainScore, ...]
    pain_intensity: int | None
    reasons: tuple[str, ...]

    def domain(self, name: str) -> DomainScore:
        """The score of one domain by name."""
        for score in self.domains:
            if score.domain == name:
                return score
        raise ScoringInputError("domain", name, DOMAINS)


def score_profile(answers: Mapping[str, int | None]) -> Promis29Result:
    """Score a whole PROMIS-29 form keyed by item code; unknown codes are refused."""
    known = {item.code for item in PROMIS29.items}
    for code in answers:
        if code not in known:
            raise ScoringInputError("item", code, sorted(known))
    domains = tuple(score_domain(d, answers) for d in DOMAINS)
    raw_pain = answers.get(PAIN_INTENSITY_CODE)
    pain = None if raw_pain is None else pain_intensity(raw_pain)
    scored = sum(1 for d in domains if d.t is not None)
    reasons = [f"{scored}/{len(DOMAINS)} domains scored"]
    reasons.append("pain intensity not answered" if pain is None else f"pain intensity {pain}")
    return Promis29Result(domains, pain, tuple(reasons))


PROMIS29 = _build()
