"""Demo accounts (README.md, "Demo accounts"), public councils and joint monitoring groups.

Users refer to organisations by `key`; council memberships and groups refer to councils by
`key`; a council names its chair and secretary (Council.chair_id, secretary_id) by email. Every
user gets the demo password.
"""

from datetime import date

# The documented demo accounts (README.md), in the order the CLI lists them.
DEMO_EMAILS = (
    "admin@example.kz",
    "ministry@example.kz",
    "chair@example.kz",
    "member1@example.kz",
    "member2@example.kz",
    "member3@example.kz",
    "member4@example.kz",
    "ngo@example.kz",
    "secretary@example.kz",
    "secretary2@example.kz",
    "official@example.kz",
    "official2@example.kz",
)

USERS = [
    {
        "email": "admin@example.kz",
        "full_name": "Жаксылыков Ермек Серикович",
        "position": "Системный администратор",
        "organisation": None,
        "language": "ru",
        "roles": ["admin"],
    },
    {
        "email": "ministry@example.kz",
        "full_name": "Сарсенова Айгерим Бакытжановна",
        "position": "Главный специалист отдела развития гражданского общества",
        "organisation": "astana_youth",
        "language": "ru",
        "roles": ["ministry"],
    },
    {
        "email": "chair@example.kz",
        "full_name": "Касымов Ерлан Маратович",
        "position": "Председатель комиссии по социальной политике Общественного совета города Астаны",
        "organisation": None,
        "language": "ru",
        "roles": ["chair", "member"],
    },
    {
        "email": "member1@example.kz",
        "full_name": "Абдрахманова Динара Сериковна",
        "position": "Адвокат, член Общественного совета города Астаны",
        "organisation": None,
        "language": "ru",
        "roles": ["member"],
    },
    {
        "email": "member2@example.kz",
        "full_name": "Бекмуханов Тимур Асхатович",
        "position": "Эксперт по развитию гражданского общества, член Общественного совета при МКИ РК",
        "organisation": None,
        "language": "ru",
        "roles": ["member"],
        # On the board of an NGO that holds Astana contracts: the recusal case.
        "affiliations": [("baiterek", "Член попечительского совета ОО «Центр поддержки семьи «Бәйтерек»»")],
    },
    {
        "email": "member3@example.kz",
        "full_name": "Оспанова Гульнара Амангельдиевна",
        "position": "Правозащитник, член Общественного совета по вопросам деятельности МВД РК",
        "organisation": None,
        "language": "kk",
        "roles": ["member"],
    },
    {
        "email": "member4@example.kz",
        "full_name": "Нургалиев Арман Кайратович",
        "position": "Педагог-психолог, член Общественного совета города Астаны",
        "organisation": None,
        "language": "kk",
        "roles": ["member"],
    },
    {
        "email": "ngo@example.kz",
        "full_name": "Тулегенова Асель Нурлановна",
        "position": "Директор ОФ «Жастар әлемі»",
        "organisation": "zhastar_alemi",
        "language": "ru",
        "roles": ["ngo"],
    },
    # Other members of the second group, so that it reaches a quorum on its own.
    {
        "email": "a.seitkali@example.kz",
        "full_name": "Сейтқали Айжан Мұратқызы",
        "position": "Юрист, председатель комиссии Общественного совета по вопросам деятельности МВД РК",
        "organisation": None,
        "language": "kk",
        "roles": ["chair", "member"],
    },
    {
        "email": "b.zhumabekov@example.kz",
        "full_name": "Жумабеков Бауыржан Ерланович",
        "position": "Предприниматель, член Общественного совета города Астаны",
        "organisation": None,
        "language": "ru",
        "roles": ["member"],
    },
    {
        "email": "k.omarova@example.kz",
        "full_name": "Омарова Камила Ахметовна",
        "position": "Журналист, член Общественного совета по вопросам деятельности МВД РК",
        "organisation": None,
        "language": "ru",
        "roles": ["member"],
    },
    # The councils' secretaries keep their councils' joint work (docs/cooperation.md#who-may-do-what).
    {
        "email": "secretary@example.kz",
        "full_name": "Мухамедиярова Алия Талгатовна",
        "position": "Секретарь Общественного совета города Астаны",
        "organisation": None,
        "language": "ru",
        "roles": ["secretary"],
    },
    {
        "email": "secretary2@example.kz",
        "full_name": "Кенжебаев Олжас Нурланович",
        "position": "Секретарь Общественного совета по вопросам деятельности МВД РК",
        "organisation": None,
        "language": "kk",
        "roles": ["secretary"],
    },
    # Officials of the addressees of recommendations: they answer their own body's recommendations.
    {
        "email": "official@example.kz",
        "full_name": "Ибраев Данияр Серикович",
        "position": "Заместитель начальника Управления местной полицейской службы Департамента полиции "
        "города Астаны",
        "organisation": "astana_police",
        "language": "ru",
        "roles": ["official"],
    },
    {
        "email": "official2@example.kz",
        "full_name": "Искакова Жанар Ермековна",
        "position": "Главный специалист отдела воспитательной работы Управления образования города Астаны",
        "organisation": "astana_education",
        "language": "kk",
        "roles": ["official"],
    },
]

COUNCILS = [
    {
        "key": "astana",
        "level": "local",
        "body": "astana_akimat",
        "region": "710000000",
        "chair": "chair@example.kz",
        "secretary": "secretary@example.kz",
        "name_ru": "Общественный совет города Астаны",
        "name_kk": "Астана қаласының Қоғамдық кеңесі",
        "name_en": "Public Council of Astana",
        "description_ru": "Консультативно-совещательный и наблюдательный орган при акимате города Астаны "
        "(Закон РК «Об общественных советах» № 383-V).",
        "description_kk": "Астана қаласы әкімдігі жанындағы консультативтік-кеңесші және байқаушы орган "
        "(«Қоғамдық кеңестер туралы» ҚР Заңы № 383-V).",
    },
    {
        "key": "mci",
        "level": "republican",
        "body": "mci",
        "region": None,
        "name_ru": "Общественный совет при Министерстве культуры и информации Республики Казахстан",
        "name_kk": "Қазақстан Республикасы Мәдениет және ақпарат министрлігі жанындағы Қоғамдық кеңес",
        "name_en": "Public Council at the Ministry of Culture and Information of the Republic of Kazakhstan",
        "description_ru": "Республиканский общественный совет при уполномоченном органе в сфере взаимодействия с "
        "неправительственными организациями.",
        "description_kk": "Үкіметтік емес ұйымдармен өзара іс-қимыл саласындағы уәкілетті орган жанындағы "
        "республикалық қоғамдық кеңес.",
    },
    {
        "key": "mvd",
        "level": "republican",
        "body": "mvd",
        "region": None,
        "secretary": "secretary2@example.kz",
        "name_ru": "Общественный совет по вопросам деятельности Министерства внутренних дел Республики Казахстан",
        "name_kk": "Қазақстан Республикасы Ішкі істер министрлігінің қызметі мәселелері жөніндегі Қоғамдық кеңес",
        "name_en": "Public Council on the Activities of the Ministry of Internal Affairs of the Republic of Kazakhstan",
        "description_ru": "Заслушивает отчёты полиции о профилактике правонарушений, наркомании и миграционной "
        "ситуации.",
        "description_kk": "Полицияның құқық бұзушылықтардың, нашақорлықтың алдын алу және көші-қон жағдайы "
        "туралы есептерін тыңдайды.",
    },
]

# (council key, email, position in the council)
COUNCIL_MEMBERS = [
    ("astana", "chair@example.kz", "Председатель комиссии по социальной политике"),
    ("astana", "member1@example.kz", "Член Общественного совета"),
    ("astana", "member4@example.kz", "Член Общественного совета"),
    ("astana", "b.zhumabekov@example.kz", "Член Общественного совета"),
    ("mci", "member2@example.kz", "Член Общественного совета"),
    ("mvd", "member3@example.kz", "Член Общественного совета"),
    ("mvd", "a.seitkali@example.kz", "Председатель комиссии по профилактике правонарушений"),
    ("mvd", "k.omarova@example.kz", "Член Общественного совета"),
]

GROUPS = [
    {
        "name_ru": "Совместная мониторинговая группа по социальным проектам города Астаны",
        "name_kk": "Астана қаласының әлеуметтік жобалары бойынша бірлескен мониторингтік топ",
        "name_en": "Joint monitoring group on the social projects of Astana",
        "councils": ["astana", "mci", "mvd"],
        "chair": "chair@example.kz",
        "organiser": "astana_youth",
        "period_start": date(2026, 1, 15),
        "period_end": date(2026, 12, 31),
        # (email, council the member represents)
        "members": [
            ("chair@example.kz", "astana"),
            ("member1@example.kz", "astana"),
            ("member2@example.kz", "mci"),
            ("member3@example.kz", "mvd"),
        ],
    },
    {
        "name_ru": "Совместная мониторинговая группа по профилактике правонарушений и миграции",
        "name_kk": "Құқық бұзушылықтардың алдын алу және көші-қон бойынша бірлескен мониторингтік топ",
        "name_en": "Joint monitoring group on offence prevention and migration",
        "councils": ["astana", "mvd"],
        "chair": "a.seitkali@example.kz",
        "organiser": "mvd",
        "period_start": date(2026, 3, 1),
        "period_end": date(2027, 2, 28),
        "members": [
            ("a.seitkali@example.kz", "mvd"),
            ("member4@example.kz", "astana"),
            ("b.zhumabekov@example.kz", "astana"),
            ("k.omarova@example.kz", "mvd"),
        ],
    },
]
