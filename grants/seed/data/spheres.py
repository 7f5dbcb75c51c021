"""Directions of the state social order used by the demo lots (Law No. 36-III, art. 5)."""

SPHERES = [
    {
        "code": "youth",
        "name_ru": "Реализация государственной молодёжной политики",
        "name_kk": "Мемлекеттік жастар саясатын іске асыру",
        "name_en": "State youth policy",
    },
    {
        "code": "drug_prevention",
        "name_ru": "Профилактика наркомании и токсикомании",
        "name_kk": "Нашақорлық пен уытқұмарлықтың алдын алу",
        "name_en": "Prevention of drug and substance addiction",
    },
    {
        "code": "offence_prevention",
        "name_ru": "Профилактика правонарушений и преступности",
        "name_kk": "Құқық бұзушылықтар мен қылмыстың алдын алу",
        "name_en": "Prevention of offences and crime",
    },
    {
        "code": "child_safety",
        "name_ru": "Безопасность детей в школе и на дорогах, защита прав детей",
        "name_kk": "Балалардың мектептегі және жолдағы қауіпсіздігі, бала құқықтарын қорғау",
        "name_en": "Children's safety at school and on the roads, child rights",
    },
    {
        "code": "disability",
        "name_ru": "Поддержка лиц с инвалидностью",
        "name_kk": "Мүгедектігі бар адамдарды қолдау",
        "name_en": "Support of people with disabilities",
    },
    {
        "code": "migration",
        "name_ru": "Адаптация и интеграция кандасов и мигрантов",
        "name_kk": "Қандастар мен көшіп-қонушыларды бейімдеу және кіріктіру",
        "name_en": "Adaptation and integration of kandas and migrants",
    },
    {
        "code": "family",
        "name_ru": "Семейная и гендерная политика",
        "name_kk": "Отбасылық және гендерлік саясат",
        "name_en": "Family and gender policy",
    },
    {
        "code": "healthy_lifestyle",
        "name_ru": "Охрана здоровья граждан, пропаганда здорового образа жизни",
        "name_kk": "Азаматтардың денсаулығын сақтау, салауатты өмір салтын насихаттау",
        "name_en": "Public health and healthy lifestyles",
    },
    {
        "code": "elderly",
        "name_ru": "Поддержка граждан старшего поколения",
        "name_kk": "Аға буын азаматтарын қолдау",
        "name_en": "Support of older people",
    },
    {
        "code": "interethnic",
        "name_ru": "Укрепление межэтнического согласия и общественного единства",
        "name_kk": "Этносаралық келісім мен қоғамдық бірлікті нығайту",
        "name_en": "Interethnic harmony and social cohesion",
    },
    {
        "code": "environment",
        "name_ru": "Охрана окружающей среды",
        "name_kk": "Қоршаған ортаны қорғау",
        "name_en": "Environmental protection",
    },
]
