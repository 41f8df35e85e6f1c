"""Demo content for the other editions: Portmere's week in Arabic, Persian and Urdu.

Data only, like `demo.content`; nothing here touches the database. Every text was written for
an edition by an editor of that language, from the English stories in `demo.content`: the
same facts, told the way an Arabic, Persian or Urdu news agency would tell them, not word for
word.

Per edition (`LANGUAGES`), keyed by language code:

- `SECTIONS[lang]`: English section slug -> (name, slug, description).
- `DISTRICTS[lang]`, `TAGS[lang]`, `AUTHORS[lang]`, `RIVALS[lang]`: English name -> name in
  the edition's script.
- `STORIES[lang]`: translated stories. Each names its English original by section slug and
  index in `content.STORIES[section]` ("template"); headline, standfirst and body keep that
  template's placeholders (`{place}`, `{n}`, `{m}`, `{p}`, `{rival}`), so the seeding code can
  fill a translation with the values of its English story, after mapping `place` through
  `DISTRICTS[lang]`, `rival` through `RIVALS[lang]` and digits through `DIGITS[lang]`. Body
  paragraphs have the English structure: "## " subheads and "> " quotes where the English
  has them. "tags" are English tag names, the template's own; map them through `TAGS[lang]`.
- `COMMENTERS[lang]` (name -> ASCII email local part, at example.org) and `COMMENTS[lang]`
  (threads of (name, comment, status, reply to: index of an earlier comment or None));
  `COMMENT_THREADS[lang]` is the same in the shape of `content.COMMENT_THREADS`.
- `CORRECTIONS[lang]` and `EDITION[lang]` (the edition's name, direction, city, dateline,
  agency source, staff byline and image credit).

Section slugs: every edition keeps the English slug (`city`, `politics`, ...), ASCII. Issue
11 makes a section one row with a label per edition, so the slug is shared: the edition's URL
prefix carries the language (`/ar/section/city/`, `/fa/section/city/`), the language switcher
maps a section page to the same slug in the other edition, and nothing has to be kept in step
per language. A transliteration (`madina`, `shahr`, `shehr`) would read as neither English nor
Arabic, and an Arabic-script slug is percent-encoded into an unreadable address wherever the
link is pasted.

Story slugs are not given: Django's `slugify()` drops every Arabic-script letter, so
`slugify(headline)` is "" for all of these. The wiring has to choose (`allow_unicode=True`,
or the English story's slug) rather than rely on it.

Digits: the Persian edition writes Persian digits (۰۱۲۳۴۵۶۷۸۹), as Tehran agencies do; the
Arabic and Urdu editions write Western digits, as pan-Arab agencies online and BBC Urdu do.
The seeding code fills `{n}`, `{m}` and `{p}` with ASCII digits, so translate them with
`str.maketrans("0123456789", DIGITS[lang])`. Quotations: «» in Arabic and Persian; ’…‘ in
Urdu, the BBC Urdu convention. Persian uses ی and ک (never Arabic ي and ك) and the zero-width
non-joiner where the language needs it (می‌شود, خانه‌ها); Urdu uses ہ, ھ, ی and ے and ends
sentences with ۔.

Arabic numbers agree with their noun: every `{n}` (12-191) and `{p}` (18-40) takes a singular
accusative noun, and every `{m}` used here (3-10 in politics, business and culture) takes a
plural one, as the seeding code's formulas guarantee.
"""

LANGUAGES = ("ar",)

DIGITS = {"ar": "0123456789", "fa": "۰۱۲۳۴۵۶۷۸۹", "ur": "0123456789"}

EMAIL_DOMAIN = "example.org"

# Arabic ---------------------------------------------------------------------------------------

_AR_EDITION = {
    "name": "العربية",
    "dir": "rtl",
    "city": "بورتمير",
    "dateline": "بورتمير",
    "source": "وكالة بورتمير للأنباء",
    "staff_byline": "المحررون والوكالات",
    "image_credit": "رسم توضيحي من العرض التجريبي",
}

_AR_SECTIONS = {
    "city": ("محليات", "city", "شوارع بورتمير ومجالسها وأحياؤها."),
    "politics": ("سياسة", "politics", "التصويت والميزانيات ومن يصنعون القرار."),
    "business": ("اقتصاد", "business", "العمل والمال والشركات التي يعمل فيها أهل المدينة."),
    "environment": ("بيئة", "environment", "النهر والطقس وما نفعله بكليهما."),
    "culture": ("ثقافة", "culture", "المسارح والشاشات وصالات العرض ومكتبات بيع الكتب."),
    "sport": ("رياضة", "sport", "نتائج وحكايات من المدرجات إلى ضفاف النهر."),
}

_AR_DISTRICTS = {
    "Quayside": "كيسايد",
    "Elm Hill": "إلم هيل",
    "Northgate": "نورثغيت",
    "St Bride's": "سانت برايدز",
    "Lower Marsh": "لوور مارش",
    "Fennick Park": "فينيك بارك",
    "Saltings": "سولتينغز",
    "Copper Row": "كوبر رو",
}

_AR_TAGS = {
    "Housing": "الإسكان",
    "Transport": "النقل",
    "Budget": "الميزانية",
    "Schools": "المدارس",
    "River Amber": "نهر أمبر",
    "Flooding": "الفيضانات",
    "Jobs": "فرص العمل",
    "Port": "الميناء",
    "Theatre": "المسرح",
    "Books": "الكتب",
    "Football": "كرة القدم",
    "Rowing": "التجديف",
    "Health": "الصحة",
    "Elections": "الانتخابات",
    "Parks": "الحدائق",
}

_AR_AUTHORS = {
    "Maya Okafor": "مايا أوكافور",
    "Tomás Reyes": "توماس رييس",
    "Ingrid Halvorsen": "إنغريد هالفورسن",
    "Daniel Achterberg": "دانيال أختربرغ",
    "Priya Raman": "بريا رامان",
    "Sean Whitlock": "شون ويتلوك",
}

_AR_RIVALS = {
    "Ashford": "آشفورد",
    "Kelsey Town": "كيلسي تاون",
    "Marlow Athletic": "مارلو أثلتيك",
    "Dunmore United": "دنمور يونايتد",
}

_AR_STORIES = [
    {
        "section": "city",
        "template": 0,
        "headline": "المجلس يوافق على بناء {n} وحدة سكنية في مستودع الترام القديم في {place}",
        "standfirst": (
            "أقرّ المخططون المشروع بعد اجتماع استمر أربع ساعات، على أن يُخصَّص ثلث "
            "الوحدات للإيجار الاجتماعي."
        ),
        "body": [
            "صوّتت لجنة التخطيط في بورتمير مساء الثلاثاء بأغلبية سبعة أصوات مقابل صوتين "
            "لصالح السماح بالبناء في مستودع الترام المهجور في {place}، منهيةً خلافًا "
            "مستمرًا منذ أن غادر آخر ترام المستودع عام 1998.",
            "## ما الذي اتُّفق عليه",
            "يتعيّن على المطوّر الإبقاء على واجهة المستودع المبنية بالطوب، وزرع صف من "
            "أشجار الدلب على امتداد الطريق الرئيسي، وفتح ممر للدراجات الهوائية عبر الموقع "
            "قبل أن ينتقل إليه أول السكان.",
            "> «انتظرنا طويلًا أن يحدث شيء في ذلك الموقع. المشروع ليس مثاليًا، لكنها "
            "مساكن في النهاية» — أحد السكان الذين تحدثوا في الاجتماع",
            "ومن المتوقع أن تبدأ الأعمال في الربيع وأن تستغرق نحو ثلاث سنوات.",
        ],
        "tags": ["Housing"],
    },
    {
        "section": "city",
        "template": 3,
        "headline": "لماذا يخسر حي {place} دكاكينه الصغيرة؟",
        "standfirst": (
            "للإيجارات ومواقف السيارات وخدمات التوصيل عبر الإنترنت نصيب في ذلك، ولعامل "
            "آخر يصعب قياسه نصيب أيضًا."
        ),
        "body": [
            "خلال السنوات الخمس الماضية، أغلق {n} متجرًا صغيرًا أبوابها في الشارع "
            "التجاري الرئيسي في {place}. لكل إغلاق أسبابه، لكن أصحاب المتاجر الذين "
            "تحدثنا إليهم ظلوا يعودون إلى ثلاثة أسباب بعينها.",
            "## مراجعة الإيجارات",
            "تُراجَع معظم عقود الإيجار في الشارع كل خمس سنوات، وجاءت الجولة الأخيرة في "
            "الوقت الذي تراجعت فيه المبيعات.",
            "## حركة المارة",
            "قلّ عدد المارة أمام المتاجر منذ انتقال مكتب البريد، ولا يمكن لشاحنة توصيل "
            "أن تحل محل جار يمرّ لشراء الحليب فيبقى للحديث.",
            "ويقول أصحاب المتاجر إن ما قد يساعدهم ليس منحة مالية، بل سبب يدفع الناس إلى "
            "السير في الشارع من جديد.",
        ],
        "tags": ["Housing", "Jobs"],
    },
    {
        "section": "politics",
        "template": 0,
        "headline": "تصويت الميزانية: المجلس يقرّ {m} ملايين جنيه لإصلاح الطرق",
        "standfirst": (
            "وصفت المعارضة الخطة بأنها «ضمادة مؤقتة»، فيما وصفها زعيم المجلس بأنها أكبر "
            "برنامج لإصلاح الطرق منذ عقد."
        ),
        "body": [
            "أقرّ أعضاء المجلس ميزانية المدينة بفارق ضئيل يوم الأربعاء، ومن بنودها صندوق "
            "مخصص حصرًا لإصلاح الحفر والأرصفة في أحياء مثل {place}.",
            "ويأتي جزء من المبلغ من الاحتياطيات، وقد حذّر مسؤولو المالية من أن السحب منها "
            "لن يكون ممكنًا مجددًا العام المقبل.",
            "وسُحب مقترح برفع رسوم ركن السيارات في وسط المدينة بعد اعتراض التجار.",
        ],
        "tags": ["Budget", "Transport"],
    },
    {
        "section": "politics",
        "template": 4,
        "headline": "رئيس البلدية يعد بفطور مجاني في مدارس {place} وحيّين آخرين",
        "standfirst": (
            "تنطلق التجربة بعد عطلة منتصف الفصل الدراسي، وتُموَّل من ميزانية الصحة العامة."
        ),
        "body": [
            "سيُقدَّم فطور مجاني لكل تلاميذ المرحلة الابتدائية في {place} اعتبارًا من "
            "الفصل الدراسي المقبل، بحسب ما أعلنه رئيس البلدية الجمعة خلال زيارته مدرسة "
            "في الحي.",
            "ورحّب مديرو المدارس بالخطة، لكنهم طالبوا بتمويل للعاملين الذين سيشرفون على "
            "نوادي الفطور، لا للطعام وحده.",
            "ويتوقع المجلس أن يستفيد من البرنامج نحو {n} طفلًا يوميًا.",
        ],
        "tags": ["Schools", "Health"],
    },
    {
        "section": "business",
        "template": 0,
        "headline": "الميناء يسجّل حمولة قياسية مع دخول رافعة جديدة الخدمة",
        "standfirst": "ارتفعت حركة الحاويات {m} في المئة على أساس سنوي، بحسب مجلس إدارة الميناء.",
        "body": [
            "رفعت أحدث رافعات الميناء، التي وصلت بحرًا في الربيع، أولى حاوياتها بكامل "
            "طاقتها الشهر الماضي، وأسهمت في تسجيل رقم قياسي شهري.",
            "وقال مجلس إدارة الميناء إن الطاقة الإضافية ستتيح للسفن الأكبر حجمًا الرسو في "
            "بورتمير بدلًا من تفريغ حمولاتها في موانئ أخرى ونقل البضائع إلى المدينة "
            "بالشاحنات.",
            "من جهتها، قالت النقابات إنها ستطالب بحصة من هذه المكاسب في الجولة المقبلة من "
            "مفاوضات الأجور.",
        ],
        "tags": ["Port", "Jobs"],
    },
    {
        "section": "business",
        "template": 1,
        "headline": "سلسلة مخابز تفتتح مطبخ إنتاج في {place} يوفّر {n} فرصة عمل",
        "standfirst": (
            "اختارت الشركة الموقع لقربه من خطوط السكك الحديدية ولعقد إيجار طويل الأمد لمستودع خالٍ."
        ),
        "body": [
            "ستخبز «هاربر لوف»، التي تدير أحد عشر مقهى في المنطقة، لجميع مقاهيها من مطبخ "
            "جديد في {place} اعتبارًا من العام المقبل.",
            "ويبدأ التوظيف في الخريف، مع تدريب لمن لم يسبق لهم العمل في مخبز.",
            "والمستودع خالٍ منذ أن غادره مصنع للأثاث عام 2019.",
        ],
        "tags": ["Jobs"],
    },
    {
        "section": "environment",
        "template": 0,
        "headline": "ارتفاع منسوب نهر أمبر بعد ثلاثة أيام من الأمطار",
        "standfirst": "مراقبو الفيضانات يتفقدون الحواجز في {place}، ولا منازل مهددة حتى الآن.",
        "body": [
            "سجّل مقياس منسوب النهر عند فيري ستيبس صباح الأحد ارتفاعًا قدره {p} "
            "سنتيمترًا فوق المعدل المعتاد، وهو الأعلى هذا العام.",
            "وأغلق المراقبون الممر المحاذي للنهر في {place} احترازيًا، وطلبوا من أصحاب "
            "الكلاب إبقاءها مقيدة قرب المياه.",
            "ويتوقع خبراء الأرصاد طقسًا أكثر جفافًا اعتبارًا من منتصف الأسبوع.",
        ],
        "tags": ["River Amber", "Flooding"],
    },
    {
        "section": "environment",
        "template": 4,
        "headline": "رصد ثعالب الماء في نهر أمبر لأول مرة منذ {p} عامًا",
        "standfirst": "كاميرا ليلية في {place} التقطت زوجًا منها يصطاد أسفل السد الصغير.",
        "body": [
            "عثر متطوعون معنيّون بالحياة البرية، أثناء تفقدهم كاميرا مراقبة في {place}، "
            "على لقطات لثعلبي ماء يتغذيان في المياه الضحلة بعد منتصف الليل بقليل.",
            "وكانت ثعالب الماء قد هجرت النهر حين بلغ تلوثه ذروته، وعودتها أقوى دليل حتى "
            "الآن على أن عقودًا من جهود التنظيف تؤتي ثمارها.",
            "وتناشد جمعية حماية النهر الناس عدم البحث عن الوكر، إذ قد تغادر ثعالب الماء "
            "المكان إذا أُزعجت في موسم التكاثر.",
        ],
        "tags": ["River Amber"],
    },
    {
        "section": "culture",
        "template": 0,
        "headline": "نقد مسرحي: «العاصفة» تهبّ على خشبة مسرح لانترن",
        "standfirst": ("فرقة صغيرة وبحر واسع، وبروسبيرو يسهل أن تشفق عليه ويصعب أن تحبه."),
        "body": [
            "تُفتتح «العاصفة» الجديدة على مسرح لانترن بخشبة عارية يغمرها ضوء أزرق، ولا "
            "يكاد البحر يغيب عن المشهد طوال ساعتين.",
            "ويؤدي أعضاء الفرقة السبعة دورين وثلاثة أدوار بخفة ظل، أما الشخصيتان "
            "الهزليتان، اللتان أداهما ممثلان من {place}، فقد خطفتا الأضواء في النصف الثاني.",
            "يستمر العرض حتى نهاية الشهر، وتبدأ أسعار التذاكر من {m} جنيهات.",
        ],
        "tags": ["Theatre"],
    },
    {
        "section": "culture",
        "template": 1,
        "headline": "مهرجان الكتاب يعود إلى {place} بـ{p} فعالية",
        "standfirst": "روائيون وشعراء، وأمسية حكايات على متن العبّارة.",
        "body": [
            "سيملأ مهرجان بورتمير للكتاب القاعات والمقاهي وإحدى عبّارات النهر في {place} "
            "خلال عطلة نهاية الأسبوع الأخيرة من الشهر.",
            "ومعظم الفعاليات مجانية لمن هم دون الثامنة عشرة، وأضاف المنظمون ترجمة بلغة "
            "الإشارة إلى كل الندوات على المنصة الرئيسية.",
            "والبرنامج الكامل متاح في المكتبة المركزية وعلى الإنترنت.",
        ],
        "tags": ["Books"],
    },
    {
        "section": "sport",
        "template": 0,
        "headline": "بورتمير روفرز يقلب تأخره إلى فوز على {rival} 3-2",
        "standfirst": "هدفان في الدقائق العشر الأخيرة أشعلا مدرجات ملعب روبووك.",
        "body": [
            "تأخر روفرز معظم فترات المباراة، قبل أن تعيد ضربة رأسية إثر ركنية التعادل، "
            "وتحسم تسديدة أرضية من حافة منطقة الجزاء الفوز.",
            "وأشاد المدرب بالبديلين، وكلاهما من أبناء أكاديمية النادي ونشأ في {place}.",
            "وبهذا الفوز يتقدم روفرز إلى المركز الرابع في جدول الترتيب.",
        ],
        "tags": ["Football"],
    },
    {
        "section": "sport",
        "template": 1,
        "headline": "نادي التجديف في {place} يفوز بسباق الإقليم ضد الساعة",
        "standfirst": "حلّ قارب الثماني للسيدات أولًا بين {p} طاقمًا.",
        "body": [
            "تفوّق قارب الثماني للسيدات في نادي {place} للقوارب على المرشحين للفوز "
            "بفارق أربع ثوانٍ على مسار طوله خمسة كيلومترات في نهر أمبر.",
            "وهو أول فوز للنادي في هذا السباق منذ أن التهم حريق مرفأ قواربه، فأمضى "
            "موسمين يتدرب في سقيفة مستعارة.",
            "ويشارك الطاقم في البطولة الوطنية في الربيع.",
        ],
        "tags": ["Rowing", "River Amber"],
    },
]

_AR_COMMENTERS = {
    "سلمى الحداد": "salma.haddad",
    "يوسف العمري": "yousef.omari",
    "ريم خوري": "reem.khoury",
    "عمر بن سالم": "omar.bensalem",
    "ليلى منصور": "layla.mansour",
    "خالد النجار": "khaled.najjar",
    "هدى الشريف": "huda.sharif",
    "مازن عبد الله": "mazen.abdullah",
}

_AR_COMMENTS = [
    [
        (
            "سلمى الحداد",
            "تغطية متوازنة، شكرًا. آخر مرة وعد فيها المجلس بشيء مماثل استغرق الأمر ثلاث "
            "سنوات ولم يتابعه أحد.",
            "approved",
            None,
        ),
        (
            "يوسف العمري",
            "للإنصاف، كانت تلك إدارة أخرى وميزانية أخرى. الأفضل أن ننتظر الأرقام قبل أن "
            "نحكم عليه بأنه وعد آخر لم يُنفَّذ.",
            "approved",
            0,
        ),
        (
            "ريم خوري",
            "هل يعرف أحد إن كان الاجتماع العام الأسبوع المقبل سيُبث مباشرة؟ ليس بوسع "
            "الجميع الذهاب إلى مبنى البلدية مساء يوم عمل.",
            "approved",
            None,
        ),
        (
            "عمر بن سالم",
            "الاجتماع الماضي بُثّ على صفحة البلدية، وأتوقع أن يتكرر ذلك هذه المرة.",
            "approved",
            2,
        ),
    ],
    [
        (
            "ليلى منصور",
            "أمرّ من هناك كل صباح، وما ورد في التقرير يطابق ما أراه. شكرًا لأنكم تحدثتم "
            "إلى من يسكنون المكان فعلًا.",
            "approved",
            None,
        ),
        (
            "خالد النجار",
            "ملاحظة صغيرة من شخص كان حاضرًا: المكان كان أكثر ازدحامًا بكثير مما يوحي به "
            "التقرير. عدا ذلك، مادة واضحة.",
            "pending",
            None,
        ),
        (
            "هدى الشريف",
            "يسعدني أن أقرأ أخبار مدينتي بالعربية أخيرًا. أرجو أن تستمروا.",
            "approved",
            None,
        ),
    ],
    [
        (
            "مازن عبد الله",
            "سيكون من المفيد نشر متابعة بعد بضعة أشهر لمعرفة إن كان لأي من هذا أثر فعلي.",
            "approved",
            None,
        ),
        (
            "سلمى الحداد",
            "أوافقك. مقارنة بين ما قبل وما بعد، مع الأشخاص أنفسهم، تستحق القراءة.",
            "approved",
            0,
        ),
        (
            "ريم خوري",
            "ابنتي كانت هناك وعادت إلى البيت تتحدث عن الأمر طوال المساء. نريد المزيد من "
            "هذا، من فضلكم.",
            "pending",
            None,
        ),
    ],
    [
        (
            "يوسف العمري",
            "أين يمكن الاطلاع على الأرقام كاملة؟ رابط إلى الوثيقة الأصلية سيكون مفيدًا.",
            "approved",
            None,
        ),
        (
            "خالد النجار",
            "الوثائق منشورة على موقع البلدية ضمن محاضر الجلسات، لكن البحث فيها ليس سهلًا.",
            "approved",
            0,
        ),
        (
            "هدى الشريف",
            "كلام جميل، لكن من سيدفع الثمن في النهاية؟ دافع الضرائب كالعادة.",
            "approved",
            None,
        ),
        (
            "ليلى منصور",
            "ليس بالضرورة، فجزء كبير من التمويل يأتي من منح خارجية على ما فهمت.",
            "pending",
            2,
        ),
    ],
]

_AR_CORRECTIONS = [
    "ذكرت نسخة سابقة من هذا الخبر يوم الاجتماع خطأً، والصحيح أنه عُقد يوم الثلاثاء.",
    "أخطأنا في كتابة اسم رئيس جمعية حماية النهر في نسخة سابقة من هذا الخبر.",
]

# Editions -------------------------------------------------------------------------------------

EDITION = {"ar": _AR_EDITION}
SECTIONS = {"ar": _AR_SECTIONS}
DISTRICTS = {"ar": _AR_DISTRICTS}
TAGS = {"ar": _AR_TAGS}
AUTHORS = {"ar": _AR_AUTHORS}
RIVALS = {"ar": _AR_RIVALS}
STORIES = {"ar": _AR_STORIES}
COMMENTERS = {"ar": _AR_COMMENTERS}
COMMENTS = {"ar": _AR_COMMENTS}
CORRECTIONS = {"ar": _AR_CORRECTIONS}

# The comments in the shape of `content.COMMENT_THREADS`: (name, email, comment, status,
# reply to), ready for `seed_demo`'s comment loader.
COMMENT_THREADS = {
    lang: [
        [
            (name, f"{COMMENTERS[lang][name]}@{EMAIL_DOMAIN}", body, status, reply_to)
            for name, body, status, reply_to in thread
        ]
        for thread in threads
    ]
    for lang, threads in COMMENTS.items()
}
