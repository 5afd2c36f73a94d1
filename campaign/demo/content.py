"""Demo content for the open-letter campaign site (fictional organisations).

Pure data, no Django imports, meant for populating a fresh demo site. All
organisations, companies, people and the country of Estravia are invented;
web and e-mail domains use the reserved ".example" top-level domain.
"""

from datetime import date


HOME_INTRO = {
    "en": (
        "<p>The <strong>Lantern Coalition</strong> is a network of human-rights "
        "groups, independent newsrooms, unions and researchers who publish open "
        "letters when governments or companies put freedom of expression at risk. Each "
        "letter sets out concrete, numbered recommendations, and we keep track of what "
        "happens to every one of them.</p>"
        "<p>Organisations (and, for some letters, individuals) can add their names to "
        "any open letter on this site. Groups working under pressure may sign without "
        "their name being shown in public: we never display signatories who ask to "
        "remain private, and we never pass their details on.</p>"
    ),
    "ru": (
        "<p><strong>Коалиция Lantern</strong> — это сеть правозащитных организаций, "
        "независимых редакций, профсоюзов и исследователей, которые публикуют открытые "
        "письма, когда правительства или компании ставят под угрозу свободу слова. "
        "Каждое письмо содержит конкретные пронумерованные рекомендации, и мы следим "
        "за тем, что происходит с каждой из них.</p>"
        "<p>Организации (а под некоторыми письмами и частные лица) могут подписать "
        "любое открытое письмо на этом сайте. Группы, работающие под давлением, могут "
        "подписаться, не раскрывая своего названия публично: мы никогда не показываем "
        "подписантов, попросивших о конфиденциальности, и не передаём их данные "
        "третьим лицам.</p>"
    ),
    "de": (
        "<p>Die <strong>Lantern-Koalition</strong> ist ein Netzwerk aus "
        "Menschenrechtsorganisationen, unabhängigen Redaktionen, Gewerkschaften und "
        "Forschenden, die offene Briefe veröffentlichen, wenn Regierungen oder "
        "Unternehmen die Meinungsfreiheit gefährden. Jeder Brief enthält konkrete, "
        "nummerierte Empfehlungen, und wir verfolgen, was aus jeder einzelnen von "
        "ihnen wird.</p>"
        "<p>Organisationen (und bei manchen Briefen auch Einzelpersonen) können jeden "
        "offenen Brief auf dieser Website mitzeichnen. Gruppen, die unter Druck "
        "arbeiten, können unterzeichnen, ohne dass ihr Name öffentlich erscheint: Wer "
        "um Vertraulichkeit bittet, wird niemals öffentlich angezeigt, und wir geben "
        "keine Angaben an Dritte weiter.</p>"
    ),
    "uk": (
        "<p><strong>Коаліція Lantern</strong> — це мережа правозахисних організацій, "
        "незалежних редакцій, профспілок і дослідників, які оприлюднюють відкриті "
        "листи, коли уряди чи компанії ставлять під загрозу свободу слова. Кожен лист "
        "містить конкретні пронумеровані рекомендації, і ми стежимо за тим, що "
        "відбувається з кожною з них.</p>"
        "<p>Організації (а під деякими листами й приватні особи) можуть підписати "
        "будь-який відкритий лист на цьому сайті. Групи, що працюють під тиском, "
        "можуть підписатися, не розкриваючи своєї назви публічно: ми ніколи не "
        "показуємо підписантів, які попросили про конфіденційність, і не передаємо "
        "їхніх даних третім особам.</p>"
    ),
}

LETTERS = [
    {
        "slug": "norrland-software-licence-raids",
        "published_on": date(2026, 9, 14),
        "signing_closes": None,
        "goal": 150,
        "requires_approval": False,
        "allow_individuals": True,
        "translations": {
            "en": {
                "title": (
                    "Norrland Software must not let licence checks become a weapon "
                    "against civil society"
                ),
                "recipient": (
                    "To Katarina Esk, Chief Executive Officer, and the Board of "
                    "Directors of Norrland Software"
                ),
                "sender": "Helena Voss, President of the Kestrel Human Rights Alliance",
                "summary": (
                    "The Kestrel Human Rights Alliance asks Norrland Software to stop "
                    "its licence-compliance unit in Estravia from supplying the "
                    "pretext for police raids on human-rights groups and independent "
                    "newspapers, and sets out four steps the company should take now."
                ),
                "body": (
                    "<p>Dear Ms Esk, dear members of the Board,</p>"
                    "<p>Over the past eighteen months, police in Estravia have "
                    "searched the offices of at least eleven civil-society "
                    "organisations and three independent newspapers on the grounds "
                    "that they were using unlicensed copies of Norrland Software "
                    "products. Computers were seized, bank accounts were frozen and, "
                    "in two cases, editors were charged with criminal offences. "
                    "Several of the groups affected had bought valid licences and "
                    "could show the receipts; others were given no chance to do so "
                    "before their equipment was taken away.</p>"
                    "<p>In each of these cases, the complaint or the expert assessment "
                    "relied on by investigators came from the Norrland Software "
                    "licence-compliance unit in the capital, Varsk, or from lawyers "
                    "acting on its behalf. We do not question the company's right to "
                    "protect its intellectual property. But the pattern is "
                    "unmistakable: the organisations singled out are those that "
                    "document torture in detention, monitor elections or publish "
                    "investigations into public officials. Enforcement this selective "
                    "has nothing to do with protecting software; it serves to silence "
                    "critics.</p>"
                    "<p>One of our partner organisations in Estravia, a legal-aid "
                    "centre that represents detainees, lost its entire case archive in "
                    "such a raid last spring. When we raised the case with your "
                    "regional office, we were told that the local team had simply "
                    "responded to requests from the authorities. That answer is not "
                    "good enough. A company that supplies the legal and technical "
                    "basis for a raid shares responsibility for its consequences.</p>"
                    "<p>We appreciate the willingness your staff have shown to discuss "
                    "these concerns, and we recognise that local employees may "
                    "themselves be under pressure from the authorities. That is "
                    "precisely why decisions about cooperation in politically "
                    "sensitive cases should not rest with the local team alone.</p>"
                    "<p>We ask Norrland Software to adopt the four recommendations "
                    "below and to report publicly on its progress. We will publish "
                    "every response we receive on this page, and we invite "
                    "organisations that share our concern to add their names to this "
                    "letter.</p>"
                    "<p>Respectfully, <strong>Helena Voss</strong>, President of the "
                    "Kestrel Human Rights Alliance</p>"
                ),
            },
            "ru": {
                "title": (
                    "Norrland Software не должна превращать проверку лицензий в оружие "
                    "против гражданского общества"
                ),
                "recipient": (
                    "Генеральному директору Катарине Эск и Совету директоров Norrland "
                    "Software"
                ),
                "sender": "Хелена Фосс, президент Правозащитного альянса «Кестрел»",
                "summary": (
                    "Правозащитный альянс «Кестрел» призывает Norrland Software не "
                    "допускать, чтобы её подразделение по контролю лицензий в Эстравии "
                    "давало повод для полицейских обысков у правозащитных организаций "
                    "и независимых газет, и предлагает компании четыре конкретных шага."
                ),
                "body": (
                    "<p>Уважаемая госпожа Эск, уважаемые члены Совета директоров!</p>"
                    "<p>За последние полтора года полиция Эстравии провела обыски в "
                    "офисах как минимум одиннадцати общественных организаций и трёх "
                    "независимых газет под предлогом того, что там используются "
                    "нелицензионные копии продуктов Norrland Software. Компьютеры были "
                    "изъяты, банковские счета заморожены, а в двух случаях редакторам "
                    "предъявили уголовные обвинения. Некоторые из пострадавших "
                    "организаций купили действующие лицензии и могли предъявить "
                    "квитанции; другим не дали такой возможности, прежде чем вывезти "
                    "их технику.</p>"
                    "<p>Во всех этих случаях заявление или экспертное заключение, на "
                    "которое опирались следователи, исходило от подразделения Norrland "
                    "Software по контролю лицензий в столице страны, Варске, или от "
                    "юристов, действовавших от его имени. Мы не оспариваем право "
                    "компании защищать свою интеллектуальную собственность. Но "
                    "закономерность очевидна: под удар попадают именно те, кто "
                    "документирует пытки в местах заключения, наблюдает за выборами "
                    "или публикует расследования о деятельности чиновников. Столь "
                    "избирательное преследование не имеет ничего общего с защитой "
                    "программ — оно служит тому, чтобы заставить критиков "
                    "замолчать.</p>"
                    "<p>Одна из наших партнёрских организаций в Эстравии — центр "
                    "правовой помощи, представляющий интересы задержанных, — прошлой "
                    "весной лишилась в ходе такого обыска всего своего архива дел. "
                    "Когда мы обратились с этим случаем в ваш региональный офис, нам "
                    "ответили, что местная команда лишь выполняла запросы властей. "
                    "Такого ответа недостаточно. Компания, предоставляющая юридическое "
                    "и техническое основание для обыска, разделяет ответственность за "
                    "его последствия.</p>"
                    "<p>Мы ценим готовность ваших сотрудников обсуждать эти проблемы и "
                    "понимаем, что местные работники сами могут находиться под "
                    "давлением властей. Именно поэтому решения о сотрудничестве с "
                    "властями по политически чувствительным делам не должны оставаться "
                    "на усмотрении одной лишь местной команды.</p>"
                    "<p>Мы просим Norrland Software выполнить четыре приведённые ниже "
                    "рекомендации и публично отчитываться о ходе их выполнения. Все "
                    "полученные ответы мы будем публиковать на этой странице и "
                    "приглашаем организации, разделяющие нашу обеспокоенность, "
                    "присоединиться к этому письму.</p>"
                    "<p>С уважением, <strong>Хелена Фосс</strong>, президент "
                    "Правозащитного альянса «Кестрел»</p>"
                ),
            },
            "de": {
                "title": (
                    "Norrland Software darf Lizenzkontrollen nicht zur Waffe gegen die "
                    "Zivilgesellschaft werden lassen"
                ),
                "recipient": (
                    "An Katarina Esk, Vorstandsvorsitzende, und den Verwaltungsrat von "
                    "Norrland Software"
                ),
                "sender": "Helena Voss, Präsidentin der Kestrel-Menschenrechtsallianz",
                "summary": (
                    "Die Kestrel-Menschenrechtsallianz fordert Norrland Software auf, "
                    "seiner Lizenzabteilung in Estravien nicht länger zu erlauben, den "
                    "Vorwand für Polizeirazzien bei Menschenrechtsgruppen und "
                    "unabhängigen Zeitungen zu liefern, und schlägt dem Unternehmen "
                    "vier konkrete Schritte vor."
                ),
                "body": (
                    "<p>Sehr geehrte Frau Esk, sehr geehrte Mitglieder des "
                    "Verwaltungsrats,</p>"
                    "<p>in den vergangenen achtzehn Monaten hat die Polizei in "
                    "Estravien die Büros von mindestens elf zivilgesellschaftlichen "
                    "Organisationen und drei unabhängigen Zeitungen durchsucht – mit "
                    "der Begründung, dort würden unlizenzierte Kopien von Produkten "
                    "von Norrland Software verwendet. Computer wurden beschlagnahmt, "
                    "Bankkonten eingefroren, und in zwei Fällen wurden Redakteure "
                    "strafrechtlich angeklagt. Mehrere der betroffenen Gruppen hatten "
                    "gültige Lizenzen erworben und konnten die Belege vorweisen; "
                    "andere erhielten dazu gar keine Gelegenheit, bevor ihre Geräte "
                    "abtransportiert wurden.</p>"
                    "<p>In all diesen Fällen stammten die Anzeige oder das Gutachten, "
                    "auf das sich die Ermittler stützten, von der Lizenzabteilung von "
                    "Norrland Software in der Hauptstadt Varsk oder von Anwälten, die "
                    "in ihrem Auftrag handelten. Wir stellen das Recht des "
                    "Unternehmens, sein geistiges Eigentum zu schützen, nicht in "
                    "Frage. Doch das Muster ist eindeutig: Ins Visier geraten genau "
                    "jene, die Folter in Haftanstalten dokumentieren, Wahlen "
                    "beobachten oder Recherchen über Amtsträger veröffentlichen. Eine "
                    "derart selektive Rechtsdurchsetzung hat mit dem Schutz von "
                    "Software nichts zu tun; sie soll Kritikerinnen und Kritiker zum "
                    "Schweigen bringen.</p>"
                    "<p>Eine unserer Partnerorganisationen in Estravien, ein "
                    "Rechtshilfezentrum, das Inhaftierte vertritt, hat im vergangenen "
                    "Frühjahr bei einer solchen Durchsuchung ihr gesamtes Fallarchiv "
                    "verloren. Als wir den Fall bei Ihrem Regionalbüro ansprachen, "
                    "hieß es, das lokale Team habe lediglich auf Anfragen der Behörden "
                    "reagiert. Diese Antwort genügt nicht. Ein Unternehmen, das die "
                    "rechtliche und technische Grundlage für eine Razzia liefert, "
                    "trägt Mitverantwortung für deren Folgen.</p>"
                    "<p>Wir begrüßen die Bereitschaft Ihrer Mitarbeiterinnen und "
                    "Mitarbeiter, über diese Bedenken zu sprechen, und wissen, dass "
                    "auch die Beschäftigten vor Ort unter dem Druck der Behörden "
                    "stehen können. Gerade deshalb dürfen Entscheidungen über die "
                    "Zusammenarbeit mit Behörden in politisch heiklen Fällen nicht "
                    "allein beim lokalen Team liegen.</p>"
                    "<p>Wir bitten Norrland Software, die vier nachstehenden "
                    "Empfehlungen umzusetzen und öffentlich über die Fortschritte zu "
                    "berichten. Jede Antwort, die wir erhalten, veröffentlichen wir "
                    "auf dieser Seite. Organisationen, die unsere Sorge teilen, laden "
                    "wir ein, diesen Brief mitzuzeichnen.</p>"
                    "<p>Mit freundlichen Grüßen – <strong>Helena Voss</strong>, "
                    "Präsidentin der Kestrel-Menschenrechtsallianz</p>"
                ),
            },
            "uk": {
                "title": (
                    "Norrland Software не повинна перетворювати перевірку ліцензій на "
                    "зброю проти громадянського суспільства"
                ),
                "recipient": (
                    "Генеральній директорці Катарині Еск і Раді директорів Norrland "
                    "Software"
                ),
                "sender": "Гелена Фосс, президентка Правозахисного альянсу «Кестрел»",
                "summary": (
                    "Правозахисний альянс «Кестрел» закликає Norrland Software не "
                    "допускати, щоб її підрозділ з контролю ліцензій в Естравії давав "
                    "привід для поліцейських обшуків у правозахисних організацій і "
                    "незалежних газет, та пропонує компанії чотири конкретні кроки."
                ),
                "body": (
                    "<p>Шановна пані Еск, шановні члени Ради директорів!</p>"
                    "<p>Протягом останніх півтора року поліція Естравії провела обшуки "
                    "в офісах щонайменше одинадцяти громадських організацій і трьох "
                    "незалежних газет під приводом того, що там нібито використовують "
                    "неліцензійні копії продуктів Norrland Software. Комп’ютери "
                    "вилучили, банківські рахунки заморозили, а у двох випадках "
                    "редакторам висунули кримінальні обвинувачення. Кілька "
                    "постраждалих організацій придбали чинні ліцензії й могли показати "
                    "квитанції; іншим не дали такої можливості, перш ніж вивезти їхню "
                    "техніку.</p>"
                    "<p>У всіх цих випадках заява або експертний висновок, на які "
                    "спиралися слідчі, надходили від підрозділу Norrland Software з "
                    "контролю ліцензій у столиці країни, Варську, або від юристів, що "
                    "діяли від його імені. Ми не заперечуємо права компанії захищати "
                    "свою інтелектуальну власність. Але закономірність очевидна: під "
                    "удар потрапляють саме ті, хто документує катування в місцях "
                    "позбавлення волі, спостерігає за виборами або публікує "
                    "розслідування про посадовців. Таке вибіркове переслідування не "
                    "має нічого спільного із захистом програм — воно слугує тому, щоб "
                    "змусити критиків замовкнути.</p>"
                    "<p>Одна з наших партнерських організацій в Естравії — центр "
                    "правової допомоги, що представляє інтереси затриманих, — минулої "
                    "весни під час такого обшуку втратила весь свій архів справ. Коли "
                    "ми звернулися з цим випадком до вашого регіонального офісу, нам "
                    "відповіли, що місцева команда лише виконувала запити влади. Такої "
                    "відповіді недостатньо. Компанія, яка надає юридичні й технічні "
                    "підстави для обшуку, поділяє відповідальність за його "
                    "наслідки.</p>"
                    "<p>Ми цінуємо готовність ваших співробітників обговорювати ці "
                    "проблеми й розуміємо, що місцеві працівники самі можуть "
                    "перебувати під тиском влади. Саме тому рішення про співпрацю з "
                    "владою в політично чутливих справах не повинні залежати лише від "
                    "місцевої команди.</p>"
                    "<p>Ми просимо Norrland Software виконати чотири наведені нижче "
                    "рекомендації та публічно звітувати про хід їх виконання. Усі "
                    "отримані відповіді ми оприлюднюватимемо на цій сторінці й "
                    "запрошуємо організації, які поділяють наше занепокоєння, "
                    "приєднатися до цього листа.</p>"
                    "<p>З повагою, <strong>Гелена Фосс</strong>, президентка "
                    "Правозахисного альянсу «Кестрел»</p>"
                ),
            },
        },
        "recommendations": [
            {
                "status": "acknowledged",
                "status_date": date(2026, 9, 29),
                "translations": {
                    "en": {
                        "title": (
                            "Commission an independent investigation of the licence "
                            "unit in Estravia"
                        ),
                        "body": (
                            "<p>Ask independent experts to examine every case since "
                            "2023 in which the unit assisted the authorities, and to "
                            "interview the organisations and journalists who were "
                            "targeted.</p>"
                        ),
                        "response": (
                            "Norrland Software has asked an external law firm to "
                            "review the unit's work. It has not yet confirmed that the "
                            "targeted organisations will be interviewed or that the "
                            "findings will be published."
                        ),
                    },
                    "ru": {
                        "title": (
                            "Провести независимое расследование работы подразделения в "
                            "Эстравии"
                        ),
                        "body": (
                            "<p>Поручить независимым экспертам изучить каждый случай с "
                            "2023 года, когда подразделение содействовало властям, и "
                            "опросить организации и журналистов, против которых были "
                            "направлены эти действия.</p>"
                        ),
                        "response": (
                            "Norrland Software поручила внешней юридической фирме "
                            "проверить деятельность подразделения. Компания пока не "
                            "подтвердила, что пострадавшие организации будут опрошены, "
                            "а выводы проверки — опубликованы."
                        ),
                    },
                    "de": {
                        "title": (
                            "Eine unabhängige Untersuchung der Lizenzabteilung in "
                            "Estravien in Auftrag geben"
                        ),
                        "body": (
                            "<p>Unabhängige Fachleute sollen jeden Fall seit 2023 "
                            "prüfen, in dem die Abteilung die Behörden unterstützt "
                            "hat, und dabei die betroffenen Organisationen und "
                            "Journalisten anhören.</p>"
                        ),
                        "response": (
                            "Norrland Software hat eine externe Anwaltskanzlei mit der "
                            "Prüfung der Abteilung beauftragt. Ob die betroffenen "
                            "Organisationen angehört und die Ergebnisse veröffentlicht "
                            "werden, hat das Unternehmen noch nicht bestätigt."
                        ),
                    },
                    "uk": {
                        "title": (
                            "Провести незалежне розслідування діяльності підрозділу в "
                            "Естравії"
                        ),
                        "body": (
                            "<p>Доручити незалежним експертам вивчити кожен випадок з "
                            "2023 року, коли підрозділ сприяв владі, і опитати "
                            "організації та журналістів, проти яких були спрямовані ці "
                            "дії.</p>"
                        ),
                        "response": (
                            "Norrland Software доручила зовнішній юридичній фірмі "
                            "перевірити діяльність підрозділу. Компанія поки не "
                            "підтвердила, що постраждалі організації буде опитано, а "
                            "висновки перевірки — оприлюднено."
                        ),
                    },
                },
            },
            {
                "status": "partly_adopted",
                "status_date": date(2026, 11, 4),
                "translations": {
                    "en": {
                        "title": (
                            "Place cooperation with the authorities under headquarters "
                            "oversight"
                        ),
                        "body": (
                            "<p>Require approval from headquarters before any local "
                            "employee or contractor submits complaints, evidence or "
                            "expert opinions to law-enforcement bodies in Estravia.</p>"
                        ),
                        "response": (
                            "Since 1 November 2026, headquarters must approve any "
                            "support the local unit gives in criminal cases. Civil and "
                            "administrative proceedings are not yet covered."
                        ),
                    },
                    "ru": {
                        "title": (
                            "Поставить сотрудничество с властями под контроль "
                            "штаб-квартиры"
                        ),
                        "body": (
                            "<p>Требовать одобрения штаб-квартиры, прежде чем любой "
                            "местный сотрудник или подрядчик направит в "
                            "правоохранительные органы Эстравии заявления, "
                            "доказательства или экспертные заключения.</p>"
                        ),
                        "response": (
                            "С 1 ноября 2026 года любое содействие местного "
                            "подразделения по уголовным делам требует одобрения "
                            "штаб-квартиры. Гражданские и административные дела этим "
                            "правилом пока не охвачены."
                        ),
                    },
                    "de": {
                        "title": (
                            "Die Zusammenarbeit mit Behörden der Aufsicht der "
                            "Konzernzentrale unterstellen"
                        ),
                        "body": (
                            "<p>Bevor lokale Beschäftigte oder Auftragnehmer den "
                            "Strafverfolgungsbehörden in Estravien Anzeigen, "
                            "Beweismittel oder Gutachten übermitteln, muss die "
                            "Konzernzentrale zustimmen.</p>"
                        ),
                        "response": (
                            "Seit dem 1. November 2026 muss die Konzernzentrale jede "
                            "Unterstützung der lokalen Abteilung in Strafverfahren "
                            "genehmigen. Zivil- und Verwaltungsverfahren sind davon "
                            "noch nicht erfasst."
                        ),
                    },
                    "uk": {
                        "title": (
                            "Поставити співпрацю з владою під контроль штаб-квартири"
                        ),
                        "body": (
                            "<p>Вимагати схвалення штаб-квартири, перш ніж будь-який "
                            "місцевий працівник чи підрядник передасть правоохоронним "
                            "органам Естравії заяви, докази або експертні висновки.</p>"
                        ),
                        "response": (
                            "З 1 листопада 2026 року будь-яке сприяння місцевого "
                            "підрозділу в кримінальних справах потребує схвалення "
                            "штаб-квартири. Цивільні та адміністративні провадження "
                            "цим правилом поки не охоплені."
                        ),
                    },
                },
            },
            {
                "status": "proposed",
                "status_date": None,
                "translations": {
                    "en": {
                        "title": "Consult the groups that were targeted",
                        "body": (
                            "<p>Hold regular consultations with the Estravian "
                            "organisations and newsrooms affected by the raids, and "
                            "involve them in drafting new rules for answering requests "
                            "from the authorities.</p>"
                        ),
                        "response": "",
                    },
                    "ru": {
                        "title": "Консультироваться с пострадавшими организациями",
                        "body": (
                            "<p>Регулярно проводить консультации с организациями и "
                            "редакциями Эстравии, пострадавшими от обысков, и "
                            "привлекать их к разработке новых правил реагирования на "
                            "запросы властей.</p>"
                        ),
                        "response": "",
                    },
                    "de": {
                        "title": "Die betroffenen Gruppen konsultieren",
                        "body": (
                            "<p>Regelmäßig Gespräche mit den von den Razzien "
                            "betroffenen Organisationen und Redaktionen in Estravien "
                            "führen und sie an der Ausarbeitung neuer Regeln für den "
                            "Umgang mit behördlichen Anfragen beteiligen.</p>"
                        ),
                        "response": "",
                    },
                    "uk": {
                        "title": "Консультуватися з постраждалими організаціями",
                        "body": (
                            "<p>Регулярно проводити консультації з організаціями та "
                            "редакціями Естравії, які постраждали від обшуків, і "
                            "залучати їх до розроблення нових правил реагування на "
                            "запити влади.</p>"
                        ),
                        "response": "",
                    },
                },
            },
            {
                "status": "rejected",
                "status_date": date(2026, 10, 21),
                "translations": {
                    "en": {
                        "title": (
                            "Join a multi-stakeholder initiative on freedom of "
                            "expression"
                        ),
                        "body": (
                            "<p>Join the Open Expression Compact, which brings "
                            "companies, civil society and researchers together to "
                            "respond to government demands that threaten free speech, "
                            "and report on this case through it.</p>"
                        ),
                        "response": (
                            "The company replied that its internal human-rights policy "
                            "already covers such situations and that it does not plan "
                            "to join the Compact for now."
                        ),
                    },
                    "ru": {
                        "title": (
                            "Присоединиться к многосторонней инициативе в защиту "
                            "свободы слова"
                        ),
                        "body": (
                            "<p>Вступить в Open Expression Compact — инициативу, "
                            "объединяющую компании, гражданское общество и "
                            "исследователей для противодействия требованиям властей, "
                            "угрожающим свободе слова, — и отчитаться о данном случае "
                            "в её рамках.</p>"
                        ),
                        "response": (
                            "Компания ответила, что её внутренняя политика в области "
                            "прав человека уже охватывает подобные ситуации и что пока "
                            "она не планирует присоединяться к инициативе."
                        ),
                    },
                    "de": {
                        "title": (
                            "Einer Multi-Stakeholder-Initiative für Meinungsfreiheit "
                            "beitreten"
                        ),
                        "body": (
                            "<p>Dem Open Expression Compact beitreten, in dem "
                            "Unternehmen, Zivilgesellschaft und Wissenschaft gemeinsam "
                            "auf staatliche Forderungen reagieren, die die "
                            "Meinungsfreiheit bedrohen, und dort über diesen Fall "
                            "berichten.</p>"
                        ),
                        "response": (
                            "Das Unternehmen antwortete, seine interne "
                            "Menschenrechtsrichtlinie decke solche Situationen bereits "
                            "ab; ein Beitritt zum Compact sei derzeit nicht geplant."
                        ),
                    },
                    "uk": {
                        "title": (
                            "Приєднатися до багатосторонньої ініціативи на захист "
                            "свободи слова"
                        ),
                        "body": (
                            "<p>Вступити до Open Expression Compact — ініціативи, що "
                            "об’єднує компанії, громадянське суспільство й дослідників "
                            "для протидії вимогам влади, які загрожують свободі слова, "
                            "— і прозвітувати про цей випадок у її межах.</p>"
                        ),
                        "response": (
                            "Компанія відповіла, що її внутрішня політика у сфері прав "
                            "людини вже охоплює такі ситуації і що наразі вона не "
                            "планує приєднуватися до ініціативи."
                        ),
                    },
                },
            },
        ],
        "updates": [
            {
                "date": date(2026, 9, 30),
                "translations": {
                    "en": {
                        "title": "Norrland Software announces an external review",
                        "body": (
                            "<p>Two weeks after our letter was published, Norrland "
                            "Software told us it has asked an external law firm to "
                            "review the work of its licence unit in Estravia. This is "
                            "a welcome first step. We have asked that the review "
                            "include interviews with the people whose offices were "
                            "searched, and that its conclusions be made public.</p>"
                        ),
                    },
                    "ru": {
                        "title": "Norrland Software объявила о внешней проверке",
                        "body": (
                            "<p>Через две недели после публикации нашего письма "
                            "Norrland Software сообщила, что поручила внешней "
                            "юридической фирме проверить работу своего подразделения "
                            "по контролю лицензий в Эстравии. Это долгожданный первый "
                            "шаг. Мы попросили, чтобы в ходе проверки были опрошены "
                            "люди, в чьих офисах прошли обыски, а её выводы были "
                            "преданы огласке.</p>"
                        ),
                    },
                    "de": {
                        "title": "Norrland Software kündigt externe Prüfung an",
                        "body": (
                            "<p>Zwei Wochen nach Veröffentlichung unseres Briefes "
                            "teilte Norrland Software uns mit, eine externe "
                            "Anwaltskanzlei mit der Prüfung seiner Lizenzabteilung in "
                            "Estravien beauftragt zu haben. Das ist ein "
                            "begrüßenswerter erster Schritt. Wir haben darum gebeten, "
                            "im Rahmen der Prüfung die Menschen anzuhören, deren Büros "
                            "durchsucht wurden, und die Ergebnisse zu "
                            "veröffentlichen.</p>"
                        ),
                    },
                    "uk": {
                        "title": "Norrland Software оголосила про зовнішню перевірку",
                        "body": (
                            "<p>Через два тижні після оприлюднення нашого листа "
                            "Norrland Software повідомила, що доручила зовнішній "
                            "юридичній фірмі перевірити роботу свого підрозділу з "
                            "контролю ліцензій в Естравії. Це важливий перший крок. Ми "
                            "попросили, щоб під час перевірки опитали людей, в офісах "
                            "яких проводили обшуки, а її висновки оприлюднили.</p>"
                        ),
                    },
                },
            },
            {
                "date": date(2026, 11, 5),
                "translations": {
                    "en": {
                        "title": "Headquarters approval now required in criminal cases",
                        "body": (
                            "<p>Norrland Software has changed its internal rules: its "
                            "team in Estravia may no longer assist the authorities in "
                            "a criminal case without approval from headquarters. We "
                            "consider this recommendation partly adopted, because "
                            "civil and administrative proceedings, which account for "
                            "most of the cases brought against civil-society groups, "
                            "remain outside the new rule.</p>"
                        ),
                    },
                    "ru": {
                        "title": (
                            "Для содействия по уголовным делам теперь нужно одобрение "
                            "штаб-квартиры"
                        ),
                        "body": (
                            "<p>Norrland Software изменила внутренние правила: команда "
                            "в Эстравии больше не может содействовать властям по "
                            "уголовному делу без одобрения штаб-квартиры. Мы считаем "
                            "эту рекомендацию выполненной частично, поскольку "
                            "гражданские и административные дела, на которые "
                            "приходится большинство дел против общественных "
                            "организаций, под новое правило не подпадают.</p>"
                        ),
                    },
                    "de": {
                        "title": (
                            "Zustimmung der Zentrale jetzt in Strafverfahren "
                            "erforderlich"
                        ),
                        "body": (
                            "<p>Das Unternehmen hat seine internen Regeln geändert: "
                            "Das Team in Estravien darf die Behörden in Strafverfahren "
                            "nur noch mit Zustimmung der Konzernzentrale unterstützen. "
                            "Wir betrachten diese Empfehlung als teilweise umgesetzt, "
                            "da Zivil- und Verwaltungsverfahren, auf die die meisten "
                            "Verfahren gegen zivilgesellschaftliche Gruppen entfallen, "
                            "von der neuen Regel nicht erfasst sind.</p>"
                        ),
                    },
                    "uk": {
                        "title": (
                            "Для сприяння в кримінальних справах тепер потрібне "
                            "схвалення штаб-квартири"
                        ),
                        "body": (
                            "<p>Norrland Software змінила внутрішні правила: команда в "
                            "Естравії більше не може сприяти владі в кримінальній "
                            "справі без схвалення штаб-квартири. Ми вважаємо цю "
                            "рекомендацію частково виконаною, оскільки цивільні та "
                            "адміністративні провадження, на які припадає більшість "
                            "справ проти громадських організацій, під нове правило не "
                            "підпадають.</p>"
                        ),
                    },
                },
            },
        ],
    },
    {
        "slug": "keep-independent-media-connected",
        "published_on": date(2026, 10, 6),
        "signing_closes": date(2027, 6, 30),
        "goal": 300,
        "requires_approval": True,
        "allow_individuals": False,
        "translations": {
            "en": {
                "title": (
                    "Don't switch off the people who need you most: an appeal from "
                    "independent media"
                ),
                "recipient": (
                    "To the leadership of international technology companies, "
                    "including Meridian Platforms, Halcyon Cloud and Brightwave "
                    "Payments"
                ),
                "sender": (
                    "A coalition of 42 independent media outlets working inside the "
                    "country and in exile"
                ),
                "summary": (
                    "Independent newsrooms ask international technology companies not "
                    "to withdraw their services from ordinary users in a country under "
                    "authoritarian rule, and set out four demands to keep reliable "
                    "information flowing."
                ),
                "body": (
                    "<p>We are editors, reporters and publishers of independent media "
                    "serving readers in a country whose government has spent recent "
                    "years dismantling the free press. Some of us still work at home; "
                    "many of us were forced to leave. All of us depend on "
                    "international digital services to do our jobs.</p>"
                    "<p>In recent months, a growing number of technology companies "
                    "have announced that they will stop serving users in our country. "
                    "Accounts are closed without warning, software subscriptions "
                    "cancelled and payment channels shut. We understand that companies "
                    "must comply with sanctions and want to distance themselves from a "
                    "repressive government. But these decisions hit hardest not the "
                    "authorities, who have their own infrastructure, but the "
                    "journalists, activists and ordinary citizens who relied on these "
                    "tools to get around censorship.</p>"
                    "<p>When a collaborative editing service, a cloud provider or a "
                    "secure messenger disappears, a newsroom loses its archive, its "
                    "safe channel to sources and its means of publishing. When a "
                    "payment service blocks cards issued in our country, readers can "
                    "no longer support the outlets they trust, and those outlets lose "
                    "the income that kept them independent. Each withdrawal narrows "
                    "the space left for reliable information and widens the reach of "
                    "state propaganda.</p>"
                    "<p>Cutting users off also plays into the hands of those who want "
                    "to isolate the national internet. Every foreign service that "
                    "leaves pushes people towards domestic replacements promoted by "
                    "the state, which are open to its surveillance and its censors.</p>"
                    "<p>We therefore call on international technology companies to "
                    "meet the four demands below. We are ready to meet any company "
                    "that wishes to discuss them, and we invite media organisations, "
                    "press-freedom groups and journalists' unions to sign this "
                    "appeal.</p>"
                ),
            },
            "ru": {
                "title": (
                    "Не отключайте тех, кому вы нужнее всего: обращение независимых СМИ"
                ),
                "recipient": (
                    "Руководству международных технологических компаний, в том числе "
                    "Meridian Platforms, Halcyon Cloud и Brightwave Payments"
                ),
                "sender": (
                    "Коалиция из 42 независимых СМИ, работающих внутри страны и в "
                    "эмиграции"
                ),
                "summary": (
                    "Независимые редакции призывают международные технологические "
                    "компании не лишать своих сервисов обычных пользователей в стране "
                    "под властью авторитарного режима и выдвигают четыре требования, "
                    "которые помогут сохранить доступ к достоверной информации."
                ),
                "body": (
                    "<p>Мы — редакторы, журналисты и издатели независимых СМИ, которые "
                    "работают для читателей в стране, где власти в последние годы "
                    "планомерно уничтожали свободную прессу. Некоторые из нас всё ещё "
                    "работают на родине, многие были вынуждены уехать. Все мы в своей "
                    "работе зависим от международных цифровых сервисов.</p>"
                    "<p>В последние месяцы всё больше технологических компаний "
                    "объявляют о прекращении обслуживания пользователей из нашей "
                    "страны. Аккаунты закрываются без предупреждения, подписки на "
                    "программы аннулируются, платёжные каналы перекрываются. Мы "
                    "понимаем, что компании обязаны соблюдать санкции и хотят "
                    "дистанцироваться от репрессивного правительства. Но сильнее всего "
                    "эти решения бьют не по властям, у которых есть собственная "
                    "инфраструктура, а по журналистам, активистам и простым гражданам, "
                    "которые с помощью этих инструментов обходили цензуру.</p>"
                    "<p>Когда исчезает сервис для совместного редактирования, облачный "
                    "провайдер или защищённый мессенджер, редакция теряет свой архив, "
                    "безопасный канал связи с источниками и возможность публиковаться. "
                    "Когда платёжный сервис блокирует карты, выпущенные в нашей "
                    "стране, читатели больше не могут поддерживать издания, которым "
                    "доверяют, а те теряют доход, обеспечивавший их независимость. "
                    "Каждый такой уход сужает пространство для достоверной информации "
                    "и расширяет охват государственной пропаганды.</p>"
                    "<p>Отключение пользователей также играет на руку тем, кто "
                    "стремится изолировать национальный интернет. Каждый ушедший "
                    "иностранный сервис подталкивает людей к отечественным "
                    "заменителям, которые продвигает государство и которые открыты для "
                    "его слежки и цензуры.</p>"
                    "<p>Поэтому мы призываем международные технологические компании "
                    "выполнить четыре требования, изложенные ниже. Мы готовы "
                    "встретиться с любой компанией, которая захочет их обсудить, и "
                    "приглашаем медиаорганизации, объединения в защиту свободы прессы "
                    "и профсоюзы журналистов подписать это обращение.</p>"
                ),
            },
            "uk": {
                "title": (
                    "Не відключайте тих, кому ви найпотрібніші: звернення незалежних "
                    "медіа"
                ),
                "recipient": (
                    "Керівництву міжнародних технологічних компаній, зокрема Meridian "
                    "Platforms, Halcyon Cloud і Brightwave Payments"
                ),
                "sender": (
                    "Коаліція 42 незалежних медіа, що працюють у країні та в еміграції"
                ),
                "summary": (
                    "Незалежні редакції закликають міжнародні технологічні компанії не "
                    "позбавляти своїх сервісів звичайних користувачів у країні під "
                    "владою авторитарного режиму та висувають чотири вимоги, які "
                    "допоможуть зберегти доступ до достовірної інформації."
                ),
                "body": (
                    "<p>Ми — редактори, журналісти та видавці незалежних медіа, які "
                    "працюють для читачів у країні, де влада останніми роками "
                    "планомірно знищувала вільну пресу. Дехто з нас досі працює на "
                    "батьківщині, багатьох змусили виїхати. Усі ми у своїй роботі "
                    "залежимо від міжнародних цифрових сервісів.</p>"
                    "<p>Останніми місяцями дедалі більше технологічних компаній "
                    "оголошують про припинення обслуговування користувачів із нашої "
                    "країни. Акаунти закривають без попередження, підписки на програми "
                    "скасовують, платіжні канали перекривають. Ми розуміємо, що "
                    "компанії мусять дотримуватися санкцій і прагнуть дистанціюватися "
                    "від репресивного уряду. Але найболючіше ці рішення б’ють не по "
                    "владі, яка має власну інфраструктуру, а по журналістах, "
                    "активістах і звичайних громадянах, які за допомогою цих "
                    "інструментів оминали цензуру.</p>"
                    "<p>Коли зникає сервіс для спільного редагування, хмарний "
                    "провайдер чи захищений месенджер, редакція втрачає свій архів, "
                    "безпечний канал зв’язку з джерелами та можливість публікуватися. "
                    "Коли платіжний сервіс блокує картки, випущені в нашій країні, "
                    "читачі більше не можуть підтримувати видання, яким довіряють, а "
                    "ті втрачають дохід, що забезпечував їхню незалежність. Кожен "
                    "такий відхід звужує простір для достовірної інформації та "
                    "розширює охоплення державної пропаганди.</p>"
                    "<p>Відключення користувачів також грає на руку тим, хто прагне "
                    "ізолювати національний інтернет. Кожен іноземний сервіс, що йде з "
                    "ринку, підштовхує людей до вітчизняних замінників, які просуває "
                    "держава і які відкриті для її стеження та цензури.</p>"
                    "<p>Тому ми закликаємо міжнародні технологічні компанії виконати "
                    "чотири вимоги, викладені нижче. Ми готові зустрітися з будь-якою "
                    "компанією, яка захоче їх обговорити, і запрошуємо медійні "
                    "організації, об’єднання на захист свободи преси та профспілки "
                    "журналістів підписати це звернення.</p>"
                ),
            },
        },
        "recommendations": [
            {
                "status": "partly_adopted",
                "status_date": date(2026, 10, 28),
                "translations": {
                    "en": {
                        "title": "Keep your services available to ordinary users",
                        "body": (
                            "<p>Do not close the accounts of individuals and "
                            "independent organisations in the country unless the law "
                            "explicitly requires it, and when it does, give users the "
                            "time and tools to export their data.</p>"
                        ),
                        "response": (
                            "Meridian Platforms has committed not to close personal "
                            "accounts and to give at least 90 days' notice of any "
                            "future restriction. Halcyon Cloud and Brightwave Payments "
                            "have not yet responded on this point."
                        ),
                    },
                    "ru": {
                        "title": (
                            "Сохраните доступ к сервисам для обычных пользователей"
                        ),
                        "body": (
                            "<p>Не закрывайте аккаунты частных лиц и независимых "
                            "организаций в стране, если этого прямо не требует закон, "
                            "а если требует — дайте пользователям время и инструменты "
                            "для выгрузки своих данных.</p>"
                        ),
                        "response": (
                            "Meridian Platforms обязалась не закрывать личные аккаунты "
                            "и предупреждать о любых будущих ограничениях как минимум "
                            "за 90 дней. Halcyon Cloud и Brightwave Payments по этому "
                            "пункту пока не ответили."
                        ),
                    },
                    "uk": {
                        "title": (
                            "Збережіть доступ до сервісів для звичайних користувачів"
                        ),
                        "body": (
                            "<p>Не закривайте акаунти приватних осіб і незалежних "
                            "організацій у країні, якщо цього прямо не вимагає закон, "
                            "а якщо вимагає — дайте користувачам час та інструменти "
                            "для експорту своїх даних.</p>"
                        ),
                        "response": (
                            "Meridian Platforms зобов’язалася не закривати особисті "
                            "акаунти й попереджати про будь-які майбутні обмеження "
                            "щонайменше за 90 днів. Halcyon Cloud і Brightwave "
                            "Payments щодо цього пункту поки не відповіли."
                        ),
                    },
                },
            },
            {
                "status": "adopted",
                "status_date": date(2026, 11, 12),
                "translations": {
                    "en": {
                        "title": "Keep secure-communication tools within reach",
                        "body": (
                            "<p>Continue to offer encrypted messaging, VPN and "
                            "circumvention tools to users in the country, together "
                            "with the app-store listings and download pages needed to "
                            "install them.</p>"
                        ),
                        "response": (
                            "Halcyon Cloud has confirmed in writing that its encrypted "
                            "messenger and VPN will remain available to users in the "
                            "country, including through its own download site."
                        ),
                    },
                    "ru": {
                        "title": "Не лишайте пользователей средств защищённой связи",
                        "body": (
                            "<p>Продолжайте предоставлять пользователям в стране "
                            "зашифрованные мессенджеры, VPN и инструменты обхода "
                            "блокировок, а также страницы в магазинах приложений и на "
                            "сайтах, необходимые для их установки.</p>"
                        ),
                        "response": (
                            "Halcyon Cloud письменно подтвердила, что её зашифрованный "
                            "мессенджер и VPN останутся доступны пользователям в "
                            "стране, в том числе через собственный сайт для загрузки."
                        ),
                    },
                    "uk": {
                        "title": (
                            "Не позбавляйте користувачів засобів захищеного зв’язку"
                        ),
                        "body": (
                            "<p>Продовжуйте надавати користувачам у країні зашифровані "
                            "месенджери, VPN та інструменти обходу блокувань, а також "
                            "сторінки в магазинах застосунків і на сайтах, необхідні "
                            "для їх встановлення.</p>"
                        ),
                        "response": (
                            "Halcyon Cloud письмово підтвердила, що її зашифрований "
                            "месенджер і VPN залишаться доступними для користувачів у "
                            "країні, зокрема через власний сайт для завантаження."
                        ),
                    },
                },
            },
            {
                "status": "acknowledged",
                "status_date": date(2026, 11, 18),
                "translations": {
                    "en": {
                        "title": "Do not block payments to independent media",
                        "body": (
                            "<p>Let readers in the country pay for subscriptions, "
                            "memberships and newsletters from independent media, and "
                            "exempt these payments from blanket restrictions wherever "
                            "the law allows.</p>"
                        ),
                        "response": (
                            "Brightwave Payments met the coalition on 18 November and "
                            "has promised a written answer by the end of the year."
                        ),
                    },
                    "ru": {
                        "title": "Не блокируйте платежи в пользу независимых СМИ",
                        "body": (
                            "<p>Позвольте читателям в стране оплачивать подписки, "
                            "членские взносы и рассылки независимых СМИ и там, где это "
                            "допускает закон, не распространяйте на такие платежи "
                            "общие ограничения.</p>"
                        ),
                        "response": (
                            "Brightwave Payments встретилась с коалицией 18 ноября и "
                            "пообещала дать письменный ответ до конца года."
                        ),
                    },
                    "uk": {
                        "title": "Не блокуйте платежі на користь незалежних медіа",
                        "body": (
                            "<p>Дозвольте читачам у країні оплачувати передплати, "
                            "членські внески та розсилки незалежних медіа і там, де це "
                            "дозволяє закон, не поширюйте на такі платежі загальні "
                            "обмеження.</p>"
                        ),
                        "response": (
                            "Brightwave Payments зустрілася з коаліцією 18 листопада й "
                            "пообіцяла надати письмову відповідь до кінця року."
                        ),
                    },
                },
            },
            {
                "status": "proposed",
                "status_date": None,
                "translations": {
                    "en": {
                        "title": "Consult independent media before restricting access",
                        "body": (
                            "<p>Before limiting or withdrawing a service, talk to the "
                            "independent newsrooms and digital-rights groups that rely "
                            "on it, and explain publicly how their views were taken "
                            "into account.</p>"
                        ),
                        "response": "",
                    },
                    "ru": {
                        "title": (
                            "Советуйтесь с независимыми СМИ, прежде чем ограничивать "
                            "доступ"
                        ),
                        "body": (
                            "<p>Прежде чем ограничить или отозвать сервис, поговорите "
                            "с независимыми редакциями и организациями, защищающими "
                            "цифровые права, которые от него зависят, и публично "
                            "объясните, как было учтено их мнение.</p>"
                        ),
                        "response": "",
                    },
                    "uk": {
                        "title": (
                            "Радьтеся з незалежними медіа, перш ніж обмежувати доступ"
                        ),
                        "body": (
                            "<p>Перш ніж обмежити або відкликати сервіс, поговоріть з "
                            "незалежними редакціями та організаціями, що захищають "
                            "цифрові права й залежать від нього, і публічно поясніть, "
                            "як було враховано їхню думку.</p>"
                        ),
                        "response": "",
                    },
                },
            },
        ],
        "updates": [
            {
                "date": date(2026, 10, 7),
                "translations": {
                    "en": {
                        "title": (
                            "The appeal is open for signatures from media organisations"
                        ),
                        "body": (
                            "<p>Newsrooms, media associations, journalists' unions and "
                            "press-freedom groups can now sign the appeal. Because "
                            "many signatories face real risks, our editors check each "
                            "signature before it is published, and organisations may "
                            "ask for their name to be kept confidential.</p>"
                        ),
                    },
                    "ru": {
                        "title": "Обращение открыто для подписания медиаорганизациями",
                        "body": (
                            "<p>Подписать обращение теперь могут редакции, "
                            "медиаассоциации, профсоюзы журналистов и организации в "
                            "защиту свободы прессы. Поскольку многие подписанты "
                            "подвергаются реальному риску, наши редакторы проверяют "
                            "каждую подпись перед публикацией, а организации могут "
                            "попросить не раскрывать их название.</p>"
                        ),
                    },
                    "uk": {
                        "title": (
                            "Звернення відкрите для підписання медійними організаціями"
                        ),
                        "body": (
                            "<p>Підписати звернення тепер можуть редакції, медійні "
                            "асоціації, профспілки журналістів та організації на "
                            "захист свободи преси. Оскільки багато підписантів "
                            "наражаються на реальний ризик, наші редактори перевіряють "
                            "кожен підпис перед публікацією, а організації можуть "
                            "попросити не розкривати їхню назву.</p>"
                        ),
                    },
                },
            },
            {
                "date": date(2026, 11, 12),
                "translations": {
                    "en": {
                        "title": "Halcyon Cloud keeps its secure tools available",
                        "body": (
                            "<p>Halcyon Cloud has confirmed in writing that its "
                            "encrypted messenger and VPN will stay available to users "
                            "in the country. We thank the company for listening, and "
                            "we now mark our second demand as adopted.</p>"
                        ),
                    },
                    "ru": {
                        "title": (
                            "Halcyon Cloud сохраняет доступ к средствам защищённой "
                            "связи"
                        ),
                        "body": (
                            "<p>Halcyon Cloud письменно подтвердила, что её "
                            "зашифрованный мессенджер и VPN останутся доступны "
                            "пользователям в стране. Мы благодарим компанию за то, что "
                            "она прислушалась к нам, и отмечаем наше второе требование "
                            "как выполненное.</p>"
                        ),
                    },
                    "uk": {
                        "title": (
                            "Halcyon Cloud зберігає доступ до засобів захищеного "
                            "зв’язку"
                        ),
                        "body": (
                            "<p>Halcyon Cloud письмово підтвердила, що її зашифрований "
                            "месенджер і VPN залишаться доступними для користувачів у "
                            "країні. Дякуємо компанії за те, що дослухалася до нас, і "
                            "позначаємо нашу другу вимогу як виконану.</p>"
                        ),
                    },
                },
            },
            {
                "date": date(2026, 11, 18),
                "translations": {
                    "en": {
                        "title": "Coalition meets Brightwave Payments",
                        "body": (
                            "<p>Representatives of the coalition met the Brightwave "
                            "Payments policy team to explain how blocked card payments "
                            "are cutting reader-funded newsrooms off from their "
                            "audiences. The company has promised a written answer by "
                            "the end of the year, and we will publish it here.</p>"
                        ),
                    },
                    "ru": {
                        "title": "Коалиция встретилась с Brightwave Payments",
                        "body": (
                            "<p>Представители коалиции встретились с командой "
                            "Brightwave Payments, отвечающей за публичную политику, и "
                            "рассказали, как блокировка карточных платежей отрезает "
                            "редакции, живущие на средства читателей, от их аудитории. "
                            "Компания пообещала дать письменный ответ до конца года, и "
                            "мы опубликуем его здесь.</p>"
                        ),
                    },
                    "uk": {
                        "title": "Коаліція зустрілася з Brightwave Payments",
                        "body": (
                            "<p>Представники коаліції зустрілися з командою Brightwave "
                            "Payments, що відповідає за публічну політику, і "
                            "розповіли, як блокування карткових платежів відрізає "
                            "редакції, які існують на кошти читачів, від їхньої "
                            "аудиторії. Компанія пообіцяла надати письмову відповідь "
                            "до кінця року, і ми оприлюднимо її тут.</p>"
                        ),
                    },
                },
            },
        ],
    },
]

SITE_UPDATES = [
    {
        "date": date(2026, 9, 8),
        "translations": {
            "en": {
                "title": "The Lantern Coalition opens its letters platform",
                "body": (
                    "<p>Our new website brings together the open letters published by "
                    "the coalition and its partners. For each letter you can follow "
                    "what has become of the recommendations and how the recipients "
                    "have responded, and organisations can sign online in a few "
                    "minutes.</p>"
                ),
            },
            "ru": {
                "title": "Коалиция Lantern запускает платформу открытых писем",
                "body": (
                    "<p>Наш новый сайт объединяет открытые письма коалиции и её "
                    "партнёров. По каждому письму можно отследить выполнение "
                    "рекомендаций и ответы адресатов, а организации могут подписать "
                    "его онлайн за несколько минут.</p>"
                ),
            },
            "de": {
                "title": (
                    "Die Lantern-Koalition startet ihre Plattform für offene Briefe"
                ),
                "body": (
                    "<p>Unsere neue Website bündelt die offenen Briefe der Koalition "
                    "und ihrer Partner. Zu jedem Brief lässt sich verfolgen, was aus "
                    "den Empfehlungen geworden ist und wie die Adressaten reagiert "
                    "haben; Organisationen können in wenigen Minuten online "
                    "unterzeichnen.</p>"
                ),
            },
            "uk": {
                "title": "Коаліція Lantern запускає платформу відкритих листів",
                "body": (
                    "<p>Наш новий сайт об’єднує відкриті листи коаліції та її "
                    "партнерів. Для кожного листа можна відстежити виконання "
                    "рекомендацій і відповіді адресатів, а організації можуть "
                    "підписати його онлайн за кілька хвилин.</p>"
                ),
            },
        },
    },
    {
        "date": date(2026, 11, 16),
        "translations": {
            "en": {
                "title": "How we protect signatories at risk",
                "body": (
                    "<p>Some organisations cannot safely put their name to a public "
                    "letter. When you sign, you can ask for your signature to stay "
                    "private: it will count towards the total, but it will not appear "
                    "in the public list. Only the site's editors can see these "
                    "details, and we will never pass them on.</p>"
                ),
            },
            "ru": {
                "title": "Как мы защищаем подписантов, которым грозит опасность",
                "body": (
                    "<p>Некоторые организации не могут без риска для себя поставить "
                    "подпись под публичным письмом. При подписании вы можете попросить "
                    "не раскрывать вашу подпись: она будет учтена в общем числе, но не "
                    "появится в публичном списке. Эти данные видят только редакторы "
                    "сайта, и мы никогда никому их не передадим.</p>"
                ),
            },
            "de": {
                "title": "Wie wir gefährdete Unterzeichnende schützen",
                "body": (
                    "<p>Manche Organisationen können ihren Namen nicht gefahrlos unter "
                    "einen öffentlichen Brief setzen. Beim Unterzeichnen können Sie "
                    "darum bitten, dass Ihre Unterschrift nicht öffentlich angezeigt "
                    "wird: Sie zählt dann zur Gesamtzahl, erscheint aber nicht in der "
                    "öffentlichen Liste. Nur die Redaktion der Website kann diese "
                    "Angaben einsehen, und wir geben sie niemals weiter.</p>"
                ),
            },
            "uk": {
                "title": "Як ми захищаємо підписантів, яким загрожує небезпека",
                "body": (
                    "<p>Деякі організації не можуть без ризику для себе поставити "
                    "підпис під публічним листом. Під час підписання ви можете "
                    "попросити не розкривати ваш підпис: його буде враховано в "
                    "загальній кількості, але він не з’явиться в публічному списку. Ці "
                    "дані бачать лише редактори сайту, і ми ніколи нікому їх не "
                    "передамо.</p>"
                ),
            },
        },
    },
]

DEMO_SIGNATORIES = {
    "norrland-software-licence-raids": [
        {
            "organisation": "Kharkiv Civic Monitoring Group",
            "website": "https://kharkiv-civic-monitor.example",
            "country": "UA",
            "kind": "ngo",
            "contact_name": "Olena Marchenko",
            "contact_role": "Coordinator",
            "contact_email": "olena.marchenko@kharkiv-civic-monitor.example",
            "comment": (
                "We know from experience how a 'routine inspection' can end an "
                "organisation's work."
            ),
            "public": True,
        },
        {
            "organisation": "Freie Netze Initiative",
            "website": "https://freie-netze.example",
            "country": "DE",
            "kind": "ngo",
            "contact_name": "Jonas Albrecht",
            "contact_role": "Policy lead",
            "contact_email": "j.albrecht@freie-netze.example",
            "comment": (
                "Urheberrecht darf kein Vorwand für die Verfolgung kritischer Stimmen "
                "sein."
            ),
            "public": True,
        },
        {
            "organisation": "Tbilisi Press Freedom Lab",
            "website": "https://tbilisi-pressfreedom.example",
            "country": "GE",
            "kind": "media",
            "contact_name": "Nino Beridze",
            "contact_role": "Editor-in-chief",
            "contact_email": "nino.beridze@mail.example",
            "comment": "",
            "public": True,
        },
        {
            "organisation": "Baltic Journalists' Union",
            "website": "https://baltic-journalists.example",
            "country": "LV",
            "kind": "union",
            "contact_name": "Anna Kalniņa",
            "contact_role": "Chair",
            "contact_email": "anna.kalnina@post.example",
            "comment": "",
            "public": True,
        },
        {
            "organisation": "Centre for Information Law, University of Westbridge",
            "website": "https://westbridge-infolaw.example",
            "country": "GB",
            "kind": "academic",
            "contact_name": "Dr Samuel Okafor",
            "contact_role": "Director",
            "contact_email": "s.okafor@westbridge-infolaw.example",
            "comment": (
                "Selective copyright enforcement is a well-documented tactic, and "
                "companies can refuse to take part in it."
            ),
            "public": True,
        },
        {
            "organisation": "Pixelwright Studio",
            "website": "https://pixelwright.example",
            "country": "PL",
            "kind": "company",
            "contact_name": "Magdalena Nowak",
            "contact_role": "Chief Executive",
            "contact_email": "magda.nowak@pixelwright.example",
            "comment": (
                "As software developers ourselves, we believe licence enforcement must "
                "never serve political ends."
            ),
            "public": True,
        },
        {
            "organisation": "Yerevan Legal Aid Circle",
            "website": "https://yerevan-legal-aid.example",
            "country": "AM",
            "kind": "ngo",
            "contact_name": "Armen Petrosyan",
            "contact_role": "Staff lawyer",
            "contact_email": "a.petrosyan@mail.example",
            "comment": "",
            "public": False,
        },
        {
            "organisation": "Almaty Open Data Collective",
            "website": "https://almaty-opendata.example",
            "country": "KZ",
            "kind": "other",
            "contact_name": "Dana Omarova",
            "contact_role": "Coordinator",
            "contact_email": "d.omarova@securemail.example",
            "comment": "",
            "public": False,
        },
    ],
    "keep-independent-media-connected": [
        {
            "organisation": "The Northern Dispatch",
            "website": "https://northern-dispatch.example",
            "country": "LV",
            "kind": "media",
            "contact_name": "Daria Lenz",
            "contact_role": "Editor-in-chief",
            "contact_email": "daria.lenz@northern-dispatch.example",
            "comment": "Our readers at home depend on tools we can no longer pay for.",
            "public": True,
        },
        {
            "organisation": "Radio Svitanok",
            "website": "https://svitanok-radio.example",
            "country": "UA",
            "kind": "media",
            "contact_name": "Iryna Kovalenko",
            "contact_role": "Managing editor",
            "contact_email": "svitanok.newsroom@mail.example",
            "comment": "Інформаційна ізоляція — найкращий союзник будь-якої диктатури.",
            "public": True,
        },
        {
            "organisation": "Kaunas Independent Review",
            "website": "https://kaunas-review.example",
            "country": "LT",
            "kind": "media",
            "contact_name": "Tomas Jankauskas",
            "contact_role": "Publisher",
            "contact_email": "tomas.jankauskas@mail.example",
            "comment": "",
            "public": True,
        },
        {
            "organisation": "Moldova Media Watch",
            "website": "https://md-mediawatch.example",
            "country": "MD",
            "kind": "ngo",
            "contact_name": "Ana Rusu",
            "contact_role": "Programme director",
            "contact_email": "ana.rusu@md-mediawatch.example",
            "comment": "",
            "public": True,
        },
        {
            "organisation": "Fonds de solidarité des reporters",
            "website": "https://solidarite-reporters.example",
            "country": "FR",
            "kind": "ngo",
            "contact_name": "Camille Laurent",
            "contact_role": "Secretary-general",
            "contact_email": "c.laurent@solidarite-reporters.example",
            "comment": (
                "Cutting off readers does nothing to weaken a regime; it only weakens "
                "its critics."
            ),
            "public": True,
        },
        {
            "organisation": "Independent Journalists' Trade Union of Warsaw",
            "website": "https://ijtu-warsaw.example",
            "country": "PL",
            "kind": "union",
            "contact_name": "Piotr Zieliński",
            "contact_role": "Chair",
            "contact_email": "piotr.zielinski@post.example",
            "comment": "",
            "public": True,
        },
        {
            "organisation": (
                "Media Innovation Lab, Rheinau University of Applied Sciences"
            ),
            "website": "https://medialab-rheinau.example",
            "country": "DE",
            "kind": "academic",
            "contact_name": "Prof. Sabine Keller",
            "contact_role": "Head of the lab",
            "contact_email": "s.keller@medialab-rheinau.example",
            "comment": (
                "Wer Nutzer abschaltet, überlässt das Feld der Staatspropaganda."
            ),
            "public": True,
        },
        {
            "organisation": "Quillpost",
            "website": "https://quillpost.example",
            "country": "US",
            "kind": "company",
            "contact_name": "Jordan Ellis",
            "contact_role": "Head of Trust and Safety",
            "contact_email": "jordan.ellis@quillpost.example",
            "comment": (
                "As a newsletter platform, we see every week how payment blocks cut "
                "writers off from their readers."
            ),
            "public": True,
        },
        {
            "organisation": "Steppe Voices",
            "website": "https://steppe-voices.example",
            "country": "KZ",
            "kind": "media",
            "contact_name": "Aigerim Sadykova",
            "contact_role": "Editor",
            "contact_email": "editor.sv@mail.example",
            "comment": "",
            "public": False,
        },
        {
            "organisation": "Mountain Letter",
            "website": "https://mountain-letter.example",
            "country": "GE",
            "kind": "media",
            "contact_name": "Nika Gelashvili",
            "contact_role": "Co-founder",
            "contact_email": "n.gelashvili@securemail.example",
            "comment": "",
            "public": False,
        },
    ],
}
