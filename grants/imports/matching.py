"""Matching names as real spreadsheets write them (docs/domain.md#name-matching).

One normalisation for every import: case, spaces (no-break ones too), quotes of every kind,
punctuation, «ё» written «е» and Kazakh letters written with their Russian look-alikes do not
count. A Matcher holds the names a value is known by, in tiers: an exact official or generated
form (tier 0) wins over a bare short name (tier 1). A name that points to two different values
in the first tier that knows it is refused as ambiguous rather than guessed; an unknown name is
refused with the closest known one (difflib.get_close_matches on the normalised names) suggested.
"""

import heapq
import re
from collections.abc import Callable, Iterable
from difflib import get_close_matches
from functools import lru_cache

from flask_babel import force_locale
from flask_babel import gettext as _

from grants.imports.parse import Invalid, as_text

QUOTES = "«»\"“”„‟'‘’‚‛`´‹›"
_KK_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")
MAX_SUGGESTIONS = 100  # difflib calls per matcher (per file): a file of 50,000 misspelt rows stays quick
_PUNCTUATION = re.compile(r"[\s.,;:()\[\]{}/\\\-‐‑‒–—_№#*!?" + re.escape(QUOTES) + r"]+")


class Unknown(Invalid):
    """No known name is the one written (the message suggests the closest)."""


class Ambiguous(Invalid):
    """The name written is a short name of two or more values."""


def normalise(text) -> str:
    """The form names are compared in: 'Г.Алматы' = 'г алматы', '«Қарағанды» обл.' = 'караганды обл'."""
    value = str(text or "").replace("\u00a0", " ").casefold().replace("ё", "е").translate(_KK_FOLD)
    return _PUNCTUATION.sub(" ", value).strip()


PREFILTER = 100  # candidates difflib compares, chosen by shared character trigrams among many names


@lru_cache(maxsize=65536)
def _trigrams(text: str) -> frozenset[str]:
    padded = f"  {text} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def close_matches(key: str, keys: list[str]) -> list[str]:
    """difflib.get_close_matches (ratio ≥ 0.6); among many names (organisations), only the PREFILTER
    sharing the most character trigrams with the key are compared, which keeps a miss in milliseconds."""
    if len(keys) > PREFILTER:
        grams = _trigrams(key)
        keys = heapq.nlargest(PREFILTER, keys, key=lambda k: len(grams & _trigrams(k)))
    return get_close_matches(key, keys, n=1, cutoff=0.6)


class Matcher:
    """The values of one kind (regions, spheres, statuses...) by every name they are written with."""

    def __init__(self, unknown: Callable[[str], str]):
        self.unknown = unknown  # value as written -> "Unknown region «…»."
        self.tiers: list[dict[str, dict]] = [{}, {}]  # key -> {id(value): (value, display)}
        self.displays: dict[str, str] = {}  # key -> the official name to suggest for it
        self.suggested: dict[str, str | None] = {}  # text as normalised -> its suggestion

    def add(self, value, display: str, names: Iterable[str] = (), weak: Iterable[str] = ()) -> None:
        """`display` (the official name) and `names` in tier 0, `weak` (bare short names) in tier 1."""
        for tier, keys in ((0, [display, *names]), (1, weak)):
            for name in keys:
                key = normalise(name)
                if key:
                    self.tiers[tier].setdefault(key, {})[id(value)] = (value, display)
                    self.displays.setdefault(key, display)

    def queries(self, text: str) -> list[tuple[str, tuple[int, ...]]]:
        """The keys to look up, in order, each with the tiers it may be found in."""
        return [(normalise(text), (0, 1))]

    def find(self, text: str):
        """The value the text names; Invalid (with the message for the user) when none or several."""
        for key, tiers in self.queries(text):
            for tier in tiers:
                hits = self.tiers[tier].get(key)
                if not hits:
                    continue
                if len(hits) == 1:
                    return next(iter(hits.values()))[0]
                names = sorted({display for _value, display in hits.values()})
                raise Ambiguous(
                    _(
                        "«%(value)s» can mean %(names)s: write the full name.",
                        value=text,
                        names=", ".join(f"«{n}»" for n in names),
                    )
                )
        raise Unknown(self.message(text))

    def suggestion(self, text: str) -> str | None:
        keys = [key for tier in self.tiers for key in tier]
        close = close_matches(normalise(text), keys)
        return self.displays[close[0]] if close else None

    def message(self, text: str) -> str:
        message = self.unknown(text)
        key = normalise(text)
        if key not in self.suggested and len(self.suggested) < MAX_SUGGESTIONS:
            self.suggested[key] = self.suggestion(text)
        suggestion = self.suggested.get(key)
        if suggestion:
            message += " " + _("Did you mean «%(suggestion)s»?", suggestion=suggestion)
        return message

    def convert(self, value, max_length: int = 500):
        """A cell converter for RowReader.get: None for an empty cell, the value it names, or Invalid."""
        text = as_text(value, max_length=max_length)
        return None if text is None else self.find(text)


# --- regions ----------------------------------------------------------------------------------


def _initials(words: list[str]) -> str | None:
    """'западно казахстанская' + 'область' -> 'зко': only names of three words or more have one."""
    return "".join(w[0] for w in words) if len(words) >= 3 else None


def region_names(name_ru: str, name_kk: str, name_en: str) -> tuple[list[str], list[str]]:
    """The strong and the weak names of a region, generated from its official ru/kk/en names:
    «город Алматы»: г. Алматы, Алматы қаласы, Алматы қ., Almaty city, Алматы (a city's bare name is strong);
    «Карагандинская область»: Карагандинская обл., Карагандинская, Қарағанды облысы, Қарағанды обл.,
    область Қарағанды, Karaganda Region, Karaganda oblast; weak: Қарағанды, Karaganda;
    «Западно-Казахстанская область»: also ЗКО, БҚО."""
    strong, weak = [], []
    ru, kk, en = normalise(name_ru), normalise(name_kk), normalise(name_en)
    city = re.fullmatch(r"город (.+)", ru) or re.fullmatch(r"(.+) каласы", kk)
    if m := re.fullmatch(r"город (.+)", ru):
        strong += [f"г {m[1]}", f"гор {m[1]}", m[1], f"{m[1]} каласы", f"{m[1]} к"]
    elif m := re.fullmatch(r"(.+) область", ru):
        strong += [f"{m[1]} обл", m[1]]
        if initials := _initials(ru.split()):
            strong.append(initials)
    elif m := re.fullmatch(r"область (.+)", ru):
        strong += [f"обл {m[1]}", f"{m[1]} область", f"{m[1]} обл"]
        weak.append(m[1])
    if m := re.fullmatch(r"(.+) каласы", kk):
        strong += [m[1], f"{m[1]} к", f"г {m[1]}", f"город {m[1]}"]
    elif m := re.fullmatch(r"(.+) облысы", kk):
        strong += [f"{m[1]} обл", f"{m[1]} область", f"область {m[1]}", f"обл {m[1]}"]
        if initials := _initials(kk.split()):
            strong.append(initials)
        weak.append(m[1])
    if m := re.fullmatch(r"(.+) city", en):
        strong += [m[1], f"city of {m[1]}"]
    elif m := re.fullmatch(r"(.+) region", en):
        strong += [f"{m[1]} oblast", f"{m[1]} province"]
        weak.append(m[1])
    elif city:
        strong += [f"{en} city", f"city of {en}"]
    return strong, weak


def region_matcher(regions) -> Matcher:
    matcher = Matcher(lambda text: _("Unknown region «%(value)s».", value=text))
    for region in regions:
        strong, weak = region_names(region.name_ru, region.name_kk, region.name_en)
        matcher.add(region, region.name_ru, [region.name_kk, region.name_en, region.kato, *strong], weak)
    return matcher


# --- organisations ------------------------------------------------------------------------------

# Legal forms as written before or after the name (ru abbreviation and full form, kk likewise):
# each spelling maps to one canonical form, so «ТОО» = «ЖШС», «ОФ» = «ҚҚ» = «Общественный фонд».
LEGAL_FORMS = {
    "too": ("тоо", "товарищество с ограниченной ответственностью", "жшс",
            "жауапкершілігі шектеулі серіктестік", "жауапкершілігі шектеулі серіктестігі"),
    "of": ("оф", "общественный фонд", "корпоративный фонд", "кф", "кк", "қоғамдық қор", "қоғамдық қоры",
           "корпоративтік қор", "корпоративтік қоры"),
    "oo": ("оо", "общественное объединение", "кб", "қоғамдық бірлестік", "қоғамдық бірлестігі"),
    "roo": ("роо", "республиканское общественное объединение", "ркб",
            "республикалық қоғамдық бірлестік", "республикалық қоғамдық бірлестігі"),
    "oyul": ("оюл", "объединение юридических лиц", "зтб", "заңды тұлғалар бірлестігі"),
    "chu": ("чу", "частное учреждение", "жм", "жеке мекеме", "жеке мекемесі"),
    "ao": ("ао", "акционерное общество", "акционерлік қоғам", "акционерлік қоғамы"),  # not «АҚ»: «ақ» is a word
    "gu": ("гу", "государственное учреждение", "мм", "мемлекеттік мекеме", "мемлекеттік мекемесі"),
    "kgu": ("кгу", "коммунальное государственное учреждение", "кмм", "коммуналдық мемлекеттік мекеме",
            "коммуналдық мемлекеттік мекемесі"),
    "rgu": ("ргу", "республиканское государственное учреждение", "рмм",
            "республикалық мемлекеттік мекеме", "республикалық мемлекеттік мекемесі"),
    "ip": ("ип", "индивидуальный предприниматель", "жк", "жеке кәсіпкер"),
}  # fmt: skip
_FORMS = sorted(
    ((normalise(spelling), form) for form, spellings in LEGAL_FORMS.items() for spelling in spellings),
    key=lambda item: -len(item[0]),
)


# The country as names spell it out or abbreviate it: «Министерство … Республики Казахстан» = «… РК».
_COUNTRY = [
    (re.compile(r"\bреспублики казахстан\b"), "рк"),
    (re.compile(r"\bказакстан республикасы(ның|нын)?\b"), "кр"),
    (re.compile(r"\bof the republic of kazakhstan\b"), "of rk"),
]


def split_legal_form(name: str) -> tuple[str | None, str]:
    """(canonical legal form or None, the rest normalised): '«Болашак» қоғамдық қоры' -> ('of', 'болашак')."""
    key = normalise(name)
    for pattern, short in _COUNTRY:
        key = pattern.sub(short, key)
    for spelling, form in _FORMS:
        if key.startswith(spelling + " "):
            return form, key[len(spelling) + 1 :]
        if key.endswith(" " + spelling):
            return form, key[: -len(spelling) - 1]
    return None, key


class OrganisationMatcher(Matcher):
    """Organisations by name with or without their legal form: the form written must be theirs
    («ТОО Болашак» never finds «ОФ Болашак»); a name without one finds an organisation of any form,
    and two of them with the same name are ambiguous."""

    def add_organisation(self, organisation) -> None:
        for name in (organisation.name_ru, organisation.name_kk, organisation.name_en):
            if not name:
                continue
            form, core = split_legal_form(name)
            display = organisation.name_ru
            if form:
                self._add(0, f"{form}~{core}", organisation, display)
                self._add(1, core, organisation, display)
            else:
                self._add(0, core, organisation, display)

    def _add(self, tier: int, key: str, value, display: str) -> None:
        if key:
            self.tiers[tier].setdefault(key, {})[id(value)] = (value, display)
            self.displays.setdefault(key, display)

    def queries(self, text: str) -> list[tuple[str, tuple[int, ...]]]:
        form, core = split_legal_form(text)
        if form:
            return [(f"{form}~{core}", (0,)), (core, (0,))]
        return [(core, (0, 1))]

    def suggestion(self, text: str) -> str | None:
        _form, core = split_legal_form(text)
        keys = {key.split("~", 1)[-1]: key for tier in self.tiers for key in tier}
        close = close_matches(core, list(keys))
        return self.displays[keys[close[0]]] if close else None


def organisation_matcher(organisations) -> OrganisationMatcher:
    matcher = OrganisationMatcher(lambda text: _("Unknown organisation «%(value)s».", value=text))
    for organisation in organisations:
        matcher.add_organisation(organisation)
    return matcher


# --- spheres, statuses, anything with titles ---------------------------------------------------


def sphere_matcher(spheres) -> Matcher:
    matcher = Matcher(lambda text: _("Unknown sphere «%(value)s».", value=text))
    for sphere in spheres:
        matcher.add(sphere, sphere.name_ru, [sphere.code, sphere.name_kk, sphere.name_en])
    return matcher


def titles_in(title, languages=("ru", "kk", "en")) -> list[str]:
    """A translatable title as the catalogues write it in each interface language."""
    found = []
    for language in languages:
        with force_locale(language):
            found.append(str(title))
    return found


def status_matcher(enum, synonyms: dict[str, Iterable[str]] | None = None) -> Matcher:
    """An enum (LotStatus, ProjectStatus) by its code and its titles in ru/kk/en, plus synonyms."""
    matcher = Matcher(lambda text: _("Unknown status «%(value)s».", value=text))
    titles = enum.TITLES()
    for member in enum:
        ru, kk, en = titles_in(titles[member.value])
        matcher.add(member, ru, [kk, en, member.value, *(synonyms or {}).get(member.value, ())])
    return matcher
