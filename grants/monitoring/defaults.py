"""Default methodologies shipped as data (docs/domain.md#criteria).

Plain Python structures, no application imports: the seeding code turns each entry into a
``Methodology`` with its ``Criterion`` rows. Weights are strings so that they convert to
``Decimal`` exactly. Anchor descriptors for scores 1, 3 and 5 say what evidence a member
should see (documents, a site visit, beneficiaries' feedback), because a score must be backed
by evidence rather than by the NGO's paper report alone (docs/domain.md#methodologies).
"""


def _t(ru: str, kk: str, en: str) -> dict[str, str]:
    return {"ru": ru, "kk": kk, "en": en}


PROJECT_EFFECTIVENESS: dict = {
    "code": "project_effectiveness",
    "version": 1,
    "kind": "project",
    "name_ru": "Оценка эффективности реализации социального проекта",
    "name_kk": "Әлеуметтік жобаны іске асырудың тиімділігін бағалау",
    "name_en": "Evaluation of the effectiveness of social project implementation",
    "scale_min": 0,
    "scale_max": 5,
    "quorum": 3,
    "disagreement_threshold": 3,
    "comment_required_scores": [0, 1, 5],
    "bands": [
        {
            "min": 85,
            "code": "highly_effective",
            **_t("высокоэффективный", "жоғары тиімді", "highly effective"),
        },
        {"min": 70, "code": "effective", **_t("эффективный", "тиімді", "effective")},
        {
            "min": 50,
            "code": "partially_effective",
            **_t("частично эффективный", "ішінара тиімді", "partially effective"),
        },
        {"min": 0, "code": "ineffective", **_t("неэффективный", "тиімсіз", "ineffective")},
    ],
    "criteria": [
        {
            "position": 1,
            "code": "relevance",
            "name_ru": "Актуальность",
            "name_kk": "Өзектілігі",
            "name_en": "Relevance",
            "short_ru": "Актуальность",
            "short_kk": "Өзектілігі",
            "short_en": "Relevance",
            "weight": "20",
            "descriptors": {
                "1": _t(
                    "Актуальность проекта не подтверждена: данных о проблеме нет, целевая группа не определена "
                    "или не нуждается в предлагаемых услугах.",
                    "Жобаның өзектілігі расталмаған: мәселе туралы деректер жоқ, нысаналы топ айқындалмаған "
                    "немесе ұсынылатын қызметтерге мұқтаж емес.",
                    "The project's relevance is not confirmed: there are no data on the problem, and the target "
                    "group is not defined or does not need the services offered.",
                ),
                "3": _t(
                    "Проблема в целом актуальна, но обоснована общими сведениями без актуальных данных по региону "
                    "или целевой группе; потребности благополучателей подтверждены частично.",
                    "Мәселе жалпы алғанда өзекті, бірақ өңір немесе нысаналы топ бойынша өзекті деректерсіз жалпы "
                    "мәліметтермен негізделген; пайда алушылардың қажеттіліктері ішінара расталған.",
                    "The problem is broadly relevant but is justified by general statements without current data "
                    "for the region or the target group; beneficiaries' needs are only partly confirmed.",
                ),
                "5": _t(
                    "Проблема, на решение которой направлен проект, подтверждена актуальными данными (статистика, "
                    "обращения граждан, рекомендации общественного совета), целевая группа и её потребности чётко "
                    "определены. Выезд на место и беседы с благополучателями подтверждают потребность.",
                    "Жоба шешуге бағытталған мәселе өзекті деректермен (статистика, азаматтардың өтініштері, "
                    "қоғамдық кеңестің ұсынымдары) расталған, нысаналы топ пен оның қажеттіліктері нақты "
                    "айқындалған. Жергілікті жерге бару және пайда алушылармен әңгімелесу қажеттілікті растайды.",
                    "The problem the project addresses is confirmed by current data (statistics, citizens' "
                    "appeals, public council recommendations), and the target group and its needs are clearly "
                    "defined. A site visit and talks with beneficiaries confirm the need.",
                ),
            },
        },
        {
            "position": 2,
            "code": "plan_execution",
            "name_ru": "Выполнение плана",
            "name_kk": "Жоспардың орындалуы",
            "name_en": "Plan execution (against the technical specification)",
            "short_ru": "Выполнение плана",
            "short_kk": "Жоспардың орындалуы",
            "short_en": "Plan execution",
            "weight": "20",
            "descriptors": {
                "1": _t(
                    "Большинство мероприятий не проведено либо их проведение не подтверждено документами, выездом "
                    "на место или отзывами участников.",
                    "Іс-шаралардың көпшілігі өткізілмеген не олардың өткізілгені құжаттармен, жергілікті жерге "
                    "барумен немесе қатысушылардың пікірлерімен расталмаған.",
                    "Most activities were not carried out, or their delivery is not confirmed by documents, a site "
                    "visit or participants' feedback.",
                ),
                "3": _t(
                    "Большая часть мероприятий технической спецификации проведена, отдельные — с опозданием или не "
                    "в полном объёме; отклонения объяснены и подтверждены документами.",
                    "Техникалық ерекшелік іс-шараларының басым бөлігі өткізілді, кейбірі кешігіп немесе толық "
                    "көлемде өткізілмеді; ауытқулар түсіндірілген және құжаттармен расталған.",
                    "Most activities of the technical specification were carried out, some late or only partially; "
                    "the deviations are explained and documented.",
                ),
                "5": _t(
                    "Все мероприятия технической спецификации проведены в срок и в полном объёме, что подтверждено "
                    "документами (акты, списки участников, фото- и видеоматериалы) и выездом на место.",
                    "Техникалық ерекшеліктің барлық іс-шаралары уақтылы және толық көлемде өткізілді, бұл "
                    "құжаттармен (актілер, қатысушылар тізімдері, фото- және бейнематериалдар) және жергілікті "
                    "жерге барумен расталған.",
                    "All activities of the technical specification were carried out on time and in full, as "
                    "confirmed by documents (acts, participant lists, photo and video materials) and a site visit.",
                ),
            },
        },
        {
            "position": 3,
            "code": "result",
            "name_ru": "Результат социального проекта и (или) социальной программы",
            "name_kk": "Әлеуметтік жобаның және (немесе) әлеуметтік бағдарламаның нәтижесі",
            "name_en": "Result of the social project (against the stated goal)",
            "short_ru": "Результат",
            "short_kk": "Нәтижесі",
            "short_en": "Result",
            "weight": "25",
            "descriptors": {
                "1": _t(
                    "Цель не достигнута: большинство целевых индикаторов не выполнено, а заявленные результаты не "
                    "подтверждаются документами, выездом на место или благополучателями.",
                    "Мақсатқа қол жеткізілмеді: нысаналы индикаторлардың көпшілігі орындалмаған, ал мәлімделген "
                    "нәтижелер құжаттармен, жергілікті жерге барумен немесе пайда алушылармен расталмайды.",
                    "The goal was not achieved: most target indicators are not met, and the reported results are "
                    "not confirmed by documents, a site visit or beneficiaries.",
                ),
                "3": _t(
                    "Цель достигнута частично: большинство целевых индикаторов выполнено, по остальным есть "
                    "отставание по объяснимым причинам; часть результатов подтверждена только отчётом НПО.",
                    "Мақсатқа ішінара қол жеткізілді: нысаналы индикаторлардың көпшілігі орындалды, қалғандары "
                    "бойынша түсіндірілген себептермен артта қалу бар; нәтижелердің бір бөлігі тек ҮЕҰ есебімен "
                    "расталған.",
                    "The goal was partly achieved: most target indicators are met and the rest lag behind for "
                    "explained reasons; some results are confirmed only by the NGO's own report.",
                ),
                "5": _t(
                    "Цель, заявленная в конкурсной документации, достигнута: все целевые индикаторы выполнены или "
                    "перевыполнены, охват благополучателей соответствует плану. Результаты подтверждены "
                    "документами и отзывами благополучателей.",
                    "Конкурстық құжаттамада мәлімделген мақсатқа қол жеткізілді: барлық нысаналы индикаторлар "
                    "орындалды немесе асыра орындалды, пайда алушыларды қамту жоспарға сәйкес. Нәтижелер "
                    "құжаттармен және пайда алушылардың пікірлерімен расталған.",
                    "The goal stated in the competition documentation was achieved: all target indicators are met "
                    "or exceeded and beneficiary coverage matches the plan. The results are confirmed by documents "
                    "and beneficiaries' feedback.",
                ),
            },
        },
        {
            "position": 4,
            "code": "sustainability",
            "name_ru": "Вероятность продолжения начатой деятельности в рамках социального проекта и (или) "
            "социальной программы",
            "name_kk": "Әлеуметтік жоба және (немесе) әлеуметтік бағдарлама шеңберінде басталған қызметті "
            "жалғастыру ықтималдығы",
            "name_en": "Likelihood that the activity continues",
            "short_ru": "Устойчивость",
            "short_kk": "Жалғастыру ықтималдығы",
            "short_en": "Sustainability",
            "weight": "15",
            "descriptors": {
                "1": _t(
                    "Деятельность прекратилась с окончанием финансирования; ресурсов, партнёров и планов для её "
                    "продолжения нет.",
                    "Қызмет қаржыландыру аяқталуымен тоқтады; оны жалғастыруға арналған ресурстар, серіктестер "
                    "және жоспарлар жоқ.",
                    "The activity stopped when funding ended; there are no resources, partners or plans to "
                    "continue it.",
                ),
                "3": _t(
                    "Продолжение возможно: НПО и партнёры заявляют о намерении продолжить работу, часть ресурсов "
                    "сохранена, но источники финансирования не подтверждены документами.",
                    "Жалғастыру мүмкін: ҮЕҰ мен серіктестер жұмысты жалғастыру ниетін білдіреді, ресурстардың бір "
                    "бөлігі сақталған, бірақ қаржыландыру көздері құжаттармен расталмаған.",
                    "Continuation is possible: the NGO and its partners state their intention to continue and some "
                    "resources are retained, but the sources of funding are not documented.",
                ),
                "5": _t(
                    "Деятельность продолжается или её продолжение обеспечено: есть подтверждённые документами "
                    "источники финансирования после окончания договора (бюджет, партнёры, собственные средства), "
                    "подготовленные специалисты и созданная инфраструктура (кабинеты, клубы, методики).",
                    "Қызмет жалғасуда немесе оның жалғасуы қамтамасыз етілген: шарт аяқталғаннан кейінгі "
                    "қаржыландырудың құжаттармен расталған көздері (бюджет, серіктестер, меншікті қаражат), "
                    "даярланған мамандар және құрылған инфрақұрылым (кабинеттер, клубтар, әдістемелер) бар.",
                    "The activity continues or its continuation is secured: there are documented sources of "
                    "funding after the contract ends (budget, partners, own funds), trained staff and established "
                    "infrastructure (rooms, clubs, methods).",
                ),
            },
        },
        {
            "position": 5,
            "code": "social_effect",
            "name_ru": "Вероятность долгосрочного положительного социального эффекта по результатам социального "
            "проекта и (или) социальной программы",
            "name_kk": "Әлеуметтік жобаның және (немесе) әлеуметтік бағдарламаның нәтижелері бойынша ұзақ мерзімді "
            "оң әлеуметтік әсердің ықтималдығы",
            "name_en": "Likelihood of a long-term positive social effect",
            "short_ru": "Социальный эффект",
            "short_kk": "Әлеуметтік әсер",
            "short_en": "Social effect",
            "weight": "20",
            "descriptors": {
                "1": _t(
                    "Изменений в положении целевой группы не выявлено либо эффект ограничился разовыми "
                    "мероприятиями без последствий для благополучателей.",
                    "Нысаналы топтың жағдайында өзгерістер анықталмады не әсер пайда алушылар үшін салдарсыз бір "
                    "реттік іс-шаралармен шектелді.",
                    "No change in the situation of the target group was found, or the effect was limited to one-off "
                    "events with no lasting consequences for beneficiaries.",
                ),
                "3": _t(
                    "Положительные изменения заметны, но подтверждены в основном отзывами участников без "
                    "измеримых данных; долгосрочность эффекта вероятна, но не доказана.",
                    "Оң өзгерістер байқалады, бірақ негізінен өлшенетін деректерсіз қатысушылардың пікірлерімен "
                    "расталған; әсердің ұзақ мерзімді болуы ықтимал, бірақ дәлелденбеген.",
                    "Positive changes are visible but are confirmed mainly by participants' feedback without "
                    "measurable data; a lasting effect is likely but not proven.",
                ),
                "5": _t(
                    "Есть подтверждённые изменения в положении целевой группы (данные до и после проекта, отзывы "
                    "благополучателей, сведения государственных органов), а практика проекта перенята другими "
                    "организациями или закреплена в работе государственных органов.",
                    "Нысаналы топтың жағдайында расталған өзгерістер бар (жобаға дейінгі және кейінгі деректер, "
                    "пайда алушылардың пікірлері, мемлекеттік органдардың мәліметтері), ал жобаның тәжірибесін "
                    "басқа ұйымдар қабылдаған немесе ол мемлекеттік органдардың жұмысында бекітілген.",
                    "There are confirmed changes in the situation of the target group (before-and-after data, "
                    "beneficiaries' feedback, information from state bodies), and the project's practice has been "
                    "taken up by other organisations or built into the work of state bodies.",
                ),
            },
        },
    ],
}


LOT_RELEVANCE: dict = {
    "code": "lot_relevance",
    "version": 1,
    "kind": "lot",
    "name_ru": "Оценка актуальности темы лота общественным потребностям",
    "name_kk": "Лот тақырыбының қоғамдық қажеттіліктерге өзектілігін бағалау",
    "name_en": "Relevance of the lot topic to public needs",
    "scale_min": 0,
    "scale_max": 5,
    "quorum": 3,
    "disagreement_threshold": 3,
    "comment_required_scores": [0, 1, 5],
    "bands": [
        {"min": 70, "code": "relevant", **_t("актуальный", "өзекті", "relevant")},
        {
            "min": 50,
            "code": "partially_relevant",
            **_t("частично актуальный", "ішінара өзекті", "partially relevant"),
        },
        {"min": 0, "code": "not_relevant", **_t("неактуальный", "өзекті емес", "not relevant")},
    ],
    # Equal weights: the index normalises by the total weight.
    "criteria": [
        {
            "position": 1,
            "code": "evidence_of_need",
            "name_ru": "Обоснованность потребности данными",
            "name_kk": "Қажеттіліктің деректермен негізделуі",
            "name_en": "Evidence of need",
            "short_ru": "Потребность",
            "short_kk": "Қажеттілік",
            "short_en": "Need",
            "weight": "1",
            "descriptors": {
                "1": _t(
                    "Потребность не подтверждена: в технической спецификации нет данных о проблеме, только общие "
                    "формулировки.",
                    "Қажеттілік расталмаған: техникалық ерекшелікте мәселе туралы деректер жоқ, тек жалпы "
                    "тұжырымдар бар.",
                    "The need is not evidenced: the technical specification gives no data on the problem, only "
                    "general wording.",
                ),
                "3": _t(
                    "Потребность обоснована одним источником либо устаревшими или общереспубликанскими данными "
                    "без привязки к территории лота.",
                    "Қажеттілік бір дереккөзбен не лоттың аумағына байланыстырылмаған ескірген немесе жалпы "
                    "республикалық деректермен негізделген.",
                    "The need is justified by a single source, or by outdated or national data not tied to the "
                    "lot's territory.",
                ),
                "5": _t(
                    "Потребность подтверждена несколькими независимыми источниками: официальной статистикой, "
                    "обращениями граждан, исследованиями или рекомендациями общественного совета; данные "
                    "актуальны и относятся к территории лота.",
                    "Қажеттілік бірнеше тәуелсіз дереккөзбен расталған: ресми статистика, азаматтардың "
                    "өтініштері, зерттеулер немесе қоғамдық кеңестің ұсынымдары; деректер өзекті және лоттың "
                    "аумағына қатысты.",
                    "The need is confirmed by several independent sources: official statistics, citizens' appeals, "
                    "studies or public council recommendations; the data are current and concern the lot's "
                    "territory.",
                ),
            },
        },
        {
            "position": 2,
            "code": "strategic_fit",
            "name_ru": "Соответствие стратегическим приоритетам",
            "name_kk": "Стратегиялық басымдықтарға сәйкестігі",
            "name_en": "Fit with strategic priorities",
            "short_ru": "Приоритеты",
            "short_kk": "Басымдықтар",
            "short_en": "Strategic fit",
            "weight": "1",
            "descriptors": {
                "1": _t(
                    "Тема лота не связана со стратегическими приоритетами или противоречит им.",
                    "Лот тақырыбы стратегиялық басымдықтармен байланысты емес немесе оларға қайшы келеді.",
                    "The lot topic is unrelated to strategic priorities or contradicts them.",
                ),
                "3": _t(
                    "Тема в целом соответствует приоритетам направления, но связь с конкретными программами и их "
                    "показателями не показана.",
                    "Тақырып жалпы алғанда бағыттың басымдықтарына сәйкес келеді, бірақ нақты бағдарламалармен "
                    "және олардың көрсеткіштерімен байланысы көрсетілмеген.",
                    "The topic broadly matches the priorities of the sphere, but the link to specific programmes "
                    "and their indicators is not shown.",
                ),
                "5": _t(
                    "Тема лота прямо соответствует целям государственных и региональных программ и планов "
                    "развития, на которые даны конкретные ссылки, а ожидаемые результаты вносят вклад в их целевые "
                    "индикаторы.",
                    "Лот тақырыбы нақты сілтемелер берілген мемлекеттік және өңірлік бағдарламалар мен даму "
                    "жоспарларының мақсаттарына тікелей сәйкес келеді, ал күтілетін нәтижелер олардың нысаналы "
                    "индикаторларына үлес қосады.",
                    "The lot topic directly matches the goals of state and regional programmes and development "
                    "plans, with specific references, and the expected results contribute to their target "
                    "indicators.",
                ),
            },
        },
        {
            "position": 3,
            "code": "target_group",
            "name_ru": "Конкретная целевая группа и охват",
            "name_kk": "Нақты нысаналы топ және қамту",
            "name_en": "Specific target group and coverage",
            "short_ru": "Целевая группа",
            "short_kk": "Нысаналы топ",
            "short_en": "Target group",
            "weight": "1",
            "descriptors": {
                "1": _t(
                    "Целевая группа не определена («население», «молодёжь» без уточнения), охват не указан или "
                    "не соответствует масштабу проблемы.",
                    "Нысаналы топ айқындалмаған (нақтыланбаған «халық», «жастар»), қамту көрсетілмеген немесе "
                    "мәселенің ауқымына сәйкес келмейді.",
                    'The target group is not defined ("the population", "young people" without detail); '
                    "coverage is not given or does not match the scale of the problem.",
                ),
                "3": _t(
                    "Целевая группа названа, но слишком широко или без численности; охват указан без обоснования.",
                    "Нысаналы топ аталған, бірақ тым кең немесе саны көрсетілмеген; қамту негіздемесіз "
                    "көрсетілген.",
                    "The target group is named but too broadly or without numbers; coverage is given without "
                    "justification.",
                ),
                "5": _t(
                    "Целевая группа описана конкретно (кто, где, сколько человек), число благополучателей "
                    "обосновано данными и соразмерно проблеме, указан способ их привлечения.",
                    "Нысаналы топ нақты сипатталған (кім, қайда, қанша адам), пайда алушылардың саны деректермен "
                    "негізделген және мәселенің ауқымына сай, оларды тарту тәсілі көрсетілген.",
                    "The target group is described specifically (who, where, how many people), the number of "
                    "beneficiaries is justified by data and proportionate to the problem, and the way to reach "
                    "them is stated.",
                ),
            },
        },
        {
            "position": 4,
            "code": "realistic_budget",
            "name_ru": "Реалистичность бюджета",
            "name_kk": "Бюджеттің шынайылығы",
            "name_en": "Realistic budget",
            "short_ru": "Бюджет",
            "short_kk": "Бюджет",
            "short_en": "Budget",
            "weight": "1",
            "descriptors": {
                "1": _t(
                    "Бюджет явно завышен или недостаточен для заявленных задач, обоснования нет; сроки не "
                    "позволяют достичь результатов.",
                    "Бюджет мәлімделген міндеттер үшін айқын асыра көрсетілген немесе жеткіліксіз, негіздеме жоқ; "
                    "мерзімдер нәтижелерге қол жеткізуге мүмкіндік бермейді.",
                    "The budget is clearly inflated or insufficient for the stated tasks and is not justified; the "
                    "term does not allow the results to be achieved.",
                ),
                "3": _t(
                    "Сумма в целом соразмерна задачам, но расчёт отсутствует или неполон; отдельные статьи или "
                    "сроки вызывают сомнения.",
                    "Сома жалпы алғанда міндеттерге сай, бірақ есеп жоқ немесе толық емес; жекелеген баптар "
                    "немесе мерзімдер күмән тудырады.",
                    "The amount is broadly proportionate to the tasks, but the calculation is missing or "
                    "incomplete; some items or the term raise doubts.",
                ),
                "5": _t(
                    "Сумма лота обоснована расчётом по статьям (мероприятия, оплата труда, аренда, материалы), "
                    "стоимость на одного благополучателя сопоставима с аналогичными лотами, сроки достаточны для "
                    "достижения результатов.",
                    "Лот сомасы баптар бойынша есеппен (іс-шаралар, еңбекақы, жалдау, материалдар) негізделген, "
                    "бір пайда алушыға шаққандағы құны ұқсас лоттармен салыстырмалы, мерзімдер нәтижелерге қол "
                    "жеткізуге жеткілікті.",
                    "The lot amount is justified by an itemised calculation (activities, pay, rent, materials), the "
                    "cost per beneficiary is comparable with similar lots, and the term is long enough to achieve "
                    "the results.",
                ),
            },
        },
        {
            "position": 5,
            "code": "no_duplication",
            "name_ru": "Отсутствие дублирования с другими лотами и грантами",
            "name_kk": "Басқа лоттармен және гранттармен қайталанбауы",
            "name_en": "No duplication with other lots or grants",
            "short_ru": "Без дублирования",
            "short_kk": "Қайталанбауы",
            "short_en": "No duplication",
            "weight": "1",
            "descriptors": {
                "1": _t(
                    "Лот повторяет действующий или недавний лот, грант или программу для той же целевой группы на "
                    "той же территории.",
                    "Лот сол аумақтағы сол нысаналы топқа арналған қолданыстағы немесе жақында өткен лотты, "
                    "грантты не бағдарламаны қайталайды.",
                    "The lot repeats a current or recent lot, grant or programme for the same target group on the "
                    "same territory.",
                ),
                "3": _t(
                    "Есть частичное совпадение с другими лотами или грантами по теме или целевой группе, но "
                    "отличие в задачах или охвате объяснено.",
                    "Тақырыбы немесе нысаналы тобы бойынша басқа лоттармен не гранттармен ішінара сәйкестік бар, "
                    "бірақ міндеттердегі немесе қамтудағы айырмашылық түсіндірілген.",
                    "There is a partial overlap with other lots or grants in topic or target group, but the "
                    "difference in tasks or coverage is explained.",
                ),
                "5": _t(
                    "Лоты, гранты и государственные программы на той же территории за последние годы проверены: "
                    "тема, целевая группа и мероприятия не дублируются либо лот явно их дополняет.",
                    "Соңғы жылдардағы сол аумақтағы лоттар, гранттар және мемлекеттік бағдарламалар тексерілді: "
                    "тақырып, нысаналы топ және іс-шаралар қайталанбайды не лот оларды айқын толықтырады.",
                    "Lots, grants and state programmes on the same territory in recent years were checked: the "
                    "topic, target group and activities do not duplicate them, or the lot clearly complements them.",
                ),
            },
        },
        {
            "position": 6,
            "code": "public_origin",
            "name_ru": "Предложение поступило от общественности",
            "name_kk": "Ұсыныстың жұртшылықтан түсуі",
            "name_en": "Proposal came from the public",
            "short_ru": "Инициатива общества",
            "short_kk": "Жұртшылық ұсынысы",
            "short_en": "Public origin",
            "weight": "1",
            "descriptors": {
                "1": _t(
                    "Тема определена администратором бюджетной программы без участия общественности; "
                    "подтверждений предложений от НПО или граждан нет.",
                    "Тақырыпты бюджеттік бағдарлама әкімшісі жұртшылықтың қатысуынсыз айқындаған; ҮЕҰ-дан немесе "
                    "азаматтардан түскен ұсыныстардың растауы жоқ.",
                    "The topic was set by the budget programme administrator without public involvement; there is "
                    "no evidence of proposals from NGOs or citizens.",
                ),
                "3": _t(
                    "Тема обсуждалась с общественностью (общественный совет, встречи с НПО), но предложение "
                    "исходит от администратора бюджетной программы, а учёт мнений подтверждён частично.",
                    "Тақырып жұртшылықпен талқыланған (қоғамдық кеңес, ҮЕҰ-мен кездесулер), бірақ ұсыныс "
                    "бюджеттік бағдарлама әкімшісінен шыққан, ал пікірлердің ескерілуі ішінара расталған.",
                    "The topic was discussed with the public (public council, meetings with NGOs), but the proposal "
                    "came from the budget programme administrator and the uptake of views is only partly "
                    "confirmed.",
                ),
                "5": _t(
                    "Тема лота сформирована по документально подтверждённым предложениям НПО или граждан, "
                    "рекомендациям общественного совета или итогам партисипативного бюджетирования; источник "
                    "указан и доступен для проверки.",
                    "Лот тақырыбы ҮЕҰ-ның немесе азаматтардың құжатпен расталған ұсыныстары, қоғамдық кеңестің "
                    "ұсынымдары немесе партисипативтік бюджеттеу қорытындылары бойынша қалыптастырылған; "
                    "дереккөз көрсетілген және тексеруге қолжетімді.",
                    "The lot topic was formed from documented proposals of NGOs or citizens, public council "
                    "recommendations or the results of participatory budgeting; the source is named and can be "
                    "checked.",
                ),
            },
        },
    ],
}


DEFAULT_METHODOLOGIES: list[dict] = [PROJECT_EFFECTIVENESS, LOT_RELEVANCE]
