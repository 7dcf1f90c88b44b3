"""A large closed workshop, built fast, for the benchmarks of what is made after the room
(the JSON archive here; the action plan's PDF and exports can use the same builder).

    .venv/bin/python benchmarks/large_workshop.py [--runs 3] [--keep FILE.json]

`build_large_workshop(app) -> workshop id` writes, with bulk inserts (a fixture, not a
product path), what a big seminar leaves once closed: 200 participants over 4 profiles;
500 contributions (ideas, experiences, good practices) over 12 themes, a few merged and
one hidden; everyone's 3 dots; 5 confirmed priorities, each with a working group of 40
members and a rapporteur, 10 objectives, 15 actors and 20 actions (objectives served,
a lead and partners among the group's actors, deadlines over the 12 months after the
seminar, expected results, resources) and its three syntheses; accepted synergies
across groups, proposals from phones, 10 shared actions, 8 success factors with their
endorsements, 6 immediate measures, 12 members of the steering committee; the workshop
closed. Texts are generated from word lists (seeded: the same workshop every run), in
French and English, and the fifth group works in Arabic. Every row keeps the rules the
capabilities apply (lengths, an action's actors and objectives on its own group's
board, deadlines not before the seminar, one dot per theme), so the app's own snapshot
and plan code read it as they read a real room.

Run as a script, it builds the workshop in a temporary SQLite file (in process, no
network), checks that a console snapshot of it builds, then times the JSON export
(export_workshop + dumps), and the import of that file (read, check, write the copy),
`--runs` times each, wall-clock and CPU, and prints the figures (docs/performance.md,
"Workshop archive"). `--stress` also imports a file near the import's limits, made from
the large workshop's: 25 times its participants (5,000, the most a file may hold) with
their dots, 40 times its cards (20,000, the most).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("FACILITATOR_INSTANCE", tempfile.mkdtemp(prefix="large-"))

OWNER_EMAIL, OWNER_PASSWORD = "large@example.org", "large-workshop"
SEMINAR_DAY = date(2026, 3, 12)

PROFILES = ["Agence de promotion des investissements", "Chambre de commerce",
            "Ministère", "Membre de la diaspora"]
FIRST = ("Amina Youssef Karim Fatou Moussa Leila Omar Aïcha Mamadou Nadia Samir Awa Hicham "
         "Mariam Ibrahima Salma Rachid Khadija Ousmane Yasmine Cheikh Rania Tarek Aminata "
         "Mehdi Sophie Jean Claire Paul Hélène Thomas Inès Julien Nour Georges Maya Sara "
         "Adama Bineta Lina").split()
LAST = ("Benali Diallo Haddad Traoré Nassar Ndiaye El Amrani Keita Khoury Sow Mansour "
        "Cissé Bennani Diop Saadeh Touré Chraïbi Ba Farhat Camara Martin Dubois Lefèvre "
        "Moreau Rizk Fofana Ouédraogo Tazi Mbaye Aoun Kane Idrissi Gueye Sleiman").split()
ORGANISATIONS = [
    ["AMDIE", "APIX Sénégal", "API Côte d'Ivoire", "IDAL", "FIPA Tunisie", "ANDI Algérie"],
    ["CCI Casablanca-Settat", "CCI de Dakar", "CCIA-BML", "CCI France International",
     "Chambre de commerce d'Abidjan", "CCI Tunis"],
    ["Ministère de l'Économie", "Ministère des Affaires étrangères",
     "Ministère chargé des Marocains résidant à l'étranger", "Ministère de l'Industrie",
     "Ministry of Trade", "Ministère des Finances"],
    ["Réseau des compétences, Paris", "Diaspora investor, Montréal",
     "Entrepreneur, Bruxelles", "Engineer, Dubai", "Diaspora network, Abidjan",
     "Consultant, London", "Startup founder, Lyon", "Business angel, Genève"],
]
COUNTRIES = ["Maroc", "Sénégal", "Côte d'Ivoire", "Liban", "Tunisie", "Irlande", "Mexique",
             "Inde", "France", "Ecosse", "Israël", "Philippines", "Chili", "Ghana", ""]
THEMES = [
    ("Cadre incitatif pour la diaspora", "Incitations, procédures simples et un seul "
     "interlocuteur pour les investisseurs de la diaspora."),
    ("Partenariats locaux et internationaux", "Agences, chambres, ministères et réseaux à "
     "l'étranger qui agissent ensemble."),
    ("Connaître la diaspora", "Qui est la diaspora économique, où elle vit, ce qu'elle attend."),
    ("Communication et success stories", "Montrer ce qui marche, au pays et à l'étranger."),
    ("Mise en relation", "Mentors, experts et investisseurs de la diaspora rencontrent les "
     "projets locaux."),
    ("Accès au financement", "Garanties, co-investissement et fonds pour les projets "
     "soutenus par la diaspora."),
    ("Retour des talents", "Faciliter le retour temporaire ou durable des compétences."),
    ("Régions et territoires", "Investir hors de la capitale, avec les régions."),
    ("Transferts et épargne", "Orienter l'épargne de la diaspora vers l'investissement."),
    ("Formation et jeunesse", "Les jeunes entrepreneurs et les universités."),
    ("Numérique", "Des services en ligne pour les démarches depuis l'étranger."),
    ("Suivi et évaluation", "Mesurer ce que la stratégie change."),
]
PRIORITY_THEMES = [0, 1, 2, 4, 5]  # the five confirmed (ranked by their dots)

FR_VERBS = ["Créer", "Mettre en place", "Lancer", "Renforcer", "Simplifier", "Développer",
            "Organiser", "Soutenir", "Financer", "Animer", "Cartographier", "Promouvoir"]
FR_OBJECTS = ["un guichet unique pour les investisseurs de la diaspora",
              "un réseau de mentors installés à l'étranger",
              "une plateforme de mise en relation en ligne",
              "un fonds de co-investissement avec les banques locales",
              "une base de données des compétences de la diaspora",
              "des missions économiques conjointes des chambres",
              "un programme de retour temporaire des talents",
              "un label pour les entreprises créées par la diaspora",
              "des incubateurs régionaux ouverts aux porteurs de projet",
              "une enquête annuelle sur les attentes de la diaspora",
              "une campagne de success stories en vidéo",
              "des procédures d'immatriculation à distance",
              "un prix annuel de l'investisseur de la diaspora",
              "des bourses pour les étudiants qui reviennent"]
FR_COMPLEMENTS = ["dans les régions", "avec les chambres de commerce",
                  "en lien avec les ambassades et consulats", "d'ici deux ans",
                  "pour les jeunes entrepreneurs", "à l'étranger comme au pays",
                  "avec un suivi trimestriel", "en trois langues", "sur le modèle irlandais",
                  "en partenariat avec les universités"]
EN_VERBS = ["Create", "Set up", "Launch", "Strengthen", "Simplify", "Develop", "Organise",
            "Support", "Fund", "Map", "Promote"]
EN_OBJECTS = ["a one-stop desk for diaspora investors", "a network of mentors abroad",
              "an online matchmaking platform", "a co-investment fund with local banks",
              "a skills database of the diaspora", "joint trade missions of the chambers",
              "a return programme for skilled people", "a yearly diaspora investment award",
              "regional incubators for diaspora-backed projects",
              "a survey of what the diaspora expects", "remote company registration"]
EN_COMPLEMENTS = ["in the regions", "with the chambers of commerce",
                  "through the embassies and consulates", "within two years",
                  "for young founders", "at home and abroad", "with quarterly reviews",
                  "in three languages", "on the Irish model"]
AR_VERBS = ["إنشاء", "تطوير", "تعزيز", "إطلاق", "تنظيم", "دعم", "تبسيط", "تمويل"]
AR_OBJECTS = ["منصة رقمية للتواصل مع المغتربين", "شباك موحد للمستثمرين من الجالية",
              "شبكة من الموجهين في الخارج", "صندوق للاستثمار المشترك مع البنوك",
              "قاعدة بيانات لكفاءات الجالية", "بعثات اقتصادية مشتركة مع غرف التجارة",
              "برنامج لعودة الكفاءات", "جائزة سنوية لمستثمري الجالية",
              "حاضنات أعمال في المناطق"]
AR_COMPLEMENTS = ["في المناطق", "مع غرف التجارة", "بالتعاون مع السفارات والقنصليات",
                  "خلال سنتين", "لفائدة الشباب", "في الداخل والخارج", "مع متابعة فصلية"]
FR_RESULTS = ["{n} investisseurs accompagnés la première année",
              "{n} projets financés en douze mois", "{n} membres inscrits sur la plateforme",
              "un rapport publié et présenté au comité de pilotage",
              "{n} entreprises créées ou reprises", "délai moyen ramené à {n} jours"]
EN_RESULTS = ["{n} investors served in the first year", "{n} projects funded in a year",
              "{n} members signed up", "a report published and presented to the committee"]
AR_RESULTS = ["مرافقة {n} مستثمرا في السنة الأولى", "تمويل {n} مشروعا خلال سنة",
              "تسجيل {n} عضوا في المنصة"]
FR_RESOURCES = ["deux conseillers à temps plein", "un budget de communication",
                "une équipe web pendant trois mois", "un coordinateur à la chambre",
                "des locaux prêtés par la région", "une convention avec les banques",
                "un outil d'enquête et deux chercheurs"]
AR_RESOURCES = ["مستشاران بدوام كامل", "ميزانية للتواصل", "فريق تقني لمدة ثلاثة أشهر",
                "منسق في الغرفة"]
ACTORS = [  # (name, kind, role)
    ("AMDIE", "public", "Porte le guichet des investisseurs"),
    ("APIX Sénégal", "public", "Accompagne les projets de la diaspora"),
    ("CCI Casablanca-Settat", "chamber", "Mobilise ses membres à l'étranger"),
    ("CCI France International", "chamber", "Relaie auprès des chambres à l'étranger"),
    ("Ministère de l'Économie", "public", "Simplifie les procédures"),
    ("Ministère des Affaires étrangères", "public", "Mobilise ambassades et consulats"),
    ("Bpifrance", "international", "Co-finance les projets"),
    ("Banque mondiale", "international", "Appui technique et financier"),
    ("Réseau des compétences", "diaspora", "Mentors et experts à l'étranger"),
    ("Club des investisseurs de la diaspora", "diaspora", "Business angels"),
    ("Université Mohammed V", "other", "Conduit les enquêtes"),
    ("Incubateur régional", "private", "Accueille les porteurs de projet"),
    ("Banques commerciales", "private", "Prêts et garanties"),
    ("Agence régionale de développement", "public", "Relais dans les territoires"),
    ("Médias nationaux", "private", "Diffusent les success stories"),
    ("OCDE", "international", "Comparaisons internationales"),
    ("Fondation pour l'entrepreneuriat", "other", "Bourses et prix"),
]
AR_ACTORS = [
    ("وزارة الخارجية", "public", "تعبئة السفارات والقنصليات"),
    ("غرفة التجارة والصناعة", "chamber", "تعبئة أعضائها في الخارج"),
    ("وكالة ترويج الاستثمار", "public", "الشباك الموحد للمستثمرين"),
    ("شبكة كفاءات الجالية", "diaspora", "موجهون وخبراء في الخارج"),
    ("البنك المركزي", "public", "تنظيم التحويلات"),
    ("الجامعة اللبنانية", "other", "إجراء الدراسات"),
    ("حاضنة الأعمال الإقليمية", "private", "استقبال حاملي المشاريع"),
    ("صندوق الضمان", "public", "ضمان القروض"),
    ("البنوك التجارية", "private", "القروض والضمانات"),
    ("وسائل الإعلام", "private", "نشر قصص النجاح"),
    ("Banque mondiale", "international", "الدعم الفني والمالي"),
    ("OCDE", "international", "مقارنات دولية"),
    ("مجلس رجال الأعمال", "diaspora", "مستثمرون من الجالية"),
    ("الوكالة الجهوية للتنمية", "public", "الربط مع المناطق"),
    ("مؤسسة ريادة الأعمال", "other", "منح وجوائز"),
    ("AMDIE", "public", "الشباك الموحد"),
]


def _sentence(rng: random.Random, language: str, limit: int) -> str:
    verbs, objects, complements = {
        "fr": (FR_VERBS, FR_OBJECTS, FR_COMPLEMENTS),
        "en": (EN_VERBS, EN_OBJECTS, EN_COMPLEMENTS),
        "ar": (AR_VERBS, AR_OBJECTS, AR_COMPLEMENTS)}[language]
    text = f"{rng.choice(verbs)} {rng.choice(objects)} {rng.choice(complements)}"
    if rng.random() < 0.4:
        text += (" و" if language == "ar" else ", ") + rng.choice(complements)
    return text[:limit]


def _idea_text(rng: random.Random) -> str:
    language = "fr" if rng.random() < 0.7 else "en"
    text = _sentence(rng, language, 300)
    if rng.random() < 0.5:  # some people write more
        more = _sentence(rng, language, 180)
        text += (". Par exemple : " if language == "fr" else ". For example: ") + \
            more[0].lower() + more[1:]
    return text + "."


def build_large_workshop(app) -> int:
    """A large closed workshop (see the module's docstring), committed; its id. The owner
    signs in as OWNER_EMAIL / OWNER_PASSWORD."""
    from sqlalchemy import insert

    from facilitator.people import accounts
    from facilitator import joining, workshops
    from facilitator.live import operations
    from facilitator.extensions import db
    from facilitator.models import (Action, Actor, ClosingRecord, CommitteeMember,
                                    GroupSettings, Idea, ImmediateMeasure, Objective,
                                    Participant, SharedAction, StepSettings, SuccessFactor,
                                    Synergy, SynergyProposal, Synthesis, Theme, Vote,
                                    WorkingGroup, Workshop)
    from facilitator.steps.synergies import signature

    rng = random.Random(11)
    with app.app_context():
        owner = accounts.find(OWNER_EMAIL) or operations.run(
            accounts.create_facilitator, OWNER_EMAIL, "Large Workshop", OWNER_PASSWORD)
        workshop = operations.run(workshops.create_workshop, owner, {
            "title": "Mobiliser la diaspora économique : Maghreb, Afrique de l'Ouest et Liban",
            "purpose": "Construire avec les agences, les chambres, les ministères et les "
                       "réseaux de la diaspora une stratégie commune et lancer son plan "
                       "d'action dans le mois.",
            "venue": "Casablanca, Technopark", "date": SEMINAR_DAY,
            "timezone": "Africa/Casablanca", "language": "fr", "priority_count": 5,
            "dots_per_participant": 3, "profiles": PROFILES,
            "partners": ["AMDIE", "APIX", "CCI France International", "OCDE"]})
        wid = workshop.id
        start = datetime(2026, 3, 12, 8, 30)

        def at(minutes: float) -> datetime:
            return start + timedelta(minutes=minutes)

        def bulk(model, rows: list[dict]) -> list[int]:
            if not rows:
                return []
            for row in rows:
                row["workshop_id"] = wid
            return list(db.session.scalars(
                insert(model).returning(model.id, sort_by_parameter_order=True), rows))

        # participants: 200 over 4 profiles, unique rejoin codes
        codes: set[str] = set()
        while len(codes) < 200:
            codes.add(joining.new_code(joining.REJOIN_CODE_LENGTH))
        people = []
        for n, code in enumerate(sorted(codes)):
            profile = n % 4
            people.append({
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "organisation": rng.choice(ORGANISATIONS[profile]),
                "profile": PROFILES[profile], "rejoin_code": code,
                "consented_at": at(n * 0.1), "joined_at": at(n * 0.1)})
        pids = bulk(Participant, people)

        # everyone's three dots, on three different themes: the five priorities get the
        # most, and are confirmed in the order of their dots
        weights = [14 if n in PRIORITY_THEMES else 3 for n in range(12)]
        ballots = []
        for _pid in pids:
            chosen: list[int] = []
            while len(chosen) < 3:
                pick = rng.choices(range(12), weights)[0]
                if pick not in chosen:
                    chosen.append(pick)
            ballots.append(chosen)
        dots = [sum(t in ballot for ballot in ballots) for t in range(12)]
        ranked = sorted(PRIORITY_THEMES, key=lambda t: -dots[t])
        tids = bulk(Theme, [{"title": title, "description": description, "position": n + 1,
                             "confirmed_rank": ranked.index(n) + 1 if n in ranked else None,
                             "created_at": at(60 + n)}
                            for n, (title, description) in enumerate(THEMES)])

        # 500 cards, by up to 40 people each; a few merged, one hidden
        cards = []
        for n in range(500):
            cards.append({
                "participant_id": pids[rng.randrange(200)], "text": _idea_text(rng),
                "kind": rng.choices(["idea", "experience", "practice"], [6, 2, 2])[0],
                "origin": rng.choice(COUNTRIES), "hidden": n == 137, "withdrawn": False,
                "extra_authors": [], "merged_texts": [], "theme_id": tids[n % 12],
                "created_at": at(10 + n * 0.08), "updated_at": at(10 + n * 0.08)})
        iids = bulk(Idea, cards)
        for kept in range(5):  # near-duplicates merged by the facilitators
            into, source = iids[kept * 20], iids[kept * 20 + 12]
            db.session.execute(Idea.__table__.update().where(Idea.id == source)
                               .values(merged_into_id=into))
            db.session.execute(Idea.__table__.update().where(Idea.id == into).values(
                extra_authors=[cards[kept * 20 + 12]["participant_id"]],
                merged_texts=[cards[kept * 20 + 12]["text"]]))

        bulk(Vote, [{"participant_id": pid, "theme_id": tids[t], "count": 1,
                     "created_at": at(120 + n * 0.05)}
                    for n, (pid, ballot) in enumerate(zip(pids, ballots)) for t in ballot])
        settings = db.session.get(StepSettings, wid)
        settings.voting_open, settings.votes_revealed, settings.input_locked = \
            False, True, True

        # five working groups of 40, a rapporteur each
        gids = bulk(WorkingGroup, [{"theme_id": tids[t], "retired": False,
                                    "created_at": at(150)} for t in ranked])
        members: dict[int, list[int]] = {g: [] for g in gids}
        for n, pid in enumerate(pids):
            members[gids[n % 5]].append(pid)
        for gid, group_people in members.items():
            db.session.execute(Participant.__table__.update()
                               .where(Participant.id.in_(group_people)).values(group_id=gid))
            db.session.execute(WorkingGroup.__table__.update().where(WorkingGroup.id == gid)
                               .values(rapporteur_id=group_people[0]))
        db.session.add(GroupSettings(workshop_id=wid, mode="balanced", cap=None))

        # each group's board: 10 objectives, 15 actors, 20 actions; the third group
        # writes in English, the fifth in Arabic, the others in French
        actions_by_group: dict[int, list[int]] = {}
        actors_by_group: dict[int, list[dict]] = {}
        for number, gid in enumerate(gids):
            language = "ar" if number == 4 else ("en" if number == 2 else "fr")
            who = members[gid]

            def entry(minute: float, n: int) -> dict:
                author = who[n % len(who)]
                return {"group_id": gid, "author_id": author,
                        "updated_by": f"participant:{author}", "version": 1 + n % 3,
                        "highlighted": n % 4 == 0, "created_at": at(minute),
                        "updated_at": at(minute + 2)}

            oids = bulk(Objective, [{**entry(200 + n, n),
                                     "text": _sentence(rng, language, 300)}
                                    for n in range(10)])
            pool = AR_ACTORS if language == "ar" else ACTORS
            chosen = rng.sample(pool, 15)
            actor_rows = [{**entry(260 + n, n), "name": name, "kind": kind, "role": role}
                          for n, (name, kind, role) in enumerate(chosen)]
            aids = bulk(Actor, actor_rows)
            actors_by_group[gid] = [{"id": i, **row} for i, row in zip(aids, actor_rows)]
            results = {"ar": AR_RESULTS, "en": EN_RESULTS}.get(language, FR_RESULTS)
            resources = AR_RESOURCES if language == "ar" else FR_RESOURCES
            action_rows = []
            for n in range(20):
                lead = rng.choice(aids)
                partners = rng.sample([a for a in aids if a != lead], rng.randint(0, 3))
                action_rows.append({
                    **entry(320 + n, n), "title": _sentence(rng, language, 200),
                    "objective_ids": rng.sample(oids, rng.randint(1, 2)),
                    "lead_actor_id": lead, "partner_ids": partners,
                    "deadline": SEMINAR_DAY + timedelta(days=rng.randint(15, 365)),
                    "expected_result": rng.choice(results).format(n=rng.randint(5, 500)),
                    "resources": rng.choice(resources) if n % 5 else ""})
            actions_by_group[gid] = bulk(Action, action_rows)
            reporter = f"participant:{who[0]}"
            bulk(Synthesis, [{"group_id": gid, "substep": substep,
                              "text": ". ".join(_sentence(rng, language, 200)
                                                for _ in range(3)) + ".",
                              "updated_by": reporter, "updated_at": at(400 + k * 30)}
                             for k, substep in enumerate(("objectives", "actors",
                                                          "actions"))])

        # Step 4: synergies across groups (an actor named by several groups, actions
        # that go together), proposals from phones, the shared action plan
        synergy_rows = []
        for n in range(6):
            a, b = rng.sample(gids, 2)
            entries = [{"kind": "action", "id": rng.choice(actions_by_group[g]),
                        "group_id": g} for g in (a, b)]
            synergy_rows.append({
                "status": "accepted" if n < 5 else "rejected",
                "kind": "similar_action" if n % 2 else "manual",
                "title": f"Synergie {n + 1} : {_sentence(rng, 'fr', 120)}",
                "note": "", "entries": entries, "group_ids": sorted({a, b}),
                "signature": signature(entries), "updated_by": f"facilitator:{owner.id}",
                "created_at": at(500 + n), "updated_at": at(500 + n)})
        sids = bulk(Synergy, synergy_rows)
        bulk(SynergyProposal, [{"author_id": pids[n * 7], "text": _sentence(rng, "fr", 300),
                                "group_ids": rng.sample(gids, 2),
                                "status": ("accepted", "dismissed", "pending")[n % 3],
                                "synergy_id": sids[n] if n % 3 == 0 else None,
                                "created_at": at(480 + n)} for n in range(6)])
        shared = []
        for n in range(10):
            served = rng.sample(range(5), rng.randint(2, 3))
            shared.append({
                "title": _sentence(rng, "fr", 200),
                "description": f"{_sentence(rng, 'fr', 300)}. {_sentence(rng, 'en', 300)}.",
                "theme_ids": [tids[ranked[i]] for i in served],
                "lead": rng.choice(ACTORS)[0],
                "partners": [name for name, _k, _r in rng.sample(ACTORS, 3)],
                "deadline": SEMINAR_DAY + timedelta(days=rng.randint(30, 365)),
                "expected_result": rng.choice(FR_RESULTS).format(n=rng.randint(10, 300)),
                "action_ids": [rng.choice(actions_by_group[gids[i]]) for i in served],
                "synergy_id": sids[n] if n < 5 else None, "version": 1 + n % 2,
                "updated_by": f"facilitator:{owner.id}", "created_at": at(540 + n),
                "updated_at": at(545 + n)})
        bulk(SharedAction, shared)

        # closing: success factors and their endorsements, immediate measures, the
        # open steering committee, and the workshop closed
        factors = ["Un coordinateur dédié pendant deux ans", "Un budget voté dès cette année",
                   "Des réunions mensuelles du comité de pilotage",
                   "Associer les régions dès le départ", "A single contact point abroad",
                   "Mesurer et publier les résultats chaque trimestre",
                   "قيادة سياسية واضحة", "Faire confiance aux réseaux de la diaspora"]
        bulk(SuccessFactor, [{"text": text, "author_id": pids[n * 11] if n % 4 else None,
                              "endorsements": sorted(rng.sample(pids, rng.randint(5, 60))),
                              "created_at": at(600 + n)} for n, text in enumerate(factors)])
        measures = [("Envoyer le plan d'action aux ministres", "AMDIE"),
                    ("Première réunion du comité de pilotage", "CCI Casablanca-Settat"),
                    ("Publier la synthèse en trois langues", "Ministère des Affaires étrangères"),
                    ("Ouvrir l'inscription sur la plateforme", "Réseau des compétences"),
                    ("Lancer l'enquête auprès de la diaspora", "Université Mohammed V"),
                    ("تعيين منسق للجنة", "وزارة الخارجية")]
        bulk(ImmediateMeasure, [{"text": text, "owner": who_, "version": 1,
                                 "due": SEMINAR_DAY + timedelta(days=7 + 4 * n),
                                 "updated_by": f"facilitator:{owner.id}",
                                 "created_at": at(620 + n)}
                                for n, (text, who_) in enumerate(measures)])
        committee = rng.sample(pids, 12)
        bulk(CommitteeMember, [{"participant_id": pid,
                                "role": rng.choice(["Lien avec les chambres",
                                                    "Suivi des actions", "Link with the "
                                                    "diaspora networks", "Communication",
                                                    "التنسيق مع الوزارات"]),
                                "email": f"comite{n + 1}@example.org",
                                "consented_at": at(640 + n)}
                               for n, pid in enumerate(committee)])
        closed = at(700)
        bulk(ClosingRecord, [{"kind": "closed", "operation": "", "fields": {},
                              "actor": f"facilitator:{owner.id}", "at": closed}])
        row = db.session.get(Workshop, wid)
        row.stage, row.stage_started_at, row.closed_at = "closing", at(590), closed
        row.joining_open = False
        db.session.commit()
        return wid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="write the exported file here too")
    parser.add_argument("--stress", action="store_true",
                        help="also import a file of 5,000 participants and 20,000 cards")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    import harness
    from facilitator.people import accounts
    from facilitator import archive, create_app, workshops
    from facilitator.extensions import db
    from facilitator.models import Workshop
    from facilitator.snapshot import snapshot

    folder = tempfile.mkdtemp(prefix="large-workshop-")
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/large.sqlite")
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    workshop_id = build_large_workshop(app)
    built = time.perf_counter() - started
    print(f"# {harness.machine_line()}\n# {harness.command_line()}\n# {harness.git_head()}")
    print(f"workshop {workshop_id} built in {built:.2f} s")
    with app.app_context(), app.test_request_context():
        owner = accounts.find(OWNER_EMAIL)
        workshop = db.session.get(Workshop, workshop_id)
        started = time.perf_counter()
        state = snapshot(workshops.viewer_for(workshop, owner))
        print(f"console snapshot: {(time.perf_counter() - started) * 1000:.0f} ms, "
              f"{len(state['participants']['list'])} participants, "
              f"{len(state['ideas']['list'])} cards, {len(state['groups']['list'])} groups")
        db.session.remove()

    exports, imports = [], []
    for _run in range(args.runs):
        with app.app_context():
            exports.append(_timed(lambda: archive.dumps(archive.export_workshop(workshop_id))))
            raw = archive.dumps(archive.export_workshop(workshop_id))
            db.session.remove()
        with app.app_context():
            owner = accounts.find(OWNER_EMAIL)
            imports.append(_timed(lambda: archive.import_workshop(archive.read_archive(raw),
                                                                  owner)))
            db.session.remove()
    with app.app_context():
        copy_id = db.session.scalar(select(func.max(Workshop.id)))
        again = archive.export_workshop(copy_id)
        original = archive.export_workshop(workshop_id)
        same = all(len(again[t.key]) == len(original[t.key]) for t in archive.TABLES)
        rows = sum(len(original[t.key]) for t in archive.TABLES)
    if args.keep:
        Path(args.keep).write_bytes(raw)
    print(f"file: {len(raw) / 1024:.0f} KiB ({len(raw):,} bytes), {rows:,} rows")
    print(f"export (export_workshop + dumps): {_figures(exports)} over {args.runs} runs")
    print(f"import (read, check, write the copy): {_figures(imports)} over {args.runs} runs")
    print(f"the copy holds as many rows of each table: {same}")
    if args.stress:
        big = archive.dumps(stress_document(original))
        with app.app_context():
            owner = accounts.find(OWNER_EMAIL)
            timing = _timed(lambda: archive.import_workshop(archive.read_archive(big), owner))
            copy_id = db.session.scalar(select(func.max(Workshop.id)))
            started = time.perf_counter()
            archive.dumps(archive.export_workshop(copy_id))
            exported = time.perf_counter() - started
        print(f"stress file: {len(big) / 1024 / 1024:.1f} MiB; import {_figures([timing])}; "
              f"its export {exported * 1000:.0f} ms")


def _timed(work) -> tuple[float, float]:
    """(wall-clock, CPU) seconds: the machine may be shared, the CPU time is the cost."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _figures(timings: list[tuple[float, float]]) -> str:
    wall = [w * 1000 for w, _c in timings]
    cpu = [c * 1000 for _w, c in timings]
    return (f"wall median {statistics.median(wall):.0f} ms (min {min(wall):.0f}, max "
            f"{max(wall):.0f}), CPU median {statistics.median(cpu):.0f} ms")


def stress_document(data: dict, people: int = 25, cards: int = 40) -> dict:
    """The large workshop's document grown to the import's limits: its participants
    `people` times (with their dots), its cards `cards` times, under new ids."""
    data = {**data}
    base = {key: max((row["id"] for row in data[key]), default=0)
            for key in ("participants", "ideas")}
    participants, votes = [], []
    for n in range(people):
        shift = n * base["participants"]
        participants += [{**p, "id": p["id"] + shift} for p in data["participants"]]
        votes += [{**v, "id": v["id"] + n * 10**6, "participant_id": v["participant_id"] + shift}
                  for v in data["votes"]]
    ideas = []
    for n in range(cards):
        shift, who = n * base["ideas"], (n % people) * base["participants"]
        ideas += [{**i, "id": i["id"] + shift,
                   "participant_id": i["participant_id"] and i["participant_id"] + who,
                   "extra_authors": [a + who for a in i["extra_authors"]],
                   "merged_into_id": i["merged_into_id"] and i["merged_into_id"] + shift}
                  for i in data["ideas"]]
    data.update(participants=participants, votes=votes, ideas=ideas)
    return data


if __name__ == "__main__":
    main()
