"""The demo lots of 2024–2026 and their contracts, generated from the topic templates.

Topic templates × administrators × years, drawn with `random.Random(2026)`: every run yields
the same lots, contracts and indicators. Plain data only (dicts keyed by the organisations'
`key`, the regions' KATO and the spheres' code); `grants.seed.demo` writes them.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from grants.seed.data.ngos import NGOS
from grants.seed.data.topics_safety import TOPICS_SAFETY
from grants.seed.data.topics_social import TOPICS_SOCIAL
from grants.seed.data.topics_youth import TOPICS_YOUTH

YEARS = (2024, 2025, 2026)
CURRENT_YEAR = 2026
CENT = Decimal("0.01")
TOPICS = {t["code"]: t for t in TOPICS_YOUTH + TOPICS_SAFETY + TOPICS_SOCIAL}

AST, ALA, SHY, KAR, TUR = "710000000", "750000000", "790000000", "350000000", "610000000"
PLACES = {  # how titles name the place: ru, kk, en
    AST: ("в городе Астане", "Астана қаласында", "in Astana"),
    ALA: ("в городе Алматы", "Алматы қаласында", "in Almaty"),
    SHY: ("в городе Шымкенте", "Шымкент қаласында", "in Shymkent"),
    KAR: ("в Карагандинской области", "Қарағанды облысында", "in Karaganda Region"),
    TUR: ("в Туркестанской области", "Түркістан облысында", "in Turkistan Region"),
}
REGION_SCALE = {AST: 100, ALA: 120, SHY: 95, KAR: 85, TUR: 80}  # % of a topic's base size
YEAR_SCALE = {2024: 100, 2025: 108, 2026: 116}  # % of base budget: prices grow
MINISTRY_SCALE = 2  # republican lots reach more people
MINISTRY_BUDGET_SCALE = 160  # % of a regional lot's budget

# administrator, KATO, topics placed every year, optional topics, lots a year
REGIONAL_PLANS = [
    (
        "astana_youth",
        AST,
        ("drug_youth", "road_safety", "offence_teens", "school_safety"),
        ("youth_neet", "volunteering", "interethnic", "eco", "suicide_prevention", "healthy_lifestyle"),
        8,
    ),
    (
        "astana_social",
        AST,
        ("disability_inclusion",),
        ("disability_children", "elderly_active", "family_support", "migrant_adaptation"),
        3,
    ),
    (
        "almaty_social",
        ALA,
        ("drug_youth", "migrant_adaptation"),
        (
            "road_safety",
            "family_support",
            "healthy_lifestyle",
            "interethnic",
            "eco",
            "youth_neet",
            "volunteering",
            "elderly_active",
        ),
        5,
    ),
    (
        "shymkent_ip",
        SHY,
        ("offence_teens", "family_support"),
        ("drug_youth", "migrant_adaptation", "youth_neet", "interethnic", "healthy_lifestyle"),
        4,
    ),
    (
        "karaganda_ip",
        KAR,
        ("drug_youth",),
        ("school_safety", "elderly_active", "eco", "disability_children", "volunteering"),
        3,
    ),
    (
        "turkistan_sd",
        TUR,
        ("migrant_adaptation",),
        ("youth_neet", "family_support", "interethnic", "road_safety", "healthy_lifestyle"),
        3,
    ),
]
# Central ministries place one lot a year each, in a region: (administrator, topic, KATO).
MINISTRY_LOTS = {
    2024: [
        ("mci", "interethnic", KAR),
        ("mvd", "offence_teens", KAR),
        ("mlsp", "disability_children", SHY),
        ("moe", "school_safety", SHY),
    ],
    2025: [
        ("mci", "volunteering", TUR),
        ("mvd", "offence_teens", TUR),
        ("mlsp", "elderly_active", ALA),
        ("moe", "road_safety", SHY),
    ],
    2026: [
        ("mci", "interethnic", ALA),
        ("mvd", "migrant_adaptation", KAR),
        ("mlsp", "disability_inclusion", TUR),
        ("moe", "suicide_prevention", AST),
    ],
}
# Statuses of the current year's lots by their place in an administrator's list.
CURRENT_STATUSES = (
    "in_implementation",
    "in_implementation",
    "awarded",
    "in_implementation",
    "announced",
    "in_implementation",
    "planned",
    "announced",
)
MINISTRY_CURRENT_STATUS = {
    "mci": "in_implementation",
    "mvd": "in_implementation",
    "mlsp": "awarded",
    "moe": "announced",
}
# (year, administrator, index): competitions that found no eligible bid.
CANCELLED = {(2025, "karaganda_ip", 2), (2026, "karaganda_ip", 2)}
PROJECT_STATUS = {"completed": "completed", "in_implementation": "in_implementation", "awarded": "contracted"}


def build_lots() -> list[dict]:
    """Every demo lot as a dict; lots that reached a contract carry it under "project"."""
    rng = random.Random(2026)
    lots: list[dict] = []
    contract_seq: dict[tuple[str, int], int] = {}
    for year in YEARS:
        entries = _year_entries(rng, year)
        for seq, (admin, kato, topic, status, ministry) in enumerate(entries, start=1):
            lot = _lot(rng, year, f"{seq}-ГСЗ", admin, kato, topic, status, ministry)
            if status in PROJECT_STATUS:
                n = contract_seq[(kato, year)] = contract_seq.get((kato, year), 0) + 1
                lot["project"] = _project(rng, lot, f"ГСЗ-{kato[:3]}-{year}-{n:03d}")
            lots.append(lot)
    # One lot awarded on a single bid, as imported procurement data would say, so that the demo
    # raises that risk flag (docs/analytics.md#risk-flags); the bids of the other lots are not known.
    next(lot for lot in lots if lot["year"] == 2025 and lot["project"])["applicants"] = 1
    return lots


def _year_entries(rng: random.Random, year: int) -> list[tuple]:
    """(administrator, KATO, topic, status, is_ministry) for one year, in lot-number order."""
    taken = {(kato, topic) for _, topic, kato in MINISTRY_LOTS[year]}
    entries = []
    for admin, kato, core, optional, count in REGIONAL_PLANS:
        pool = [t for t in optional if (kato, t) not in taken]
        topics = list(core) + rng.sample(pool, count - len(core))
        taken.update((kato, t) for t in topics)
        for index, topic in enumerate(topics):
            entries.append((admin, kato, topic, _status(year, admin, index), False))
    for admin, topic, kato in MINISTRY_LOTS[year]:
        status = MINISTRY_CURRENT_STATUS[admin] if year == CURRENT_YEAR else "completed"
        entries.append((admin, kato, topic, status, True))
    return entries


def _status(year: int, admin: str, index: int) -> str:
    if (year, admin, index) in CANCELLED:
        return "cancelled"
    if year < CURRENT_YEAR:
        return "completed"
    return CURRENT_STATUSES[index % len(CURRENT_STATUSES)]


def _lot(rng, year, number, admin, kato, topic_code, status, ministry) -> dict:
    topic = TOPICS[topic_code]
    place_ru, place_kk, place_en = PLACES[kato]
    scale = REGION_SCALE[kato] * (MINISTRY_SCALE if ministry else 1)
    budget_scale = REGION_SCALE[kato] * (MINISTRY_BUDGET_SCALE if ministry else 100) // 100
    start, end = _lot_dates(rng, year, status)
    indicators = [_scaled_indicator(ind, scale) for ind in topic["indicators"]]
    lot = {
        "number": number,
        "year": year,
        "administrator": admin,
        "kato": kato,
        "topic": topic_code,
        "sphere": topic["sphere"],
        "status": status,
        "start_date": start,
        "end_date": end,
        "title_ru": topic["title_ru"].format(place=place_ru),
        "title_kk": _capitalise(topic["title_kk"].format(place=place_kk)),
        "title_en": topic["title_en"].format(place=place_en),
        "budget": _budget(rng, topic["budget_k"], budget_scale, year),
        "beneficiaries": _nice(topic["beneficiaries"] * scale / 100),
        "applicants": None,
        "indicators": indicators[: rng.randint(2, 4)],
        "all_indicators": indicators,
        "project": None,
    }
    for field in ("description", "goal", "tasks", "expected_results", "target_group"):
        lot[f"{field}_ru"] = topic[f"{field}_ru"]
        lot[f"{field}_kk"] = topic[f"{field}_kk"]
    return lot


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _nice(value: float) -> int:
    """Round a planned quantity the way specifications do: tens above a hundred."""
    return max(1, int(round(value / 10) * 10) if value >= 100 else int(round(value)))


def _scaled_indicator(indicator: tuple, scale: int) -> dict:
    name_ru, name_kk, name_en, unit, baseline, target = indicator
    if unit != "percent":
        target = _nice(target * scale / 100)
    return {
        "name_ru": name_ru,
        "name_kk": name_kk,
        "name_en": name_en,
        "unit": unit,
        "baseline": baseline,
        "target": target,
    }


def _budget(rng: random.Random, base_thousands: int, scale: int, year: int) -> Decimal:
    """3–40 million tenge; about a third of lots carry tenge and tiyn, as computed estimates do."""
    size = rng.choices((60, 100, 200), weights=(15, 75, 10))[0]  # a few small and a few large lots
    thousands = base_thousands * scale * YEAR_SCALE[year] * rng.randint(70, 100) * size // 100_000_000
    thousands = min(max(thousands, 3_000), 39_900)
    amount = Decimal(thousands * 1000)
    if rng.random() < 0.35:
        amount += Decimal(rng.randint(1, 999)) + Decimal(rng.randint(1, 99)) / 100
    return amount.quantize(CENT)


def _lot_dates(rng: random.Random, year: int, status: str) -> tuple[date, date]:
    """Lots run from spring to the year's end; late competitions of the current year run in December."""
    if status == "awarded":
        return date(year, 12, 1), date(year, 12, 25)
    if status == "announced":
        return date(year, 12, rng.randint(7, 10)), date(year, 12, 28)
    if status == "planned":
        return date(year, 12, 14), date(year, 12, 30)
    start = date(year, rng.randint(2, 4), rng.randint(1, 28))
    end = date(year, rng.choice((11, 12)), rng.randint(1, 25))
    return start, end


def _pick_ngo(rng: random.Random, kato: str, sphere: str) -> str:
    local = [n for n in NGOS if n["region"] == kato]
    matching = [n for n in local if sphere in n["spheres"]]
    return rng.choice(matching or local)["key"]


def _project(rng: random.Random, lot: dict, contract_number: str) -> dict:
    status = PROJECT_STATUS[lot["status"]]
    start, end = lot["start_date"], lot["end_date"]
    if status == "contracted":
        contract_date = date(lot["year"], 11, rng.randint(10, 24))
    else:
        contract_date = start - timedelta(days=rng.randint(4, 12))
    amount = (lot["budget"] * Decimal(rng.randint(90, 100)) / 100).quantize(CENT)
    project = {
        "contract_number": contract_number,
        "ngo": _pick_ngo(rng, lot["kato"], lot["sphere"]),
        "contract_date": contract_date,
        "amount": amount,
        "start_date": start,
        "end_date": end,
        "status": status,
        "actual_amount": None,
        "actual_end_date": None,
        "beneficiaries_actual": None,
    }
    count = min(rng.randint(3, 5), len(lot["all_indicators"]))
    if status == "completed":
        low, high = rng.choices(((100, 118), (90, 104), (62, 85)), weights=(3, 6, 1))[0]
        factors = [rng.randint(low, high) for _ in range(count)]
        project["actual_end_date"] = end - timedelta(days=rng.randint(0, 6))
        project["actual_amount"] = (
            amount if rng.random() < 0.75 else (amount * Decimal(rng.randint(960, 995)) / 1000).quantize(CENT)
        )
        reach = sum(factors) / len(factors)
        project["beneficiaries_actual"] = _nice(lot["beneficiaries"] * reach / 100)
        project["summary_ru"] = (
            f"Проект завершён, итоговый отчёт принят администратором. Фактический охват — "
            f"{project['beneficiaries_actual']} чел."
        )
        project["summary_kk"] = (
            f"Жоба аяқталды, қорытынды есепті әкімші қабылдады. Нақты қамту — "
            f"{project['beneficiaries_actual']} адам."
        )
    elif status == "in_implementation":
        progress = rng.randint(60, 85)
        factors = [None if rng.random() < 0.3 else progress for _ in range(count)]
        project["beneficiaries_actual"] = _nice(lot["beneficiaries"] * progress / 100)
        project["summary_ru"] = (
            "Проект реализуется; промежуточный отчёт за III квартал представлен администратору."
        )
        project["summary_kk"] = "Жоба іске асырылуда; III тоқсандағы аралық есеп әкімшіге ұсынылды."
    else:
        factors = [None] * count
        project["summary_ru"] = f"Договор заключён; реализация начнётся {start:%d.%m.%Y}."
        project["summary_kk"] = f"Шарт жасалды; іске асыру {start:%d.%m.%Y} басталады."
    project["indicators"] = [
        _project_indicator(ind, factor, in_progress=status == "in_implementation")
        for ind, factor in zip(lot["all_indicators"][:count], factors, strict=True)
    ]
    return project


def _project_indicator(indicator: dict, factor: int | None, in_progress: bool) -> dict:
    """Baseline, target and actual as Decimal; surveys (percent) report only at the end."""
    baseline, target, unit = indicator["baseline"], indicator["target"], indicator["unit"]
    actual = None
    if factor is not None and not (in_progress and unit == "percent"):
        if unit == "percent":
            start = baseline or 0
            actual = min(100, round(start + (target - start) * factor / 100))
        else:
            actual = round(target * factor / 100)
    return {
        "name_ru": indicator["name_ru"],
        "name_kk": indicator["name_kk"],
        "name_en": indicator["name_en"],
        "unit": unit,
        "baseline": None if baseline is None else Decimal(baseline),
        "target": Decimal(target),
        "actual": None if actual is None else Decimal(actual),
    }
