"""Government bodies: the authorised body, central ministries and akimats' departments (МИО).

`bin` is built from (yymm, serial) by `bins.demo_bin`; these are demo numbers, not the
bodies' real BINs.
"""

ADMINISTRATORS = [
    {
        "key": "mci", "yymm": "9912", "serial": 1904, "region": "710000000",
        "name_ru": "Министерство культуры и информации Республики Казахстан",
        "name_kk": "Қазақстан Республикасы Мәдениет және ақпарат министрлігі",
        "name_en": "Ministry of Culture and Information of the Republic of Kazakhstan",
        "address": "г. Астана, пр. Мәңгілік Ел, 8, Дом министерств, подъезд 15",
    },
    {
        "key": "mvd", "yymm": "9402", "serial": 2311, "region": "710000000",
        "name_ru": "Министерство внутренних дел Республики Казахстан",
        "name_kk": "Қазақстан Республикасы Ішкі істер министрлігі",
        "name_en": "Ministry of Internal Affairs of the Republic of Kazakhstan",
        "address": "г. Астана, пр. Тәуелсіздік, 1",
    },
    {
        "key": "mlsp", "yymm": "9907", "serial": 4102, "region": "710000000",
        "name_ru": "Министерство труда и социальной защиты населения Республики Казахстан",
        "name_kk": "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігі",
        "name_en": "Ministry of Labour and Social Protection of the Population of the Republic of Kazakhstan",
        "address": "г. Астана, пр. Мәңгілік Ел, 8, Дом министерств, подъезд 2",
    },
    {
        "key": "moe", "yymm": "2207", "serial": 1077, "region": "710000000",
        "name_ru": "Министерство просвещения Республики Казахстан",
        "name_kk": "Қазақстан Республикасы Оқу-ағарту министрлігі",
        "name_en": "Ministry of Education of the Republic of Kazakhstan",
        "address": "г. Астана, пр. Мәңгілік Ел, 8, Дом министерств, подъезд 11",
    },
    {
        "key": "astana_akimat", "yymm": "9806", "serial": 1218, "region": "710000000",
        "name_ru": "ГУ «Аппарат акима города Астаны»",
        "name_kk": "«Астана қаласы әкімінің аппараты» ММ",
        "name_en": "Office of the Akim of Astana",
        "address": "г. Астана, ул. Бейбітшілік, 11",
    },
    {
        "key": "astana_youth", "yymm": "1905", "serial": 3027, "region": "710000000",
        "name_ru": "ГУ «Управление по делам молодёжи и общественного развития города Астаны»",
        "name_kk": "«Астана қаласының Жастар істері және қоғамдық даму басқармасы» ММ",
        "name_en": "Department of Youth Affairs and Public Development of Astana",
        "address": "г. Астана, ул. Бейбітшілік, 11, каб. 402",
    },
    {
        "key": "astana_social", "yymm": "0411", "serial": 5114, "region": "710000000",
        "name_ru": "ГУ «Управление занятости и социальных программ города Астаны»",
        "name_kk": "«Астана қаласының Жұмыспен қамту және әлеуметтік бағдарламалар басқармасы» ММ",
        "name_en": "Department of Employment and Social Programmes of Astana",
        "address": "г. Астана, ул. Әуезова, 5",
    },
    {
        "key": "almaty_social", "yymm": "1803", "serial": 2740, "region": "750000000",
        "name_ru": "КГУ «Управление общественного развития города Алматы»",
        "name_kk": "«Алматы қаласы Қоғамдық даму басқармасы» КММ",
        "name_en": "Department of Public Development of Almaty",
        "address": "г. Алматы, пл. Республики, 4",
    },
    {
        "key": "shymkent_ip", "yymm": "1807", "serial": 1563, "region": "790000000",
        "name_ru": "ГУ «Управление внутренней политики города Шымкент»",
        "name_kk": "«Шымкент қаласының ішкі саясат басқармасы» ММ",
        "name_en": "Department of Internal Policy of Shymkent",
        "address": "г. Шымкент, пр. Тәуке хана, 5",
    },
    {
        "key": "karaganda_ip", "yymm": "0002", "serial": 3385, "region": "350000000",
        "name_ru": "ГУ «Управление внутренней политики Карагандинской области»",
        "name_kk": "«Қарағанды облысының ішкі саясат басқармасы» ММ",
        "name_en": "Department of Internal Policy of Karaganda Region",
        "address": "г. Караганда, ул. Бухар жырау, 47",
    },
    {
        "key": "turkistan_sd", "yymm": "1809", "serial": 4471, "region": "610000000",
        "name_ru": "ГУ «Управление общественного развития Туркестанской области»",
        "name_kk": "«Түркістан облысының қоғамдық даму басқармасы» ММ",
        "name_en": "Department of Public Development of Turkistan Region",
        "address": "г. Туркестан, мкр. Жаңа қала, ул. 32, здание 20",
    },
]
