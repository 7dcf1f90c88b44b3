"""A whole seminar in each of the three languages, in Debian's Chromium against the real
server (the "done when" of the issue): the owner creates the workshop through the form
while their console speaks another language, and the projector opened beside it speaks
the workshop's; a co-facilitator invited through the team page opens the link in a
browser of their own, chooses a name and a password, lands in the console and moves the
room, which the projector follows; phones in French, English and Arabic join through the
join link, more participants through the live protocol (tests/clients.py); step 3 starts
with its groups formed (each phone shows its group at the top, the projector names by
group, nobody asks for balanced groups); and at every stage, from the welcome to the
closed workshop, the projector (1920×1080 and 1280×720) and every phone pass the fit
check and axe (no serious or critical finding), with no script error and no CSP
violation on any page.

Most of the room's content goes through protocol clients, as phones and a console would
send it, so that the browsers spend their time looking. Screenshots are kept in
test-artifacts/ (seminar-<lang>-<stage>-*.png)."""
from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.clients import Live, join as join_by_http, sign_in
from tests.support import ARTIFACTS, OVERFLOW, PHONE, PHONE_FIT, axe_problems, sign_in_page

pytestmark = [pytest.mark.live, pytest.mark.browser]
WAIT = 20_000
# the workshop's language -> its owner's console, and the co-facilitator's browser
CONSOLE = {"fr": "en", "en": "ar", "ar": "fr"}
COFACILITATOR = {"fr": "ar", "en": "fr", "ar": "en"}
LOCALES = {"fr": "fr-FR", "en": "en-GB", "ar": "ar-LB"}
# the people on phones in a browser, one per language, and their cards
PHONE_NAMES = {"fr": "Claire Dubois", "en": "Sam Carter", "ar": "رنا حداد"}
PHONE_CARDS = {"fr": "Un guichet unique pour les investisseurs de la diaspora",
               "en": "A mentoring programme linking young founders with diaspora experts",
               "ar": "قاعدة بيانات لكفاءات المغتربين حسب القطاع والبلد"}
ORGANISATIONS = ["IDAL", "CCIA-BML", "Berytech", "LIBC", "Kafalat", "Zoomal"]
# The screens shot at every stage; phones only at these (and at any stage that fails).
PHONE_SHOTS = {"welcome", "vote", "objectives", "actions", "shared_plan", "closed"}

# the page shows this stage's title, as its own language writes it (the live config
# hands every page the method's stages in its language)
AT_STAGE = """(key) => {
  const config = JSON.parse(document.getElementById("live-config").textContent);
  const stage = config.stages.find((s) => s.key === key);
  const shown = document.querySelector("[data-stage-title]");
  return Boolean(stage && shown && shown.textContent.trim() === stage.title.trim());
}"""
MAP_SHOWS = """(title) => {
  const squeeze = (text) => text.replace(/\\s+/g, "");
  const map = document.querySelector("[data-p4-map] svg.synergy-map");
  return Boolean(map) && squeeze(map.textContent).includes(squeeze(title));
}"""
SHOWN_CARDS = """() => [...document.querySelectorAll("main section.card")]
  .filter((node) => node.getClientRects().length)
  .map((node) => [...node.classList].filter((name) => name !== "card").join(" "))"""
CSP_WATCH = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"""

SEMINARS = {
    "en": {
        "title": "Engaging the economic diaspora: Lebanon",
        "people": ["Karim Nassar", "Maya Khoury", "Omar Itani", "Joelle Rizk", "Elie Gemayel",
                   "Nour Barakat"],
        "cards": ["A one-stop shop at IDAL for diaspora investors: one contact person from the "
                  "first call to the last permit.",
                  "Twin the Lebanese chambers with the Lebanese business councils abroad.",
                  "Build a database of the economic diaspora, with each person's consent.",
                  "A campaign of success stories told in short videos.",
                  "Let Lebanese abroad register a company online and sign at the embassy.",
                  "Mexico's Institute for Mexicans Abroad surveys its diaspora every year."],
        "themes": [("Framework that attracts the diaspora",
                    "Incentives, procedures and rules that make investing at home easy."),
                   ("Local and international partnerships",
                    "Agencies, chambers, ministries and networks abroad acting together."),
                   ("Data on the diaspora's profiles",
                    "Who the economic diaspora is, where, and what it expects."),
                   ("Communication and success stories",
                    "Showing what works, in Lebanon and abroad.")],
        "boards": [
            {"objectives": ["One contact point for every diaspora investor and founder",
                            "Investment procedures a diaspora investor can follow from abroad"],
             "actors": [("IDAL", "public", "Runs the one-stop desk for investors"),
                        ("Ministry of Economy", "public", "Simplifies the procedures"),
                        ("CCIA-BML", "chamber", "Brings its members' experience of the rules")],
             "actions": [("Open a one-stop desk for diaspora investors at IDAL", [0, 1], 0, [1, 2],
                          56, "150 investors served in a year"),
                         ("Publish every investment procedure online in three languages", [1], 1,
                          [0], 72, "The ten most used procedures online")],
             "synthesis": ["One contact point, and procedures that work from abroad.",
                           "IDAL leads, with the ministry and the chamber.",
                           "A one-stop desk by mid-December, the procedures online by year end."]},
            {"objectives": ["One coordination platform for every actor working with the diaspora",
                            "Campaigns that show the projects that succeeded"],
             "actors": [("CCIA-BML", "chamber", "Hosts the coordination platform"),
                        ("LIBC", "diaspora", "Lebanese business councils abroad"),
                        ("Ministry of Foreign Affairs and Emigrants", "public",
                         "Reaches the embassies and consulates")],
             "actions": [("Launch the coordination platform hosted by the chamber", [0], 0, [1, 2],
                          41, "Every actor signed up and meeting monthly"),
                         ("Run a campaign of ten success stories abroad", [1], 1, [2],
                          72, "Ten stories told in five countries")],
             "synthesis": ["Coordinate everyone, and show what works.",
                           "The chamber hosts the platform with the business councils.",
                           "The platform by the end of November, the campaign by year end."]},
            {"objectives": ["Know who the economic diaspora is, where it lives, what it does",
                            "Know what the diaspora expects from Lebanon"],
             "actors": [("Ministry of Foreign Affairs and Emigrants", "public",
                         "Collects the consulates' registers"),
                        ("Lebanese American University", "other", "Designs the survey"),
                        ("CCIA-BML", "chamber", "Shares its members abroad")],
             "actions": [("Survey the economic diaspora in five countries", [0, 1], 1, [2],
                          61, "2,000 answers analysed"),
                         ("Build one database from the consulates' registers", [0], 0, [],
                          72, "A database the agencies can query")],
             "synthesis": ["Know the diaspora and its expectations before acting.",
                           "The ministry and a university, with the chamber's members.",
                           "A survey by 20 December and one database by year end."]},
        ],
        "synergy": "One platform for investors and partners, hosted by the chamber",
        "proposal": "The survey and the campaign could share the embassies' contacts",
        "shared": [("One coordination platform hosted by the chamber of commerce",
                    "Every agency, chamber and ministry meets in one place with one agenda.",
                    "CCIA-BML", ["IDAL", "LIBC"], 41,
                    "Every actor signed up; a monthly meeting"),
                   ("A survey and a campaign through the embassies",
                    "The consulates reach the diaspora for the survey and tell its stories.",
                    "Ministry of Foreign Affairs and Emigrants",
                    ["Lebanese American University"], 103,
                    "2,000 answers and ten stories")],
        "factors": ["A coordinator paid for two years at the chamber",
                    "The ministries take part from the start"],
        "measures": [("Send the action plan to the ministers and partners", "IDAL", 7),
                     ("Convene the platform's first meeting", "CCIA-BML", 16)],
        "roles": ["Hosts the platform", "Link with the embassies"],
    },
    "fr": {
        "title": "Mobiliser la diaspora économique : Liban",
        "people": ["Karim Nassar", "Maya Khoury", "Omar Itani", "Joëlle Rizk", "Élie Gemayel",
                   "Nour Barakat"],
        "cards": ["Un guichet unique à l'IDAL pour les investisseurs de la diaspora : un seul "
                  "interlocuteur du premier appel au dernier permis.",
                  "Jumeler les chambres libanaises avec les conseils d'affaires libanais à "
                  "l'étranger.",
                  "Une base de données de la diaspora économique, avec le consentement de chacun.",
                  "Une campagne de réussites racontées en courtes vidéos.",
                  "Permettre aux Libanais de l'étranger de créer une société en ligne.",
                  "L'Institut des Mexicains à l'étranger interroge sa diaspora chaque année."],
        "themes": [("Un cadre qui attire la diaspora",
                    "Incitations, procédures et règles qui facilitent l'investissement au pays."),
                   ("Partenariats locaux et internationaux",
                    "Agences, chambres, ministères et réseaux à l'étranger agissant ensemble."),
                   ("Données sur les profils de la diaspora",
                    "Qui est la diaspora économique, où elle vit, ce qu'elle attend."),
                   ("Communication et réussites",
                    "Montrer ce qui marche, au Liban et à l'étranger.")],
        "boards": [
            {"objectives": ["Un interlocuteur unique pour chaque investisseur de la diaspora",
                            "Des démarches qu'un investisseur peut suivre depuis l'étranger"],
             "actors": [("IDAL", "public", "Tient le guichet unique des investisseurs"),
                        ("Ministère de l'Économie", "public", "Simplifie les démarches"),
                        ("CCIA-BML", "chamber", "Apporte l'expérience de ses membres")],
             "actions": [("Ouvrir un guichet unique pour les investisseurs de la diaspora",
                          [0, 1], 0, [1, 2], 56, "150 investisseurs servis en un an"),
                         ("Publier toutes les démarches en ligne en trois langues", [1], 1, [0],
                          72, "Les dix démarches les plus courantes en ligne")],
             "synthesis": ["Un interlocuteur unique et des démarches possibles depuis l'étranger.",
                           "L'IDAL pilote, avec le ministère et la chambre.",
                           "Le guichet mi-décembre, les démarches en ligne d'ici la fin de l'année."]},
            {"objectives": ["Une plateforme de coordination pour tous les acteurs de la diaspora",
                            "Des campagnes qui montrent les projets réussis"],
             "actors": [("CCIA-BML", "chamber", "Accueille la plateforme de coordination"),
                        ("LIBC", "diaspora", "Conseils d'affaires libanais à l'étranger"),
                        ("Ministère des Affaires étrangères et des Émigrés", "public",
                         "Touche les ambassades et les consulats")],
             "actions": [("Lancer la plateforme de coordination accueillie par la chambre", [0], 0,
                          [1, 2], 41, "Tous les acteurs inscrits, une réunion par mois"),
                         ("Mener une campagne de dix réussites à l'étranger", [1], 1, [2],
                          72, "Dix histoires racontées dans cinq pays")],
             "synthesis": ["Coordonner tout le monde et montrer ce qui marche.",
                           "La chambre accueille la plateforme avec les conseils d'affaires.",
                           "La plateforme fin novembre, la campagne d'ici la fin de l'année."]},
            {"objectives": ["Savoir qui est la diaspora économique, où elle vit, ce qu'elle fait",
                            "Savoir ce que la diaspora attend du Liban"],
             "actors": [("Ministère des Affaires étrangères et des Émigrés", "public",
                         "Rassemble les registres des consulats"),
                        ("Université libano-américaine", "other", "Conçoit l'enquête"),
                        ("CCIA-BML", "chamber", "Partage ses membres à l'étranger")],
             "actions": [("Enquêter auprès de la diaspora économique dans cinq pays", [0, 1], 1, [2],
                          61, "2 000 réponses analysées"),
                         ("Construire une base unique à partir des registres des consulats", [0],
                          0, [], 72, "Une base que les agences peuvent interroger")],
             "synthesis": ["Connaître la diaspora et ses attentes avant d'agir.",
                           "Le ministère et une université, avec les membres de la chambre.",
                           "Une enquête d'ici le 20 décembre, une base d'ici la fin de l'année."]},
        ],
        "synergy": "Une plateforme pour les investisseurs et les partenaires, à la chambre",
        "proposal": "L'enquête et la campagne pourraient partager les contacts des ambassades",
        "shared": [("Une plateforme de coordination accueillie par la chambre de commerce",
                    "Agences, chambres et ministères se retrouvent en un lieu, avec un agenda.",
                    "CCIA-BML", ["IDAL", "LIBC"], 41,
                    "Tous les acteurs inscrits ; une réunion par mois"),
                   ("Une enquête et une campagne par les ambassades",
                    "Les consulats joignent la diaspora pour l'enquête et racontent ses réussites.",
                    "Ministère des Affaires étrangères et des Émigrés",
                    ["Université libano-américaine"], 103,
                    "2 000 réponses et dix histoires")],
        "factors": ["Un coordinateur payé deux ans à la chambre",
                    "Les ministères participent dès le début"],
        "measures": [("Envoyer le plan d'action aux ministres et aux partenaires", "IDAL",
                      7),
                     ("Réunir la plateforme pour la première fois", "CCIA-BML", 16)],
        "roles": ["Accueille la plateforme", "Lien avec les ambassades"],
    },
    "ar": {
        "title": "إشراك المغتربين الاقتصاديين: لبنان",
        "people": ["كريم نصار", "مايا خوري", "عمر عيتاني", "Joëlle Rizk", "إيلي الجميّل",
                   "نور بركات"],
        "cards": ["شباك موحّد في إيدال لمستثمري الاغتراب: محاور واحد من الاتصال الأول حتى "
                  "الترخيص الأخير.",
                  "توأمة الغرف اللبنانية مع مجالس الأعمال اللبنانية في الخارج.",
                  "قاعدة بيانات للمغتربين الاقتصاديين بموافقة كل شخص.",
                  "حملة لقصص النجاح تُروى في مقاطع فيديو قصيرة.",
                  "تمكين اللبنانيين في الخارج من تسجيل شركة عبر الإنترنت.",
                  "معهد المكسيكيين في الخارج يستطلع آراء مغتربيه كل عام."],
        "themes": [("إطار جاذب للمغتربين", "حوافز وإجراءات وقواعد تسهّل الاستثمار في الوطن."),
                   ("شراكات محلية ودولية", "وكالات وغرف ووزارات وشبكات في الخارج تعمل معاً."),
                   ("بيانات عن ملامح المغتربين", "من هم المغتربون الاقتصاديون وأين يعيشون وماذا يتوقعون."),
                   ("التواصل وقصص النجاح", "إظهار ما ينجح في لبنان وفي الخارج.")],
        "boards": [
            {"objectives": ["محاور واحد لكل مستثمر ورائد أعمال من المغتربين",
                            "إجراءات استثمار يمكن إنجازها من الخارج"],
             "actors": [("إيدال", "public", "تدير الشباك الموحّد للمستثمرين"),
                        ("وزارة الاقتصاد", "public", "تبسّط الإجراءات"),
                        ("CCIA-BML", "chamber", "تنقل خبرة أعضائها")],
             "actions": [("افتتاح شباك موحّد لمستثمري الاغتراب في إيدال", [0, 1], 0, [1, 2],
                          56, "خدمة 150 مستثمراً في السنة"),
                         ("نشر كل إجراءات الاستثمار عبر الإنترنت بثلاث لغات", [1], 1, [0],
                          72, "الإجراءات العشرة الأكثر استخداماً على الإنترنت")],
             "synthesis": ["محاور واحد وإجراءات تُنجز من الخارج.",
                           "إيدال تقود مع الوزارة والغرفة.",
                           "الشباك في منتصف كانون الأول والإجراءات على الإنترنت قبل نهاية السنة."]},
            {"objectives": ["منصة تنسيق واحدة لكل الجهات العاملة مع المغتربين",
                            "حملات تُظهر المشاريع الناجحة"],
             "actors": [("CCIA-BML", "chamber", "تستضيف منصة التنسيق"),
                        ("LIBC", "diaspora", "مجالس الأعمال اللبنانية في الخارج"),
                        ("وزارة الخارجية والمغتربين", "public", "تصل إلى السفارات والقنصليات")],
             "actions": [("إطلاق منصة التنسيق في الغرفة", [0], 0, [1, 2], 41,
                          "كل الجهات مسجّلة واجتماع شهري"),
                         ("حملة لعشر قصص نجاح في الخارج", [1], 1, [2], 72,
                          "عشر قصص في خمسة بلدان")],
             "synthesis": ["تنسيق الجميع وإظهار ما ينجح.",
                           "الغرفة تستضيف المنصة مع مجالس الأعمال.",
                           "المنصة في نهاية تشرين الثاني والحملة قبل نهاية السنة."]},
            {"objectives": ["معرفة من هم المغتربون الاقتصاديون وأين يعيشون وماذا يعملون",
                            "معرفة ما يتوقعه المغتربون من لبنان"],
             "actors": [("وزارة الخارجية والمغتربين", "public", "تجمع سجلات القنصليات"),
                        ("الجامعة اللبنانية الأميركية", "other", "تصمّم الاستطلاع"),
                        ("CCIA-BML", "chamber", "تشارك أعضاءها في الخارج")],
             "actions": [("استطلاع المغتربين الاقتصاديين في خمسة بلدان", [0, 1], 1, [2],
                          61, "تحليل 2000 إجابة"),
                         ("بناء قاعدة بيانات واحدة من سجلات القنصليات", [0], 0, [],
                          72, "قاعدة تستطيع الوكالات الرجوع إليها")],
             "synthesis": ["معرفة المغتربين وتوقعاتهم قبل العمل.",
                           "الوزارة وجامعة، مع أعضاء الغرفة.",
                           "استطلاع قبل 20 كانون الأول وقاعدة بيانات قبل نهاية السنة."]},
        ],
        "synergy": "منصة واحدة للمستثمرين والشركاء تستضيفها الغرفة",
        "proposal": "يمكن للاستطلاع والحملة أن يتشاركا جهات اتصال السفارات",
        "shared": [("منصة تنسيق واحدة تستضيفها غرفة التجارة",
                    "تلتقي الوكالات والغرف والوزارات في مكان واحد بجدول أعمال واحد.",
                    "CCIA-BML", ["إيدال", "LIBC"], 41, "كل الجهات مسجّلة واجتماع شهري"),
                   ("استطلاع وحملة عبر السفارات",
                    "تصل القنصليات إلى المغتربين للاستطلاع وتروي قصص نجاحهم.",
                    "وزارة الخارجية والمغتربين", ["الجامعة اللبنانية الأميركية"], 103,
                    "2000 إجابة وعشر قصص")],
        "factors": ["منسّق مموَّل لسنتين في الغرفة", "مشاركة الوزارات منذ البداية"],
        "measures": [("إرسال خطة العمل إلى الوزراء والشركاء", "إيدال", 7),
                     ("عقد الاجتماع الأول للمنصة", "CCIA-BML", 16)],
        "roles": ["تستضيف المنصة", "الصلة مع السفارات"],
    },
}


class Room:
    """The browsers of one seminar and what is checked on them."""

    def __init__(self, lang: str):
        self.lang = lang
        self.problems: list[str] = []  # script errors and CSP violations, on any page
        self.projectors: list = []
        self.phones: dict = {}
        self.timings: list[tuple[str, float]] = []
        self.started = time.monotonic()

    def watch(self, page, name: str):
        page.on("console", lambda m: self.problems.append(f"{name}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"{name}: {e}"))
        return page

    def shoot(self, page, stage: str, view: str, full_page: bool = False) -> None:
        page.screenshot(path=str(ARTIFACTS / f"seminar-{self.lang}-{stage}-{view}.png"),
                        full_page=full_page)

    def check(self, stage: str, key: str | None = None) -> None:
        """At this stage (`key`: the method's stage, when `stage` names a moment in it),
        the projector and every phone show it, fit, and axe finds nothing serious."""
        key = key or stage
        found: list[str] = []
        for page in self.projectors:
            width = page.viewport_size["width"]
            page.bring_to_front()  # a page in the background has its frames throttled
            page.wait_for_function(AT_STAGE, arg=key, timeout=WAIT)
            if not fits(page, OVERFLOW):
                found.append(f"projector {width} at {stage}: {page.evaluate(OVERFLOW)}")
            if width == 1920 or found:
                self.shoot(page, stage, "projector" if width == 1920 else f"projector-{width}")
            axe = axe_problems(page)
            if axe:
                found.append(f"axe on the projector {width} at {stage}: {axe}")
        for lang, page in self.phones.items():
            page.bring_to_front()
            page.wait_for_function(AT_STAGE, arg=key, timeout=WAIT)
            if not fits(page, PHONE_FIT):
                found.append(f"phone-{lang} at {stage}: {page.evaluate(PHONE_FIT)}")
            axe = axe_problems(page)
            if axe:
                found.append(f"axe on phone-{lang} at {stage}: {axe}")
            if stage in PHONE_SHOTS or found:
                self.shoot(page, stage, f"phone-{lang}", full_page=True)
        self.timings.append((stage, round(time.monotonic() - self.started, 1)))
        assert not found, "\n".join(found)
        assert not self.problems, "\n".join(self.problems)


def fits(page, check: str) -> bool:
    """The fit check finds nothing, once the page has fitted itself (lists are fitted to
    the screen after each change and again when a font arrives)."""
    try:
        page.wait_for_function(f"() => ({check})().length === 0", polling=100, timeout=3_000)
        return True
    except PlaywrightTimeout:
        return False


def later(days: int) -> str:
    """A deadline this many days after the workshop (made today)."""
    return (date.today() + timedelta(days=days)).isoformat()


def move_to(console, stage_key: str) -> None:
    console.bring_to_front()
    console.click("[data-stage-next]")
    console.locator(f"[data-stage-list] li.current [data-stage={stage_key}]").wait_for(timeout=WAIT)


def ok(ack: dict) -> dict:
    assert ack.get("ok"), ack
    return ack


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_a_whole_seminar(lang, live_server, browser):
    base, content = live_server.url, SEMINARS[lang]
    console_lang, cofacilitator_lang = CONSOLE[lang], COFACILITATOR[lang]
    email, password = f"seminar-{lang}@example.org", f"seminar-{lang}-password"
    live_server.flask("create-facilitator", "--email", email, "--name", "Olfa Ben Salem",
                      "--password", password)
    room = Room(lang)
    contexts, sockets = [], []

    def context(**settings):
        made = browser.new_context(**settings)
        made.add_init_script(CSP_WATCH)
        contexts.append(made)
        return made

    try:
        # --- the owner creates the workshop in its language, from a console in another
        laptop = context(viewport={"width": 1440, "height": 900}, locale=LOCALES[console_lang])
        console = room.watch(laptop.new_page(), "console")
        sign_in_page(console, base, email, password)
        console.goto(f"{base}/workshops/new?lang={console_lang}")
        console.fill("input[name=title]", content["title"])
        console.select_option("select[name=language]", lang)
        console.click("form.form-grid button[type=submit]")
        console.wait_for_url("**/console")
        workshop_id = int(console.url.rstrip("/").split("/")[-2])
        console.locator("[data-connection][data-status=online]").wait_for(timeout=WAIT)
        assert console.locator("html").get_attribute("lang") == console_lang
        for width, height in ((1920, 1080), (1280, 720)):
            page = room.watch(laptop.new_page(), f"projector-{width}")
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{base}/workshops/{workshop_id}/projector")
            page.locator("[data-connection][data-status=online]").wait_for(timeout=WAIT)
            assert page.locator("html").get_attribute("lang") == lang
            assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
            room.projectors.append(page)
        lead = Live(base, sign_in(base, email, password), workshop_id, "console").connect()
        sockets.append(lead)
        state = ok(lead.call("sync", {"since": 0}))["snapshot"]
        code, profiles = state["joining"]["join_code"], state["workshop"]["profiles"]
        assert state["workshop"]["language"] == lang

        # --- a co-facilitator, invited through the team page
        team = room.watch(laptop.new_page(), "team")
        team.goto(f"{base}/workshops/{workshop_id}/edit#team")
        assert team.locator("html").get_attribute("lang") == console_lang
        team.fill("#team input[name=email]", f"cofacilitator-{lang}@example.org")
        team.select_option("#team select[name=role]", "cofacilitator")
        team.click("#team form.inline-form button[type=submit]")
        link = team.locator("#invitation-link")
        link.wait_for(timeout=WAIT)
        link = link.input_value()
        team.close()
        other_laptop = context(viewport={"width": 1440, "height": 900},
                               locale=LOCALES[cofacilitator_lang])
        cofacilitator = room.watch(other_laptop.new_page(), "co-facilitator")
        cofacilitator.goto(link)
        cofacilitator.wait_for_url("**/invitation")
        cofacilitator.fill("input[name=name]", "Karim Haddad")
        cofacilitator.fill("input[name=password]", f"cofacilitator-{lang}-password")
        cofacilitator.click("form button[type=submit]")
        cofacilitator.wait_for_url(f"**/workshops/{workshop_id}/console")
        cofacilitator.locator("[data-connection][data-status=online]").wait_for(timeout=WAIT)
        assert cofacilitator.locator("html").get_attribute("lang") == cofacilitator_lang

        # --- the room joins: three phones in a browser, six more through the protocol
        for phone_lang, name in PHONE_NAMES.items():
            phone = context(**PHONE, locale=LOCALES[phone_lang])
            page = room.watch(phone.new_page(), f"phone-{phone_lang}")
            page.goto(f"{base}/j/{code}")
            assert page.locator("html").get_attribute("lang") == phone_lang
            page.fill("input[name=name]", name)
            page.select_option("select[name=profile]", index=1 + len(room.phones))
            page.check("input[name=consent]")
            page.click("button[type=submit]")
            page.locator("[data-connection][data-status=online]").wait_for(timeout=WAIT)
            room.phones[phone_lang] = page
        people = []
        for n, name in enumerate(content["people"]):
            http = join_by_http(base, code, name, profiles[n % len(profiles)], ORGANISATIONS[n])
            person = Live(base, http, workshop_id, "phone").connect()
            sockets.append(person)
            people.append(person)
        for page in room.projectors:
            page.locator("[data-arrivals]").filter(has_text=content["people"][-1]).wait_for(timeout=WAIT)
        room.check("welcome")

        # --- the co-facilitator opens Step 1; the projector and the phones follow
        cofacilitator.bring_to_front()
        cofacilitator.click("[data-stage-next]")
        cofacilitator.locator("[data-stage-list] li.current [data-stage=ideas]").wait_for(timeout=WAIT)
        for page in room.projectors:
            page.wait_for_function(AT_STAGE, arg="ideas", timeout=WAIT)
        console.locator("[data-stage-list] li.current [data-stage=ideas]").wait_for(timeout=WAIT)
        other_laptop.close()
        contexts.remove(other_laptop)

        for phone_lang, page in room.phones.items():
            page.bring_to_front()
            page.locator("[data-post-form]").wait_for(state="visible", timeout=WAIT)
            page.fill("textarea[name=text]", PHONE_CARDS[phone_lang])
            page.click("[data-post-button]")
            page.locator("[data-my-cards]").filter(has_text=PHONE_CARDS[phone_lang]).wait_for(timeout=WAIT)
        cards = [ok(person.call("idea.post", {"text": text}))["idea"]["id"]
                 for person, text in zip(people, content["cards"])]
        for page in room.projectors:
            page.locator("[data-wall]").filter(has_text=content["cards"][-1][:30]).wait_for(timeout=WAIT)
        room.check("ideas")

        # --- Step 2: themes, the vote, the priorities
        move_to(console, "themes")
        themes = [ok(lead.call("theme.create", {"title": title, "description": description}))["theme"]["id"]
                  for title, description in content["themes"]]
        cards += [card["id"] for card in ok(lead.call("sync", {"since": 0}))["snapshot"]["ideas"]["list"]
                  if card["id"] not in cards]
        for n, card in enumerate(cards):
            ok(lead.call("idea.assign", {"idea_id": card, "theme_id": themes[n % len(themes)]}))
        for page in room.projectors:
            page.locator("[data-board]").filter(has_text=content["themes"][-1][0]).wait_for(timeout=WAIT)
        room.check("themes")

        move_to(console, "vote")
        ok(lead.call("voting.update", {"open": True}))
        for person in people:  # the first three themes win, nine dots each
            for theme in themes[:3]:
                ok(person.call("dot.place", {"theme_id": theme}))
        for page in room.phones.values():
            page.bring_to_front()
            rows = page.locator("[data-vote-list] li")
            for n in range(3):
                rows.nth(n).locator("button:not([disabled])").last.wait_for(timeout=WAIT)
                before = page.inner_text("[data-dots-left]")
                rows.nth(n).locator("button").last.click()
                page.locator("[data-dots-left]").filter(has_not_text=before).wait_for(timeout=WAIT)
        lead.wait_for(lambda e: e["type"] == "votes.updated" and e["data"]["voters"] == 9, timeout=20)
        for page in room.projectors:
            page.locator("[data-turnout]").filter(has_text="9").wait_for(timeout=WAIT)
        room.check("vote")
        ok(lead.call("voting.update", {"revealed": True}))
        ok(lead.call("voting.update", {"open": False}))
        for page in room.projectors:
            page.locator("[data-results] li").nth(3).wait_for(timeout=WAIT)
        room.check("reveal", "vote")

        move_to(console, "confirm")
        room.check("confirm")
        ok(lead.call("priorities.confirm", {"theme_ids": themes[:3]}))
        for page in [*room.projectors, *room.phones.values()]:
            page.locator("[data-confirmed], [data-priorities]").filter(
                has_text=content["themes"][2][0]).first.wait_for(timeout=WAIT)
        room.check("priorities", "confirm")

        # --- Step 3: entering it forms the groups at once (balanced): every phone shows
        # its group at the top, the projector names by group
        move_to(console, "objectives")
        state = ok(lead.call("sync", {"since": 0}))["snapshot"]
        groups = sorted((g for g in state["groups"]["list"] if not g["retired"]), key=lambda g: g["rank"])
        assert [g["title"] for g in groups] == [title for title, _ in content["themes"][:3]]
        assert state["groups"]["settings"]["mode"] == "balanced"
        members = {pid: g for g in groups for pid in g["members"]}
        by_name = {p["name"]: p for p in state["participants"]["list"]}
        assert len(members) == 9 and all(len(g["members"]) == 3 for g in groups)
        for phone_lang, page in room.phones.items():
            group = members[by_name[PHONE_NAMES[phone_lang]]["id"]]
            page.locator("[data-g3-title]").filter(has_text=group["title"]).wait_for(timeout=WAIT)
            # at the top: the first card after the stage's, above the room's priorities
            cards = page.evaluate(SHOWN_CARDS)
            assert cards[:2] == ["phone-stage", "group-card"], cards
        for page in room.projectors:
            page.locator("[data-p3-lineup]").wait_for(state="visible", timeout=WAIT)
            assert page.locator(".lineup3-group").count() == 3
            for person in state["participants"]["list"]:
                page.locator(f"#p3-lineup-{person['group_id']} #p3-member-{person['id']}").filter(
                    has_text=person["name"]).wait_for(timeout=WAIT)
        room.check("objectives")

        # the boards fill (the facilitator writes for each group, as the console does);
        # each sub-step and its plenary
        ids = {g["id"]: {"objectives": [], "actors": []} for g in groups}
        for group, board in zip(groups, content["boards"]):
            for text in board["objectives"]:
                ids[group["id"]]["objectives"].append(ok(lead.call(
                    "objective.add", {"group_id": group["id"], "text": text}))["objective"]["id"])
        for page in room.projectors:
            page.locator("[data-p3-lineup]").wait_for(state="hidden", timeout=WAIT)
            page.locator(".group3-entries").filter(has_text=content["boards"][2]["objectives"][1]).wait_for(
                timeout=WAIT)
        room.check("objectives-boards", "objectives")

        for number, substep in enumerate(("objectives", "actors", "actions")):
            if number:
                move_to(console, substep)
                for group, board in zip(groups, content["boards"]):
                    mine = ids[group["id"]]
                    if substep == "actors":
                        for name, kind, role in board["actors"]:
                            mine["actors"].append(ok(lead.call("actor.add", {
                                "group_id": group["id"], "name": name, "kind": kind, "role": role,
                                "distinct": True}))["actor"]["id"])
                    else:
                        mine["actions"] = [ok(lead.call("action.add", {
                            "group_id": group["id"], "title": title,
                            "objective_ids": [mine["objectives"][i] for i in served],
                            "lead_actor_id": mine["actors"][leader],
                            "partner_ids": [mine["actors"][i] for i in partners],
                            "deadline": later(deadline), "expected_result": result}))["action"]["id"]
                            for title, served, leader, partners, deadline, result in board["actions"]]
                last = content["boards"][2][substep][-1]
                last = last if isinstance(last, str) else last[0]
                for page in room.projectors:
                    page.locator(f"#p3-group-{groups[2]['id']} .group3-entries").filter(
                        has_text=last).wait_for(timeout=WAIT)
                room.check(substep)
            move_to(console, f"{substep}_synthesis")
            for group, board in zip(groups, content["boards"]):
                if number == 0:
                    ok(lead.call("group.rapporteur", {"group_id": group["id"],
                                                      "participant_id": group["members"][0]}))
                ok(lead.call("synthesis.write", {"group_id": group["id"], "substep": substep,
                                                 "text": board["synthesis"][number]}))
            for page in room.projectors:
                page.locator(".group3-synthesis").filter(
                    has_text=content["boards"][2]["synthesis"][number]).wait_for(timeout=WAIT)
            room.check(f"{substep}_synthesis")

        # --- Step 4: a synergy kept, a phone's proposal; the shared plan; the closing
        move_to(console, "synergies")
        synergy = ok(lead.call("synergy.decide", {
            "entries": [{"kind": "action", "id": ids[groups[0]["id"]]["actions"][0]},
                        {"kind": "action", "id": ids[groups[1]["id"]]["actions"][0]}],
            "title": content["synergy"]}))["synergy"]["id"]
        proposer = next(p for p in people if p.call("sync", {"since": 0})["snapshot"]["me"]["id"]
                        in groups[1]["members"] + groups[2]["members"])
        ok(proposer.call("synergy.propose", {"text": content["proposal"],
                                             "group_ids": [groups[1]["id"], groups[2]["id"]]}))
        for page in room.projectors:
            page.locator("[data-p4-synergies]").filter(has_text=content["synergy"]).wait_for(timeout=WAIT)
            # the map is drawn again a moment after the decision, with the synergy on it
            page.wait_for_function(MAP_SHOWS, arg=content["synergy"], timeout=WAIT)
        for page in room.phones.values():
            page.locator("[data-p4-synergies]").filter(has_text=content["synergy"]).wait_for(timeout=WAIT)
        room.check("synergies")

        move_to(console, "shared_plan")
        for n, (title, description, leader, partners, deadline, result) in enumerate(content["shared"]):
            ok(lead.call("shared_action.add", {
                "title": title, "description": description, "lead": leader, "partners": partners,
                "deadline": later(deadline), "expected_result": result,
                "synergy_id": synergy if n == 0 else None,
                "theme_ids": [g["theme_id"] for g in groups[:2]] if n == 0 else None,
                "action_ids": [ids[groups[0]["id"]]["actions"][0], ids[groups[1]["id"]]["actions"][0]]
                if n == 0 else None}))
        factors = [ok(people[n].call("factor.propose", {"text": text}))["factor"]["id"]
                   for n, text in enumerate(content["factors"])]
        for n, person in enumerate(people[2:]):
            ok(person.call("factor.endorse", {"factor_id": factors[n % 2]}))
        for page in [*room.projectors, *room.phones.values()]:
            page.locator("[data-p4-actions]").filter(has_text=content["shared"][-1][0]).wait_for(timeout=WAIT)
            page.locator("[data-p4-factors]").filter(has_text=content["factors"][-1]).wait_for(timeout=WAIT)
        room.check("shared_plan")

        move_to(console, "closing")
        for text, owner, due in content["measures"]:
            ok(lead.call("measure.add", {"text": text, "owner": owner, "due": later(due)}))
        for n, role in enumerate(content["roles"]):
            ok(people[n].call("committee.join", {"role": role, "email": f"member{n}@example.org",
                                                 "consent": True}))
        for page in [*room.projectors, *room.phones.values()]:
            page.locator("[data-p4-measures]").filter(has_text=content["measures"][-1][0]).wait_for(timeout=WAIT)
            page.locator("[data-p4-committee]").filter(has_text=content["people"][1]).wait_for(timeout=WAIT)
        room.check("closing")

        ok(lead.call("workshop.close", {}))
        for page in [*room.projectors, *room.phones.values()]:
            page.locator("[data-p4-closed]").wait_for(state="visible", timeout=WAIT)
        room.check("closed", "closing")
        print(f"\n{lang}: {room.timings}")
    finally:
        for socket in sockets:
            socket.disconnect()
        for made in contexts:
            made.close()
