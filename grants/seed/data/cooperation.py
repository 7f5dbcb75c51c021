"""The councils' joint work in the demo (docs/cooperation.md): the 2026 joint activity plan of the Public
Council of Astana with the public councils of the Ministry of Internal Affairs and of the Ministry of Culture
and Information, its meetings with minutes, a working group, experts, information work and recommendations.

Titles are written in kk/ru/en; the texts of minutes, decisions, recommendations and responses are kept in
Russian, the working language of the councils' documents. Councils are referred to by their `key` in
people.py, organisations by their `key` in administrators.py and ngos.py, needs by the keys of NEED_TITLES,
spheres by code, people by email. Dates of the plan are fixed; the due dates of the recommendations are
counted in days from the day the demo is loaded (`due`), so that exactly two are overdue whenever it is.
"""

from datetime import date

YEAR = 2026

PLAN = {
    "year": YEAR,
    "title_ru": "Совместный план работы Общественного совета города Астаны, Общественного совета по вопросам "
    "деятельности МВД РК и Общественного совета при МКИ РК на 2026 год",
    "title_kk": "Астана қаласы Қоғамдық кеңесінің, ҚР ІІМ қызметі мәселелері жөніндегі Қоғамдық кеңестің және "
    "ҚР МАМ жанындағы Қоғамдық кеңестің 2026 жылға арналған бірлескен жұмыс жоспары",
    "title_en": "Joint activity plan of the Public Council of Astana, the Public Council on the Activities of the "
    "Ministry of Internal Affairs and the Public Council at the Ministry of Culture and Information for 2026",
    "councils": ["astana", "mvd", "mci"],
    "created_by": "secretary@example.kz",
}

# Needs already in needs.py are reused by their Russian title; the two below are added for Astana.
NEED_TITLES = {
    "drugs": "Вовлечение подростков в сбыт синтетических наркотиков через мессенджеры",
    "roads": "Рост детского дорожно-транспортного травматизма в новых жилых массивах",
    "bullying": "Травля и кибербуллинг среди школьников",
    "minors": "Повторные правонарушения несовершеннолетних, состоящих на учёте",
    "tension": "Социальная напряжённость в районах новостроек столицы",
    "migration": "Адаптация внешних трудовых мигрантов и кандасов в городе Астане",
}

NEEDS = [
    {
        "title_ru": NEED_TITLES["tension"],
        "title_kk": "Елорданың жаңа құрылыс аудандарындағы әлеуметтік шиеленіс",
        "title_en": "Social tension in the capital's new-build districts",
        "description_ru": "Жители новых микрорайонов жалуются на нехватку школ, поликлиник и общественного "
        "транспорта; обращения переходят в коллективные жалобы и стихийные собрания.",
        "description_kk": "Жаңа шағын аудандардың тұрғындары мектептердің, емханалардың және қоғамдық "
        "көліктің жетіспеушілігіне шағымданады; өтініштер ұжымдық шағымдар мен стихиялық жиындарға ұласады.",
        "region": "710000000",
        "source": "citizen_appeal",
        "priority": "high",
        "year_raised": 2025,
        "organisation": "astana_akimat",
        "evidence": "Обращения граждан в «eOtinish», 2025: 1 870 коллективных обращений из районов Байқоңыр и "
        "Нура\nОпрос Общественного совета г. Астаны, ноябрь 2025: 43 % жителей новостроек недовольны "
        "доступностью школ",
    },
    {
        "title_ru": NEED_TITLES["migration"],
        "title_kk": "Астана қаласындағы сыртқы еңбек мигранттары мен қандастардың бейімделуі",
        "title_en": "Adaptation of foreign labour migrants and kandas in Astana",
        "description_ru": "Трудовые мигранты и кандасы плохо знают свои права и обязанности, дети мигрантов "
        "не всегда посещают школу; растёт число административных правонарушений в сфере миграции.",
        "description_kk": "Еңбек мигранттары мен қандастар өз құқықтары мен міндеттерін нашар біледі, "
        "мигранттардың балалары мектепке үнемі бара бермейді; көші-қон саласындағы әкімшілік құқық "
        "бұзушылықтар саны өсуде.",
        "region": "710000000",
        "source": "statistics",
        "priority": "medium",
        "year_raised": 2025,
        "organisation": "astana_akimat",
        "evidence": "Департамент полиции г. Астаны, служба миграции: 6 240 административных протоколов за 2025 г. "
        "(+18 %)\nУправление образования: 312 детей мигрантов не охвачены обучением на 01.09.2025",
    },
]

ALL_COUNCILS = ["astana", "mvd", "mci"]

# Activities of the plan, in the plan's order. `meeting`: the meeting (its `key` in MEETINGS) that carries
# a joint-meeting activity out; `campaign`: linked to the demo's running monitoring campaign;
# `working_group`: carried out by the working group.
ACTIVITIES = [
    {
        "key": "approval",
        "format": "joint_meeting",
        "status": "done",
        "title_ru": "Совместное заседание: утверждение совместного плана на 2026 год и создание рабочей группы "
        "по профилактике наркомании среди молодёжи",
        "title_kk": "Бірлескен отырыс: 2026 жылға арналған бірлескен жоспарды бекіту және жастар арасында "
        "нашақорлықтың алдын алу жөніндегі жұмыс тобын құру",
        "title_en": "Joint meeting: approval of the joint plan for 2026 and forming the working group on youth "
        "drug prevention",
        "start": date(2026, 2, 12),
        "end": date(2026, 2, 12),
        "councils": ALL_COUNCILS,
        "needs": ["drugs"],
        "spheres": ["drug_prevention", "youth"],
        "responsible": "Касымов Е. М., председатель комиссии Общественного совета г. Астаны; секретари советов",
        "responsible_user": "chair@example.kz",
        "outcome": "План утверждён (протокол № 1), создана рабочая группа из 5 членов трёх советов.",
    },
    {
        "key": "police_report",
        "format": "joint_meeting",
        "status": "done",
        "title_ru": "Заслушивание отчёта Департамента полиции города Астаны о профилактике правонарушений среди "
        "несовершеннолетних",
        "title_kk": "Астана қаласы Полиция департаментінің кәмелетке толмағандар арасындағы құқық "
        "бұзушылықтардың алдын алу туралы есебін тыңдау",
        "title_en": "Hearing the report of the Police Department of Astana on offence prevention among minors",
        "start": date(2026, 5, 21),
        "end": date(2026, 5, 21),
        "councils": ["astana", "mvd"],
        "needs": ["minors", "roads"],
        "spheres": ["offence_prevention", "child_safety"],
        "responsible": "Сейтқали А. М., председатель комиссии по профилактике правонарушений Общественного "
        "совета по вопросам деятельности МВД РК",
        "responsible_user": "a.seitkali@example.kz",
        "outcome": "Отчёт заслушан (протокол № 2); полиции и Управлению образования направлено 6 рекомендаций.",
    },
    {
        "key": "tension_hearing",
        "format": "joint_meeting",
        "status": "done",
        "title_ru": "Заслушивание информации о причинах социальной напряжённости и миграционной обстановке в "
        "столице",
        "title_kk": "Елордадағы әлеуметтік шиеленістің себептері және көші-қон жағдайы туралы ақпаратты тыңдау",
        "title_en": "Hearing on the causes of social tension and the migration situation in the capital",
        "start": date(2026, 9, 17),
        "end": date(2026, 9, 17),
        "councils": ALL_COUNCILS,
        "needs": ["tension", "migration"],
        "spheres": ["interethnic", "migration"],
        "responsible": "Секретари общественных советов",
        "responsible_user": "secretary@example.kz",
        "outcome": "Информация заслушана (протокол № 3), проект рекомендаций готовится к направлению.",
    },
    {
        "key": "year_results",
        "format": "joint_meeting",
        "status": "planned",
        "title_ru": "Итоги совместной работы за 2026 год и проект совместного плана на 2027 год",
        "title_kk": "2026 жылғы бірлескен жұмыстың қорытындылары және 2027 жылға арналған бірлескен жоспардың "
        "жобасы",
        "title_en": "Results of the joint work in 2026 and the draft joint plan for 2027",
        "start": date(2026, 12, 17),
        "end": date(2026, 12, 17),
        "councils": ALL_COUNCILS,
        "needs": [],
        "spheres": [],
        "responsible": "Председатели и секретари общественных советов",
        "responsible_user": "secretary@example.kz",
        "outcome": None,
    },
    {
        "key": "drug_group",
        "format": "working_group",
        "status": "in_progress",
        "working_group": True,
        "title_ru": "Работа рабочей группы по профилактике наркомании среди молодёжи",
        "title_kk": "Жастар арасында нашақорлықтың алдын алу жөніндегі жұмыс тобының жұмысы",
        "title_en": "Work of the working group on youth drug prevention",
        "start": date(2026, 3, 1),
        "end": date(2026, 12, 15),
        "councils": ALL_COUNCILS,
        "needs": ["drugs"],
        "spheres": ["drug_prevention", "youth"],
        "responsible": "Нургалиев А. К., руководитель рабочей группы",
        "responsible_user": "member4@example.kz",
        "outcome": None,
    },
    {
        "key": "school_routes",
        "format": "working_group",
        "status": "postponed",
        "status_reason": "Управление образования не представило паспорта безопасных маршрутов школ новых "
        "микрорайонов; аудит перенесён на I квартал 2027 года (изменение плана № 1).",
        "title_ru": "Аудит маршрутов «дом — школа» в новых микрорайонах силами рабочей группы советов",
        "title_kk": "Жаңа шағын аудандардағы «үй — мектеп» бағыттарын кеңестердің жұмыс тобының күшімен аудиттеу",
        "title_en": "Audit of home-to-school routes in new districts by a working group of the councils",
        "start": date(2026, 8, 1),
        "end": date(2026, 10, 31),
        "councils": ["astana", "mvd"],
        "needs": ["roads"],
        "spheres": ["child_safety"],
        "responsible": "Жумабеков Б. Е., член Общественного совета г. Астаны",
        "responsible_user": "b.zhumabekov@example.kz",
        "outcome": None,
    },
    {
        "key": "tension_analysis",
        "format": "expert_support",
        "status": "done",
        "title_ru": "Аналитическая записка о причинах социальной напряжённости по обращениям граждан в «eOtinish»",
        "title_kk": "«eOtinish» жүйесіндегі азаматтардың өтініштері бойынша әлеуметтік шиеленістің себептері "
        "туралы талдамалық жазба",
        "title_en": "Analytical note on the causes of social tension from citizens' appeals in eOtinish",
        "start": date(2026, 6, 1),
        "end": date(2026, 8, 31),
        "councils": ["astana", "mci"],
        "needs": ["tension"],
        "spheres": ["interethnic"],
        "responsible": "Бекмуханов Т. А., член Общественного совета при МКИ РК",
        "responsible_user": "member2@example.kz",
        "outcome": "Записка рассмотрена на заседании 17.09.2026: три главные причины — доступность школ, "
        "транспорт и сроки ответов на обращения.",
    },
    {
        "key": "bullying_expertise",
        "format": "expert_support",
        "status": "in_progress",
        "title_ru": "Экспертиза программ профилактики травли и кибербуллинга в школах",
        "title_kk": "Мектептердегі қудалау мен кибербуллингтің алдын алу бағдарламаларына сараптама",
        "title_en": "Expert review of school programmes against bullying and cyberbullying",
        "start": date(2026, 10, 1),
        "end": date(2026, 12, 10),
        "councils": ["astana", "mci"],
        "needs": ["bullying"],
        "spheres": ["child_safety"],
        "responsible": "Абдрахманова Д. С., член Общественного совета г. Астаны",
        "responsible_user": "member1@example.kz",
        "outcome": None,
    },
    {
        "key": "social_order_monitoring",
        "format": "monitoring",
        "status": "in_progress",
        "campaign": True,
        "title_ru": "Мониторинг проектов социального заказа г. Астаны 2026 года по профилактике правонарушений и "
        "наркомании",
        "title_kk": "Астана қаласының 2026 жылғы құқық бұзушылықтар мен нашақорлықтың алдын алу жөніндегі "
        "әлеуметтік тапсырыс жобаларын мониторингтеу",
        "title_en": "Monitoring of Astana's 2026 social order projects on offence and drug prevention",
        "start": date(2026, 4, 1),
        "end": date(2026, 12, 20),
        "councils": ALL_COUNCILS,
        "needs": ["drugs", "minors"],
        "spheres": ["offence_prevention", "drug_prevention"],
        "responsible": "Совместная мониторинговая группа по социальным проектам города Астаны",
        "responsible_user": "chair@example.kz",
        "outcome": None,
    },
    {
        "key": "school_safety_monitoring",
        "format": "monitoring",
        "status": "done",
        "title_ru": "Общественный мониторинг безопасности у школ: пешеходные переходы, освещение, видеонаблюдение",
        "title_kk": "Мектептер маңындағы қауіпсіздікті қоғамдық мониторингтеу: жаяу жүргіншілер өткелдері, "
        "жарықтандыру, бейнебақылау",
        "title_en": "Public monitoring of safety around schools: crossings, lighting, video surveillance",
        "start": date(2026, 9, 1),
        "end": date(2026, 10, 15),
        "councils": ["astana", "mvd"],
        "needs": ["roads"],
        "spheres": ["child_safety"],
        "responsible": "Омарова К. А., член Общественного совета по вопросам деятельности МВД РК",
        "responsible_user": "k.omarova@example.kz",
        "outcome": "Обследованы 48 школ: у 11 нет регулируемого перехода, у 7 не работает освещение; "
        "результаты направлены в Департамент полиции и Управление образования.",
    },
    {
        "key": "migrant_centre_monitoring",
        "format": "monitoring",
        "status": "cancelled",
        "status_reason": "Центр адаптации мигрантов закрыт на реконструкцию до 2027 года; мониторинг "
        "исключён из плана решением заседания от 17.09.2026.",
        "title_ru": "Мониторинг работы центра адаптации трудовых мигрантов и кандасов",
        "title_kk": "Еңбек мигранттары мен қандастарды бейімдеу орталығының жұмысын мониторингтеу",
        "title_en": "Monitoring of the adaptation centre for labour migrants and kandas",
        "start": date(2026, 10, 1),
        "end": date(2026, 11, 30),
        "councils": ["mvd", "mci"],
        "needs": ["migration"],
        "spheres": ["migration"],
        "responsible": "Оспанова Г. А., член Общественного совета по вопросам деятельности МВД РК",
        "responsible_user": "member3@example.kz",
        "outcome": None,
    },
    {
        "key": "parents_meetings",
        "format": "information_work",
        "status": "done",
        "title_ru": "Разъяснительные встречи с родителями и учащимися о рисках вовлечения в наркосбыт",
        "title_kk": "Ата-аналар мен оқушылармен есірткі сатуға тартылу қаупі туралы түсіндіру кездесулері",
        "title_en": "Explanatory meetings with parents and pupils on the risks of being drawn into drug dealing",
        "start": date(2026, 3, 1),
        "end": date(2026, 5, 31),
        "councils": ["astana", "mvd"],
        "needs": ["drugs"],
        "spheres": ["drug_prevention"],
        "responsible": "Рабочая группа по профилактике наркомании среди молодёжи",
        "responsible_user": "member4@example.kz",
        "outcome": "Проведены 16 встреч в 12 школах и 4 колледжах, охвачено 2 140 человек.",
    },
    {
        "key": "road_campaign",
        "format": "information_work",
        "status": "done",
        "title_ru": "Медиакампания «Безопасная дорога в школу»",
        "title_kk": "«Мектепке қауіпсіз жол» медианауқаны",
        "title_en": "Media campaign “A safe way to school”",
        "start": date(2026, 8, 15),
        "end": date(2026, 9, 30),
        "councils": ["astana", "mvd", "mci"],
        "needs": ["roads"],
        "spheres": ["child_safety"],
        "responsible": "Омарова К. А., журналист, член Общественного совета по вопросам деятельности МВД РК",
        "responsible_user": "k.omarova@example.kz",
        "outcome": "Вышли 3 телесюжета и 12 публикаций; суммарный охват около 85 тысяч человек.",
    },
    {
        "key": "social_media",
        "format": "information_work",
        "status": "in_progress",
        "title_ru": "Публикации в социальных сетях о работе советов и ответах госорганов на рекомендации",
        "title_kk": "Кеңестердің жұмысы және мемлекеттік органдардың ұсынымдарға жауаптары туралы әлеуметтік "
        "желілердегі жарияланымдар",
        "title_en": "Social media posts on the councils' work and the state bodies' answers to recommendations",
        "start": date(2026, 2, 15),
        "end": date(2026, 12, 31),
        "councils": ALL_COUNCILS,
        "needs": [],
        "spheres": ["youth"],
        "responsible": "Секретари общественных советов",
        "responsible_user": "secretary@example.kz",
        "outcome": None,
    },
    {
        "key": "migrants_explanatory",
        "format": "information_work",
        "status": "planned",
        "title_ru": "Разъяснительная работа с трудовыми мигрантами о правах, обязанностях и ответственности",
        "title_kk": "Еңбек мигранттарымен құқықтары, міндеттері және жауапкершілігі туралы түсіндіру жұмысы",
        "title_en": "Explanatory work with labour migrants on their rights, duties and responsibility",
        "start": date(2026, 12, 1),
        "end": date(2026, 12, 25),
        "councils": ["mvd", "mci"],
        "needs": ["migration"],
        "spheres": ["migration"],
        "responsible": "Общественный совет по вопросам деятельности МВД РК",
        "responsible_user": "secretary2@example.kz",
        "outcome": None,
    },
]

# The plan was approved at meeting 1 and published; one activity was postponed afterwards (the history).
APPROVED_AT = (2026, 2, 12, 12, 30)
PUBLISHED_AT = (2026, 2, 16, 9, 0)
AMENDMENTS = [
    {
        "revision": 2,
        "activity": "school_routes",
        "action": "activity.status",
        "reason": "Управление образования не представило паспорта безопасных маршрутов школ; срок аудита "
        "перенесён на I квартал 2027 года.",
        "before": {"status": "planned", "start_date": "2026-08-01", "end_date": "2026-10-31"},
        "after": {"status": "postponed"},
        "made_by": "secretary@example.kz",
        "made_at": (2026, 7, 20, 10, 0),
    },
]

POLICE_HEAD = "Жумагулов Серик Амантаевич"
POLICE_HEAD_POSITION = "Начальник Департамента полиции города Астаны"
EDUCATION_DEPUTY = "Сагинтаева Гульмира Кайратовна"
EDUCATION_DEPUTY_POSITION = "Заместитель руководителя Управления образования города Астаны"
MIGRATION_HEAD = "Тлеубаев Ержан Маратович"
MIGRATION_HEAD_POSITION = "Начальник Управления миграционной службы Департамента полиции города Астаны"

# Members of the councils, with the council each sits for (COUNCIL_MEMBERS in people.py).
COUNCIL_PEOPLE = [
    ("chair@example.kz", "astana"),
    ("member1@example.kz", "astana"),
    ("member4@example.kz", "astana"),
    ("b.zhumabekov@example.kz", "astana"),
    ("member2@example.kz", "mci"),
    ("member3@example.kz", "mvd"),
    ("a.seitkali@example.kz", "mvd"),
    ("k.omarova@example.kz", "mvd"),
]

# Meetings (`key` for reference). `starts_at`: local date and time, or None for the scheduled meeting: on its
# activity's start date, or `days_ahead` days after the demo is loaded once that date has passed. `absent`: members who did not come. Agenda items: `speaker`
# (an email) or `speaker_name` with position and body (an invited official). Decisions refer to their
# agenda item by position.
MEETINGS = [
    {
        "key": "m1",
        "number": "1",
        "state": "published",
        "activity": "approval",
        "title_ru": "Совместное заседание общественных советов № 1",
        "title_kk": "Қоғамдық кеңестердің № 1 бірлескен отырысы",
        "title_en": "Joint meeting of the public councils No. 1",
        "starts_at": (2026, 2, 12, 10, 0),
        "published_at": (2026, 2, 16, 9, 0),
        "place": "г. Астана, ул. Бейбітшілік, 11, акимат города Астаны, зал заседаний",
        "councils": ALL_COUNCILS,
        "chaired_by": "Касымов Ерлан Маратович",
        "secretary": "secretary@example.kz",
        "absent": ["k.omarova@example.kz"],
        "invited": [],
        "agenda": [
            {
                "title_ru": "Об утверждении совместного плана работы на 2026 год",
                "title_kk": "2026 жылға арналған бірлескен жұмыс жоспарын бекіту туралы",
                "title_en": "Approval of the joint activity plan for 2026",
                "speaker": "secretary@example.kz",
                "heard": "Мухамедиярову А. Т., секретаря Общественного совета г. Астаны, о проекте совместного "
                "плана: 15 мероприятий в пяти формах по темам профилактики правонарушений, наркомании среди "
                "молодёжи, безопасности школьников, социальной напряжённости и миграции.",
                "discussed": "Сейтқали А. М. предложила заслушать отчёт Департамента полиции во II квартале; "
                "Бекмуханов Т. А. — дополнить план аналитической запиской по обращениям граждан.",
                "decided": "Утвердить совместный план работы на 2026 год с учётом предложений.",
            },
            {
                "title_ru": "О создании рабочей группы по профилактике наркомании среди молодёжи",
                "title_kk": "Жастар арасында нашақорлықтың алдын алу жөніндегі жұмыс тобын құру туралы",
                "title_en": "Forming the working group on youth drug prevention",
                "speaker": "member4@example.kz",
                "heard": "Нургалиева А. К. о росте вовлечения подростков в сбыт синтетических наркотиков через "
                "мессенджеры и о предложении создать рабочую группу из членов трёх советов.",
                "discussed": "Оспанова Г. А. предложила включить в группу представителя ювенальной полиции как "
                "приглашённого эксперта.",
                "decided": "Создать рабочую группу, руководитель — Нургалиев А. К.; утвердить её мандат.",
            },
        ],
        "decisions": [
            (0, "Утвердить совместный план работы общественных советов на 2026 год."),
            (
                1,
                "Создать рабочую группу по профилактике наркомании среди молодёжи в составе 5 членов советов.",
            ),
            (
                1,
                "Рекомендовать Управлению образования г. Астаны ввести в школах занятия по распознаванию "
                "вербовки в наркосбыт.",
            ),
        ],
    },
    {
        "key": "m2",
        "number": "2",
        "state": "published",
        "activity": "police_report",
        "title_ru": "Совместное заседание общественных советов № 2: заслушивание отчёта Департамента полиции "
        "города Астаны",
        "title_kk": "Қоғамдық кеңестердің № 2 бірлескен отырысы: Астана қаласы Полиция департаментінің есебін "
        "тыңдау",
        "title_en": "Joint meeting of the public councils No. 2: hearing the report of the Police Department of "
        "Astana",
        "starts_at": (2026, 5, 21, 15, 0),
        "published_at": (2026, 5, 27, 11, 0),
        "place": "г. Астана, пр. Абая, 37, Департамент полиции города Астаны, актовый зал",
        "councils": ["astana", "mvd"],
        "chaired_by": "Сейтқали Айжан Мұратқызы",
        "secretary": "secretary2@example.kz",
        "absent": ["member1@example.kz"],
        "invited": [
            (POLICE_HEAD, POLICE_HEAD_POSITION),
            (EDUCATION_DEPUTY, EDUCATION_DEPUTY_POSITION),
        ],
        "agenda": [
            {
                "title_ru": "Отчёт Департамента полиции города Астаны о профилактике правонарушений среди "
                "несовершеннолетних",
                "title_kk": "Астана қаласы Полиция департаментінің кәмелетке толмағандар арасындағы құқық "
                "бұзушылықтардың алдын алу туралы есебі",
                "title_en": "Report of the Police Department of Astana on offence prevention among minors",
                "speaker_name": POLICE_HEAD,
                "speaker_position": POLICE_HEAD_POSITION,
                "speaker_organisation": "astana_police",
                "heard": "Жумагулова С. А., начальника Департамента полиции города Астаны: за 4 месяца 2026 года "
                "несовершеннолетними совершено 212 правонарушений (−9 %), на профилактическом учёте 1 084 "
                "подростка, из них 19 % — с повторными правонарушениями; 27 подростков задержаны за сбыт "
                "наркотиков через мессенджеры.",
                "discussed": "Абдрахманова Д. С. указала на нехватку инспекторов по делам несовершеннолетних в "
                "районах новостроек; Оспанова Г. А. — на отсутствие данных о результатах индивидуальной работы "
                "с подростками на учёте; Омарова К. А. предложила публиковать ежеквартальную статистику.",
                "decided": "Отчёт принять к сведению; направить рекомендации Департаменту полиции.",
            },
            {
                "title_ru": "О безопасности школьников на дорогах в новых микрорайонах",
                "title_kk": "Жаңа шағын аудандардағы оқушылардың жолдағы қауіпсіздігі туралы",
                "title_en": "Pupils' road safety in new districts",
                "speaker_name": EDUCATION_DEPUTY,
                "speaker_position": EDUCATION_DEPUTY_POSITION,
                "speaker_organisation": "astana_education",
                "heard": "Сагинтаеву Г. К. о паспортах безопасных маршрутов: разработаны для 96 из 148 школ, в "
                "новых микрорайонах — для 14 из 31.",
                "discussed": "Жумабеков Б. Е. предложил общественный аудит маршрутов силами советов.",
                "decided": "Рекомендовать завершить паспорта маршрутов до начала учебного года.",
            },
        ],
        "decisions": [
            (
                0,
                "Рекомендовать Департаменту полиции г. Астаны меры по профилактике правонарушений среди "
                "несовершеннолетних (рекомендации 1–4).",
            ),
            (1, "Рекомендовать Управлению образования г. Астаны завершить паспорта безопасных маршрутов."),
        ],
    },
    {
        "key": "m3",
        "number": "3",
        "state": "held",
        "activity": "tension_hearing",
        "title_ru": "Совместное заседание общественных советов № 3",
        "title_kk": "Қоғамдық кеңестердің № 3 бірлескен отырысы",
        "title_en": "Joint meeting of the public councils No. 3",
        "starts_at": (2026, 9, 17, 10, 0),
        "published_at": None,
        "place": "г. Астана, пр. Мәңгілік Ел, 8, Дом министерств, подъезд 15, конференц-зал",
        "councils": ALL_COUNCILS,
        "chaired_by": "Касымов Ерлан Маратович",
        "secretary": "secretary@example.kz",
        "absent": ["b.zhumabekov@example.kz", "member3@example.kz"],
        "invited": [(MIGRATION_HEAD, MIGRATION_HEAD_POSITION)],
        "agenda": [
            {
                "title_ru": "О причинах социальной напряжённости в районах новостроек",
                "title_kk": "Жаңа құрылыс аудандарындағы әлеуметтік шиеленістің себептері туралы",
                "title_en": "The causes of social tension in new-build districts",
                "speaker": "member2@example.kz",
                "heard": "Бекмуханова Т. А. об аналитической записке по 1 870 коллективным обращениям граждан: "
                "нехватка мест в школах, транспорт, сроки ответов на обращения.",
                "discussed": "Касымов Е. М. предложил рекомендовать Управлению образования опубликовать график "
                "ввода новых школ.",
                "decided": "Записку одобрить; подготовить рекомендации Управлению образования.",
            },
            {
                "title_ru": "О миграционной обстановке и адаптации трудовых мигрантов",
                "title_kk": "Көші-қон жағдайы және еңбек мигранттарын бейімдеу туралы",
                "title_en": "The migration situation and the adaptation of labour migrants",
                "speaker_name": MIGRATION_HEAD,
                "speaker_position": MIGRATION_HEAD_POSITION,
                "speaker_organisation": "astana_police",
                "heard": "Тлеубаева Е. М.: за 8 месяцев составлено 4 310 протоколов о нарушениях миграционного "
                "законодательства; центр адаптации закрыт на реконструкцию.",
                "discussed": "Бекмуханов Т. А. предложил перенести разъяснительную работу в центры обслуживания "
                "населения; мониторинг центра адаптации исключить из плана.",
                "decided": "Информацию принять к сведению; мониторинг центра адаптации исключить из плана.",
            },
        ],
        "decisions": [
            (
                0,
                "Рекомендовать Управлению образования г. Астаны опубликовать график ввода школ в новых "
                "микрорайонах.",
            ),
            (1, "Рекомендовать Департаменту полиции г. Астаны проводить приём мигрантов в ЦОНах."),
        ],
    },
    {
        "key": "m4",
        "number": "4",
        "state": "scheduled",
        "activity": "year_results",
        "title_ru": "Совместное заседание общественных советов № 4: итоги года",
        "title_kk": "Қоғамдық кеңестердің № 4 бірлескен отырысы: жыл қорытындысы",
        "title_en": "Joint meeting of the public councils No. 4: results of the year",
        "starts_at": None,
        "days_ahead": 17,
        "published_at": None,
        "place": "г. Астана, ул. Бейбітшілік, 11, акимат города Астаны, зал заседаний",
        "councils": ALL_COUNCILS,
        "chaired_by": "Касымов Ерлан Маратович",
        "secretary": "secretary@example.kz",
        "absent": None,  # attendance not recorded yet
        "invited": [],
        "agenda": [
            {
                "title_ru": "Об итогах выполнения совместного плана за 2026 год",
                "title_kk": "2026 жылғы бірлескен жоспардың орындалу қорытындылары туралы",
                "title_en": "Results of the joint plan in 2026",
                "speaker": "secretary@example.kz",
            },
            {
                "title_ru": "О проекте совместного плана на 2027 год",
                "title_kk": "2027 жылға арналған бірлескен жоспардың жобасы туралы",
                "title_en": "The draft joint plan for 2027",
                "speaker": "chair@example.kz",
            },
        ],
        "decisions": [],
    },
]

WORKING_GROUP = {
    "name_ru": "Рабочая группа по профилактике наркомании среди молодёжи",
    "name_kk": "Жастар арасында нашақорлықтың алдын алу жөніндегі жұмыс тобы",
    "name_en": "Working group on youth drug prevention",
    "mandate": "Изучить пути вовлечения подростков в сбыт и употребление синтетических наркотиков, оценить "
    "профилактические программы школ и проектов социального заказа, подготовить рекомендации Департаменту "
    "полиции и Управлению образования г. Астаны (решение совместного заседания от 12.02.2026, протокол № 1).",
    "lead": "member4@example.kz",
    "formed_on": date(2026, 2, 12),
    "councils": ALL_COUNCILS,
    "needs": ["drugs"],
    "activity": "drug_group",
    "members": [
        ("member4@example.kz", "astana"),
        ("member1@example.kz", "astana"),
        ("member2@example.kz", "mci"),
        ("member3@example.kz", "mvd"),
        ("k.omarova@example.kz", "mvd"),
    ],
    # (title, due date, responsible, done on, output, activity)
    "tasks": [
        (
            "Собрать данные полиции и школ о случаях вовлечения подростков в наркосбыт за 2024–2026 годы",
            date(2026, 4, 15),
            "member3@example.kz",
            date(2026, 4, 10),
            "Справка: 94 случая, 71 % — через мессенджеры, средний возраст 15,8 лет.",
            "drug_group",
        ),
        (
            "Провести разъяснительные встречи в 12 школах и 4 колледжах",
            date(2026, 5, 31),
            "member4@example.kz",
            date(2026, 5, 29),
            "16 встреч, 2 140 участников; методичка для классных руководителей.",
            "parents_meetings",
        ),
        (
            "Оценить профилактические программы проектов социального заказа 2026 года",
            date(2026, 11, 20),
            "member2@example.kz",
            None,
            None,
            "social_order_monitoring",
        ),
        (
            "Подготовить проект рекомендаций Департаменту полиции и Управлению образования",
            date(2026, 12, 10),
            "member1@example.kz",
            None,
            None,
            "drug_group",
        ),
    ],
}

EXPERTS = [
    {
        "activity": "tension_analysis",
        "meeting": None,
        "user": None,
        "name": "Ахметова Сауле Болатовна",
        "qualification": "Кандидат социологических наук, доцент ЕНУ им. Л. Н. Гумилёва",
        "conclusion": "Основные причины напряжённости в районах новостроек — отставание социальной "
        "инфраструктуры от темпов жилищного строительства и формальные ответы на обращения. Рекомендуется "
        "публиковать графики ввода школ и поликлиник и ответы на коллективные обращения.",
        "concluded_on": date(2026, 8, 28),
    },
    {
        "activity": None,
        "meeting": "m2",
        "user": "member1@example.kz",
        "name": None,
        "qualification": "Адвокат, специалист по ювенальной юстиции",
        "conclusion": "Отчёт полиции содержит данные об объёме профилактической работы, но не о её результатах: "
        "нет доли подростков, снятых с учёта по исправлению. Рекомендуется включить этот показатель в "
        "ежеквартальную статистику.",
        "concluded_on": date(2026, 5, 25),
    },
]

INFORMATION = [
    {
        "activity": "parents_meetings",
        "council": "astana",
        "kind": "explanatory_meeting",
        "title_ru": "Встреча с родителями школы-лицея № 82 о рисках вовлечения подростков в наркосбыт",
        "title_kk": "№ 82 мектеп-лицейдің ата-аналарымен жасөспірімдердің есірткі сатуға тартылу қаупі туралы "
        "кездесу",
        "title_en": "Meeting with the parents of school-lyceum No. 82 on the risks of teenagers drawn into drug "
        "dealing",
        "held_on": date(2026, 4, 9),
        "audience": "Родители и учащиеся 8–11 классов",
        "reach": 640,
        "url": None,
    },
    {
        "activity": "road_campaign",
        "council": "mvd",
        "kind": "media",
        "title_ru": "Телесюжет «Безопасная дорога в школу» на телеканале «Астана»",
        "title_kk": "«Астана» телеарнасындағы «Мектепке қауіпсіз жол» телесюжеті",
        "title_en": "TV report “A safe way to school” on the Astana channel",
        "held_on": date(2026, 8, 28),
        "audience": "Жители города Астаны",
        "reach": 85000,
        "url": "https://example.kz/media/safe-way-to-school",
    },
    {
        "activity": "social_media",
        "council": "astana",
        "kind": "social_media",
        "title_ru": "Пост об ответах Департамента полиции на рекомендации советов",
        "title_kk": "Полиция департаментінің кеңестер ұсынымдарына жауаптары туралы жазба",
        "title_en": "Post on the Police Department's answers to the councils' recommendations",
        "held_on": date(2026, 7, 14),
        "audience": "Подписчики страниц Общественного совета г. Астаны",
        "reach": 12400,
        "url": "https://example.kz/social/astana-council/answers-police",
    },
    {
        "activity": "police_report",
        "council": "mvd",
        "kind": "media",
        "title_ru": "Статья «Полиция отчиталась перед общественными советами о профилактике правонарушений "
        "подростков»",
        "title_kk": "«Полиция қоғамдық кеңестер алдында жасөспірімдердің құқық бұзушылықтарының алдын алу туралы "
        "есеп берді» мақаласы",
        "title_en": "Article “The police reported to the public councils on preventing offences by teenagers”",
        "held_on": date(2026, 5, 22),
        "audience": "Читатели городских новостных сайтов",
        "reach": 23000,
        "url": "https://example.kz/news/police-report-councils",
    },
]

# Recommendations. `meeting`/`decision` (index in the meeting's decisions) or `evaluation` (the demo's published
# campaign: "project" or "lot"); `due`: days from the day the demo is loaded; `sent`, `responded`, `assessed`:
# local dates, or for the overdue ones days from that day (negative: in the past). `published`: the day it
# was published (None: not published).
RECOMMENDATIONS = [
    # --- from meeting 2 (the police report), to the police
    {
        "council": "astana",
        "meeting": "m2",
        "decision": 0,
        "addressee": "astana_police",
        "needs": ["minors"],
        "text": "Укомплектовать штат инспекторов по делам несовершеннолетних в районах новостроек Байқоңыр и "
        "Нура из расчёта один инспектор на 5 школ.",
        "status": "partially_implemented",
        "due": date(2026, 8, 31),
        "sent": date(2026, 5, 28),
        "published": date(2026, 5, 28),
        "response": "Выделено 6 дополнительных штатных единиц инспекторов ювенальной полиции, из них 4 "
        "укомплектованы; оставшиеся 2 — до 01.12.2026 по итогам конкурса.",
        "responded_by": "official@example.kz",
        "responded": date(2026, 8, 20),
        "assessment": "Рекомендация выполнена частично: норматив достигнут в районе Нура, в районе Байқоңыр — нет.",
        "assessed_by": "chair@example.kz",
        "assessed": date(2026, 9, 3),
    },
    {
        "council": "mvd",
        "meeting": "m2",
        "decision": 0,
        "addressee": "astana_police",
        "needs": ["minors"],
        "text": "Публиковать ежеквартальную статистику правонарушений несовершеннолетних с долей подростков, "
        "снятых с учёта по исправлению.",
        "status": "implemented",
        "due": date(2026, 7, 31),
        "sent": date(2026, 5, 28),
        "published": date(2026, 5, 28),
        "response": "Статистика за II квартал опубликована на сайте Департамента 15.07.2026, показатель снятия "
        "с учёта по исправлению включён.",
        "responded_by": "official@example.kz",
        "responded": date(2026, 7, 16),
        "assessment": "Выполнено: статистика опубликована в срок и в полном объёме.",
        "assessed_by": "secretary2@example.kz",
        "assessed": date(2026, 7, 24),
    },
    {
        "council": "astana",
        "meeting": "m2",
        "decision": 0,
        "addressee": "astana_police",
        "needs": ["drugs"],
        "text": "Организовать мониторинг мессенджеров и блокировку каналов, вербующих подростков в наркосбыт, "
        "с ежемесячным информированием рабочей группы советов.",
        "status": "rejected",
        "status_reason": "Оперативные данные о мониторинге каналов составляют служебную тайну и не могут "
        "передаваться рабочей группе; совет принял довод и считает рекомендацию отклонённой.",
        "due": date(2026, 8, 31),
        "sent": date(2026, 5, 28),
        "published": date(2026, 5, 28),
        "response": "Мониторинг ведётся в рамках оперативно-розыскной деятельности; сведения о нём не подлежат "
        "разглашению.",
        "responded_by": "official@example.kz",
        "responded": date(2026, 6, 25),
        "assessment": "Довод принят; рекомендация отклонена адресатом обоснованно.",
        "assessed_by": "chair@example.kz",
        "assessed": date(2026, 7, 2),
    },
    {
        "council": "astana",
        "meeting": "m2",
        "decision": 0,
        "addressee": "astana_police",
        "needs": ["minors"],
        "text": "Закрепить за каждым подростком, состоящим на учёте, наставника из числа волонтёров и отчитываться "
        "о результатах индивидуальной работы.",
        "status": "answered",
        "due": date(2026, 11, 30),
        "sent": date(2026, 5, 28),
        "published": date(2026, 5, 28),
        "response": "Наставники закреплены за 412 из 1 084 подростков совместно с НПО «Жастар әлемі»; отчёт о "
        "результатах прилагается.",
        "responded_by": "official@example.kz",
        "responded": date(2026, 11, 16),
    },
    {
        "council": "mvd",
        "meeting": "m2",
        "decision": 0,
        "addressee": "astana_police",
        "needs": ["drugs", "minors"],
        "text": "Проводить совместные с членами советов профилактические рейды в компьютерных клубах и местах "
        "досуга подростков в вечернее время.",
        "status": "implemented",
        "due": date(2026, 9, 30),
        "sent": date(2026, 5, 28),
        "published": date(2026, 5, 28),
        "response": "Проведено 14 совместных рейдов с участием членов советов; выявлено 37 несовершеннолетних "
        "без сопровождения взрослых, с родителями проведены беседы.",
        "responded_by": "official@example.kz",
        "responded": date(2026, 9, 24),
        "assessment": "Выполнено: рейды проведены, члены советов участвовали в 9 из них.",
        "assessed_by": "secretary2@example.kz",
        "assessed": date(2026, 10, 2),
    },
    # --- from meeting 2, to the Department of Education
    {
        "council": "astana",
        "meeting": "m2",
        "decision": 1,
        "addressee": "astana_education",
        "needs": ["roads"],
        "text": "Завершить паспорта безопасных маршрутов «дом — школа» для всех школ новых микрорайонов до "
        "начала учебного года.",
        "status": "not_implemented",
        "status_reason": "Паспорта разработаны для 19 из 31 школы; причины (нет данных от застройщиков) совет "
        "признал неуважительными.",
        "due": date(2026, 8, 25),
        "sent": date(2026, 5, 28),
        "published": date(2026, 5, 28),
        "response": "Паспорта разработаны для 19 школ; для остальных застройщики не передали схемы дорог.",
        "responded_by": "official2@example.kz",
        "responded": date(2026, 8, 24),
        "assessment": "Не выполнено: работа не завершена, запросы застройщикам направлены только в августе.",
        "assessed_by": "chair@example.kz",
        "assessed": date(2026, 9, 3),
    },
    # --- from meeting 1, to the Department of Education
    {
        "council": "astana",
        "meeting": "m1",
        "decision": 2,
        "addressee": "astana_education",
        "needs": ["drugs"],
        "text": "Ввести в 8–11 классах занятия по распознаванию вербовки в наркосбыт через мессенджеры.",
        "status": "implemented",
        "due": date(2026, 6, 1),
        "sent": date(2026, 2, 17),
        "published": date(2026, 2, 17),
        "response": "Занятия включены в программу классных часов во всех 148 школах с марта 2026 года; "
        "методичка согласована с ювенальной полицией.",
        "responded_by": "official2@example.kz",
        "responded": date(2026, 5, 20),
        "assessment": "Выполнено: занятия проводятся, проверено членами рабочей группы в 12 школах.",
        "assessed_by": "chair@example.kz",
        "assessed": date(2026, 6, 4),
    },
    # --- from the published evaluation of the 2025 campaign
    {
        "council": "astana",
        "evaluation": "project",
        "addressee": "zhastar_alemi",
        "needs": ["drugs"],
        "text": "Привлекать независимую оценку результатов проекта (опрос участников третьей стороной).",
        "status": "partially_implemented",
        "due": date(2026, 6, 30),
        "sent": date(2026, 3, 2),
        "published": date(2026, 3, 2),
        "response": "Опрос третьей стороной проведён по одному из двух направлений проекта; по второму — "
        "запланирован в 2027 году.",
        "responded_by": "ngo@example.kz",
        "responded": date(2026, 6, 22),
        "assessment": "Выполнено частично: независимая оценка охватила половину мероприятий.",
        "assessed_by": "chair@example.kz",
        "assessed": date(2026, 7, 1),
    },
    {
        "council": "astana",
        "evaluation": "project",
        "addressee": "astana_education",
        "needs": ["drugs"],
        "text": "Закрепить волонтёрские клубы профилактики при школах для продолжения работы после завершения "
        "проекта социального заказа.",
        "status": "not_implemented",
        "status_reason": "Клубы созданы только в 3 школах из 20, участвовавших в проекте; ответственные не "
        "назначены.",
        "due": date(2026, 9, 1),
        "sent": date(2026, 3, 2),
        "published": date(2026, 3, 2),
        "response": "Клубы работают в 3 школах; в остальных нет педагогов-организаторов.",
        "responded_by": "official2@example.kz",
        "responded": date(2026, 8, 27),
        "assessment": "Не выполнено: клубы не созданы в 17 школах из 20.",
        "assessed_by": "chair@example.kz",
        "assessed": date(2026, 9, 10),
    },
    # --- sent; two of them overdue (no response by the due date), one not yet due and not published
    {
        "council": "astana",
        "meeting": "m2",
        "decision": 1,
        "addressee": "astana_education",
        "needs": ["roads"],
        "text": "Оборудовать регулируемые пешеходные переходы у 11 школ, выявленных общественным мониторингом.",
        "status": "sent",
        "due_in_days": -12,
        "sent_days_ago": 45,
        "published_days_ago": 44,
    },
    {
        "council": "mvd",
        "meeting": "m2",
        "decision": 0,
        "addressee": "astana_police",
        "needs": ["roads"],
        "text": "Установить дежурство сотрудников полиции у школ с наибольшим числом ДТП с участием детей в часы "
        "начала и окончания занятий.",
        "status": "sent",
        "due_in_days": -3,
        "sent_days_ago": 40,
        "published_days_ago": 39,
    },
    {
        "council": "astana",
        "meeting": "m3",
        "decision": 1,
        "addressee": "astana_police",
        "needs": ["migration"],
        "text": "Организовать приём трудовых мигрантов по вопросам регистрации в центрах обслуживания населения "
        "районов Байқоңыр и Нура.",
        "status": "sent",
        "due_in_days": 25,
        "sent_days_ago": 5,
        "published_days_ago": None,
    },
    # --- answered by the education department, not yet assessed
    {
        "council": "mvd",
        "meeting": "m2",
        "decision": 1,
        "addressee": "astana_education",
        "needs": ["minors"],
        "text": "Включить в планы воспитательной работы школ встречи с инспекторами ювенальной полиции не реже "
        "раза в четверть.",
        "status": "answered",
        "due": date(2026, 12, 15),
        "sent": date(2026, 5, 28),
        "published": date(2026, 5, 28),
        "response": "Встречи включены в планы воспитательной работы 148 школ на 2026–2027 учебный год.",
        "responded_by": "official2@example.kz",
        "responded": date(2026, 10, 5),
    },
    # --- a draft from meeting 3
    {
        "council": "astana",
        "meeting": "m3",
        "decision": 0,
        "addressee": "astana_education",
        "needs": ["tension"],
        "text": "Опубликовать график ввода новых школ в микрорайонах Байқоңыр и Нура на 2027–2028 годы.",
        "status": "draft",
        "due": date(2027, 2, 1),
    },
]

# Links attached to the work (files are uploaded through the pages; the demo keeps to links). Owners:
# ("agenda", meeting key, agenda position), ("recommendation", its text's start), ("task", its title's
# start), ("expert", index in EXPERTS); then the link and who attached it.
ATTACHMENTS = [
    (
        ("agenda", "m2", 0),
        "https://example.kz/police-astana/report-minors-2026-q1.pdf",
        "secretary2@example.kz",
    ),
    (
        ("agenda", "m1", 0),
        "https://example.kz/councils/astana/joint-plan-2026-draft.pdf",
        "secretary@example.kz",
    ),
    (
        ("recommendation", "Публиковать ежеквартальную статистику"),
        "https://example.kz/police-astana/statistics/minors-2026-q2",
        "official@example.kz",
    ),
    (
        ("recommendation", "Ввести в 8–11 классах"),
        "https://example.kz/education-astana/class-hours-drug-recruitment.pdf",
        "official2@example.kz",
    ),
    (
        ("task", "Собрать данные полиции и школ"),
        "https://example.kz/councils/working-group-drugs/cases-2024-2026.pdf",
        "member3@example.kz",
    ),
    (
        ("expert", 0),
        "https://example.kz/councils/astana/expert-social-tension-2026.pdf",
        "secretary@example.kz",
    ),
]
