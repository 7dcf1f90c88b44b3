"""A sample seminar to build on: a diaspora-engagement workshop like the Beirut one.

It goes through the same operations the live app uses (create_workshop, participants.join,
then every live change through `operations.perform` with the `live.OPERATIONS` table and
deterministic op_ids), so what it makes is what a real room would make.

`until` says how far the room goes, each stage filled as the room would fill it:
"welcome" (the participants have joined), "ideas" (about forty cards on the wall, three
near-duplicates merged, one off-topic card hidden), "themes" (six themes, every visible
card under one), "vote" (every participant's three dots placed, not revealed), "confirm"
(totals revealed, the three Lebanese priorities confirmed), "objectives" (three working
groups, everyone placed in one by the balanced assignment on entering Step 3, a
rapporteur each, their objectives and the synthesis of objectives), "actors" (their actors too, one written two ways),
"actions" (their actions with leads, partners and deadlines, and all three syntheses;
the room stands at the actions' plenary), "synergies" (the chamber, named by every group,
accepted as a synergy; the ministry's suggestion and a participant's proposal waiting
for a decision), "shared_plan" (both accepted, three shared actions built from them,
success factors proposed and endorsed from phones), "closing" (immediate measures and a steering committee of four),
"closed" (the workshop closed: phones read only, the plan frozen).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from . import workshops
from .extensions import db
from .live import operations
from .models import Action, Participant, WorkingGroup, Workshop
from .people import accounts, participants
from .snapshot import snapshot
from .steps import priorities
from .viewers import Viewer

TITLE = "Engaging the economic diaspora: Lebanon"
PURPOSE = ("Build, with the agencies, chambers, ministries and networks that support "
           "investment and entrepreneurship, a shared strategy to engage Lebanon's "
           "economic diaspora, and launch its action plan within the month.")
PARTNERS = ["CCIA-BML", "IDAL", "Lebanese Business Network"]

# (name, organisation, profile index in workshops.DEFAULT_PROFILES)
PEOPLE = [
    ("Rania Haddad", "IDAL", 0), ("Karim Nassar", "IDAL", 0),
    ("Maya Khoury", "CCIA-BML", 2), ("Georges Saadeh", "CCIA-BML", 2),
    ("Lina Farhat", "Chamber of Tripoli", 2), ("Omar Itani", "Ministry of Economy", 3),
    ("Nadine Aoun", "Ministry of Foreign Affairs and Emigrants", 3),
    ("Samir Hallak", "Ministry of Foreign Affairs and Emigrants", 3),
    ("Joelle Rizk", "Berytech", 4), ("Fadi Mansour", "Flat6Labs Beirut", 4),
    ("Hala Sleiman", "UK Lebanon Tech Hub", 4), ("Ziad Karam", "Lebanon for Entrepreneurs", 5),
    ("Carla Chamoun", "LIBC", 5), ("Tarek Daou", "Zoomal", 5),
    ("Rita Abi Nader", "Endeavor Lebanon", 5), ("Elie Gemayel", "Diaspora investor, Paris", 6),
    ("Sara Matar", "Diaspora entrepreneur, Montreal", 6),
    ("Walid Hamdan", "Diaspora network, Abidjan", 6),
    ("Nour Barakat", "Diaspora engineer, Dubai", 6),
    ("Antoine Sfeir", "Kafalat", 1), ("Mira Jaber", "Economic development agency of the South", 1),
    ("Youssef Tannous", "Bank of Lebanon, startup unit", 7),
    ("Dalia Makdessi", "Lebanese American University", 7),
    ("Paul Azar", "IDAL", 0), ("Hiba Zein", "Lebanese Franchise Association", 2),
]


UNTIL = ("welcome", "ideas", "themes", "vote", "confirm", "objectives", "actors", "actions",
         "synergies", "shared_plan", "closing", "closed")

# Step 2's themes: key -> (title, description)
THEMES = {
    "framework": ("Framework that attracts the diaspora",
                  "Incentives, procedures and rules that make investing at home easy."),
    "partners": ("Local and international partnerships",
                 "Agencies, chambers, ministries and networks abroad acting together."),
    "data": ("Data on the diaspora's profiles",
             "Who the economic diaspora is, where, and what it expects."),
    "stories": ("Communication and success stories",
                "Showing what works, in Lebanon and abroad."),
    "matchmaking": ("Matchmaking platform",
                    "Diaspora mentors, experts and investors meet local projects."),
    "finance": ("Access to finance",
                "Guarantees, co-investment and funds for diaspora-backed projects."),
}

# Step 1's cards, in the order the room posts them:
# (key, author index in PEOPLE, kind, origin, theme key or None, text)
CARDS = [
    ("one-stop", 1, "idea", "IDAL", "framework",
     "A one-stop shop at IDAL for diaspora investors: one contact person from the first "
     "call to the last permit."),
    ("globalscot", 7, "practice", "Scotland", "partners",
     "GlobalScot: several hundred Scottish business leaders abroad open doors for Scottish "
     "firms. Our embassies could recruit Lebanese business leaders the same way."),
    ("database", 6, "idea", "Ministry of Foreign Affairs and Emigrants", "data",
     "Build a database of the economic diaspora (sector, country, skills, interest in "
     "investing), with each person's consent."),
    ("success-videos", 8, "idea", "Berytech", "stories",
     "A campaign of success stories: diaspora founders who started or invested in Lebanon, "
     "told in short videos."),
    ("connect-ireland", 0, "practice", "Ireland", "framework",
     "Ireland rewards people abroad who introduce a company that then creates jobs at home. "
     "IDAL could pay a similar finder's fee to diaspora introducers."),
    ("mentor-platform", 11, "idea", "Lebanon for Entrepreneurs", "matchmaking",
     "An online platform where diaspora mentors and investors meet Lebanese startups, with "
     "profiles and requests on both sides."),
    ("kafalat", 19, "practice", "Kafalat", "finance",
     "Open Kafalat loan guarantees to projects co-funded by diaspora investors."),
    ("single-window", 23, "idea", "IDAL", None,
     "A single window for diaspora investors, so they do not visit five ministries to "
     "register a company."),
    ("twin-chambers", 2, "idea", "CCIA-BML", "partners",
     "Twin the Lebanese chambers with the Lebanese business councils abroad: a joint "
     "mission every year and one named contact on each side."),
    ("red-talentos", 9, "practice", "Mexico", "data",
     "Mexico's Institute for Mexicans Abroad surveys its diaspora and runs a network of "
     "skilled Mexicans abroad, organised in chapters by country."),
    ("three-for-one", 16, "practice", "Mexico", "finance",
     "Mexico's 3x1 programme: every peso migrant clubs send for a local project is matched "
     "by the municipality, the state and the federal government."),
    ("demo-days", 10, "practice", "UK", "stories",
     "UK Lebanon Tech Hub shows its startups to British Lebanese at demo days in London: "
     "the stories bring mentors and investors."),
    ("online-registration", 5, "idea", "Ministry of Economy", "framework",
     "Let Lebanese abroad register a company online and sign at the embassy instead of "
     "flying home."),
    ("cce", 3, "practice", "France", "partners",
     "France's foreign trade advisers are business people abroad who volunteer to help "
     "French exporters. Our chambers could run a Lebanese equivalent."),
    ("register", 21, "idea", "Lebanon", None,
     "A register of Lebanese professionals abroad by sector and country, shared between "
     "the agencies."),
    ("tie", 9, "practice", "USA", "matchmaking",
     "TiE started in Silicon Valley with Indian diaspora entrepreneurs mentoring newcomers; "
     "a Lebanese chapter model could work the same way."),
    ("french-tech-visa", 15, "experience", "France", "framework",
     "In France a tech visa let me bring two engineers in weeks. Diaspora founders need the "
     "same speed for residence and work permits for their foreign staff."),
    ("charger", 3, "idea", "", None,
     "Does anyone have a phone charger? Table 4, thanks!"),
    ("mdm-invest", 17, "practice", "Morocco", "finance",
     "Morocco co-finances projects created by Moroccans abroad: a grant on top of their "
     "own money and a bank loan."),
    ("regional-chambers", 4, "idea", "Chamber of Tripoli", "partners",
     "Include the regional chambers, not only Beirut: the diaspora from the North wants to "
     "invest in Tripoli."),
    ("ccme", 7, "practice", "Morocco", "data",
     "Morocco's council for its community abroad publishes studies on who the diaspora is "
     "and what it expects from the country."),
    ("media-stories", 14, "idea", "Endeavor Lebanon", None,
     "Showcase successful projects with diaspora investors in the media, at home and "
     "abroad: success stories convince more than brochures."),
    ("minister", 6, "practice", "Ireland", "framework",
     "Ireland named a minister for the diaspora and published a diaspora strategy with a "
     "budget. A named owner makes the framework credible."),
    ("remote-mentoring", 18, "idea", "Dubai", "matchmaking",
     "Let diaspora experts give a few hours of remote mentoring a month to Lebanese "
     "startups, booked online."),
    ("circular-331", 21, "experience", "Banque du Liban", "finance",
     "The central bank's Circular 331 channels bank money into startup funds; diaspora "
     "investors could co-invest alongside those funds."),
    ("survey", 22, "idea", "Lebanese American University", "data",
     "A yearly survey of the diaspora's expectations, run by the universities, so we know "
     "what would make people invest."),
    ("franchise", 24, "idea", "Lebanese Franchise Association", "partners",
     "Connect franchise owners in the diaspora with Lebanese brands that want to export "
     "through franchising."),
    ("lde", 11, "idea", "Lebanon", "stories",
     "Use the Lebanese Diaspora Energy conference to present concrete investment "
     "opportunities, not only speeches."),
    ("tax-incentives", 12, "idea", "LIBC", "framework",
     "Tax incentives for diaspora investment outside Beirut, guaranteed for ten years so "
     "the rules do not change half-way."),
    ("hometown", 20, "idea", "Economic development agency of the South", "partners",
     "Local development agencies should design actions with diaspora hometown "
     "associations, who already fund projects in their villages."),
    ("montreal", 16, "experience", "Canada", "data",
     "Nobody in Lebanon knows I run a company in Montreal. Consulates could map diaspora "
     "entrepreneurs, with their consent, when they renew a passport."),
    ("follow-up", 10, "experience", "UK", "matchmaking",
     "Matchmaking works when someone follows up: in London a coordinator introduces each "
     "startup to two mentors and checks back after a month."),
    ("zoomal", 13, "experience", "Zoomal", "finance",
     "Many backers of our crowdfunding campaigns live abroad: a platform can match "
     "Lebanese projects with diaspora backers."),
    ("courts", 17, "experience", "Côte d'Ivoire", "framework",
     "Lebanese in West Africa would invest at home if contracts were enforced faster: "
     "commercial courts and arbitration are part of the framework."),
    ("gulf-map", 18, "idea", "UAE", "data",
     "Map the Lebanese in the Gulf by sector (engineering, finance, construction): that is "
     "where much of the investment capacity is."),
    ("global-irish-forum", 15, "practice", "Ireland", "stories",
     "Ireland's Global Irish Economic Forum brings diaspora leaders home regularly: an "
     "event and a communication tool at once."),
    ("coordination", 0, "idea", "IDAL", "partners",
     "A committee of agencies, chambers and ministries meeting monthly on diaspora actions, "
     "so we stop duplicating efforts."),
    ("offer-need", 12, "idea", "LIBC", "matchmaking",
     "A participatory online network where diaspora members post what they offer (capital, "
     "contacts, skills) and local firms what they need."),
    ("diaspora-fund", 20, "idea", "Economic development agency of the South", "finance",
     "A diaspora fund or diaspora bonds for regional projects, managed transparently with "
     "a yearly report to investors."),
    ("infrastructure", 23, "experience", "IDAL", "framework",
     "Diaspora investors ask us first about electricity and internet, then about "
     "incentives: infrastructure belongs in the framework discussion."),
    ("sdi-offices", 1, "practice", "Scotland", "partners",
     "Scotland has development staff in the cities where its diaspora lives; IDAL could "
     "place representatives with the business councils in Paris, Abidjan and Dubai."),
    ("alumni", 22, "practice", "USA", "partners",
     "US universities use alumni chapters abroad as partners; Lebanese universities' "
     "alumni networks abroad are an untapped channel."),
    ("trilingual-site", 5, "idea", "Ministry of Economy", "stories",
     "One website in Arabic, English and French listing opportunities, procedures and "
     "contacts for diaspora investors."),
    ("trade-missions", 4, "idea", "Chamber of Tripoli", "partners",
     "Joint missions of chambers and agencies to the diaspora's hubs: West Africa, the "
     "Gulf, Europe and the Americas."),
]

# near-duplicates the facilitator merges: kept card -> cards merged into it
MERGES = {"one-stop": ["single-window"], "database": ["register"],
          "success-videos": ["media-stories"]}
HIDDEN = ["charger"]  # off-topic: off the wall, still on the console

# Dots per theme once everyone has voted (25 participants x 3 dots): the top three are
# the priorities the Lebanese seminar chose, with no tie at the cut-off.
DOTS = {"framework": 18, "partners": 16, "data": 14, "stories": 11, "matchmaking": 9,
        "finance": 7}

# The confirmed priorities, in order: (theme key, final title, one-line description)
PRIORITIES = [
    ("framework", "Improve the framework that attracts the diaspora",
     "Incentives, simple procedures and one contact point for diaspora investors and "
     "founders."),
    ("partners", "Local and international work for and with the diaspora",
     "Agencies, chambers, ministries and networks abroad build effective actions "
     "together."),
    ("data", "Data on the diaspora's profiles and expectations",
     "Know who the economic diaspora is, where it lives and what it expects, to target "
     "the actions."),
]


def ballots(people: int, dots: dict[str, int] = DOTS, per_person: int = 3) -> list[list[str]]:
    """Each participant's themes, deterministic, adding up to `dots`: everyone puts their
    dots on the themes with the most dots still to place (ties turn with the person)."""
    left = dict(dots)
    keys = list(left)
    result = []
    for person in range(people):
        order = sorted(keys, key=lambda k: (-left[k], (keys.index(k) - person) % len(keys)))
        chosen = [k for k in order[:per_person] if left[k] > 0]
        for k in chosen:
            left[k] -= 1
        result.append(chosen)
    return result


class _Room:
    """Sends the sample's changes as the clients would, each with a deterministic op_id."""

    def __init__(self, workshop: Workshop, console: Viewer, phones: list[Viewer]):
        self.workshop, self.console, self.phones = workshop, console, phones

    def do(self, viewer: Viewer, name: str, label: str, /, **kwargs) -> dict:
        ack = operations.perform(viewer, name, f"sample-{self.workshop.id}-{label}",
                                 **kwargs)
        if not ack.get("ok"):
            raise RuntimeError(f"sample: {name} ({label}) refused: {ack}")
        return ack

    def phone_of(self, participant_id: int) -> Viewer:
        return next(p for p in self.phones if p.participant_id == participant_id)

    def move(self, from_stage: str, to_stage: str) -> None:
        self.do(self.console, "stage.change", f"stage-{to_stage}",
                from_stage=from_stage, to_stage=to_stage)


def _fill_ideas(room: _Room) -> dict[str, int]:
    room.move("welcome", "ideas")
    ids = {}
    for number, (key, author, kind, origin, _theme, text) in enumerate(CARDS):
        ack = room.do(room.phones[author], "idea.post", f"card-{number:03d}",
                      text=text, kind=kind, origin=origin)
        ids[key] = ack["idea"]["id"]
    for into, sources in MERGES.items():
        room.do(room.console, "idea.merge", f"merge-{into}",
                into_id=ids[into], idea_ids=[ids[s] for s in sources])
    for key in HIDDEN:
        room.do(room.console, "idea.hide", f"hide-{key}", idea_id=ids[key])
    return ids


def _fill_themes(room: _Room, ids: dict[str, int]) -> dict[str, int]:
    room.move("ideas", "themes")
    themes = {}
    for key, (title, description) in THEMES.items():
        ack = room.do(room.console, "theme.create", f"theme-{key}",
                      title=title, description=description)
        themes[key] = ack["theme"]["id"]
    for key, _author, _kind, _origin, theme, _text in CARDS:
        if theme is not None:
            room.do(room.console, "idea.assign", f"assign-{key}",
                    idea_id=ids[key], theme_id=themes[theme])
    return themes


def _fill_vote(room: _Room, themes: dict[str, int]) -> None:
    room.move("themes", "vote")
    room.do(room.console, "voting.update", "voting-open", open=True)
    # one participant changes their mind before placing their dots
    room.do(room.phones[0], "dot.place", "dot-change-place", theme_id=themes["finance"])
    room.do(room.phones[0], "dot.remove", "dot-change-remove", theme_id=themes["finance"])
    for person, chosen in enumerate(ballots(len(room.phones))):
        for n, key in enumerate(chosen):
            room.do(room.phones[person], "dot.place", f"dot-{person:03d}-{n}",
                    theme_id=themes[key])


def _fill_confirm(room: _Room, themes: dict[str, int]) -> None:
    room.do(room.console, "voting.update", "voting-reveal", revealed=True)
    room.do(room.console, "voting.update", "voting-close", open=False)
    top = [row["theme"]["id"] for row in priorities.results(room.workshop)]
    chosen = [themes[key] for key, _title, _description in PRIORITIES]
    if top[:len(chosen)] != chosen:  # the dots above are meant to give these three
        raise RuntimeError(f"sample: the vote did not give the expected priorities: {top}")
    room.move("vote", "confirm")
    room.do(room.console, "priorities.confirm", "priorities-confirm", theme_ids=chosen,
            titles=[title for _key, title, _description in PRIORITIES],
            descriptions=[description for _key, _title, description in PRIORITIES])


# Step 3: each priority's board, as the Beirut groups filled it. Actors: (name, kind,
# role); actions: (title, objective numbers served, lead actor, partners, deadline,
# expected result, resources).
BOARDS = {
    "framework": {
        "objectives": ["One contact point for every diaspora investor and founder",
                       "Investment procedures a diaspora investor can follow from abroad",
                       "Incentives that reward investing in the regions"],
        "actors": [("IDAL", "public", "Runs the one-stop desk for investors"),
                   ("Ministry of Economy", "public", "Simplifies the procedures"),
                   ("CCIA-BML", "chamber", "Brings its members' experience of the rules"),
                   ("Kafalat", "public", "Guarantees loans to small businesses")],
        "actions": [("Open a one-stop desk for diaspora investors at IDAL", [1, 2], "IDAL",
                     ["Ministry of Economy", "CCIA-BML"], date(2015, 12, 15),
                     "A desk answering within a week; 150 investors served in a year",
                     "Two advisers, an online form"),
                    ("Publish every investment procedure online in three languages", [2],
                     "Ministry of Economy", ["IDAL"], date(2015, 12, 31),
                     "The ten most used procedures online", "A web team for three months"),
                    ("Propose regional incentives to the Council of Ministers", [3], "IDAL",
                     ["Kafalat"], None, "", "")],
        "synthesis": {
            "objectives": "One contact point, procedures that work from abroad, and "
                          "incentives for the regions.",
            "actors": "IDAL leads, with the Ministry of Economy, the chamber and Kafalat.",
            "actions": "A one-stop desk by mid-December and procedures online by year end."},
    },
    "partners": {
        "objectives": ["One coordination platform for every actor working with the diaspora",
                       "Communication campaigns that show projects that succeeded",
                       "A participatory online network for matchmaking"],
        "actors": [("Chamber of Commerce, Industry and Agriculture of Beirut and Mount "
                    "Lebanon (CCIA-BML)", "chamber", "Hosts the coordination platform"),
                   ("Zoomal", "private", "Crowdfunding partner of the platform"),
                   ("Lebanon for Entrepreneurs (LFE)", "diaspora", "Mentors from abroad"),
                   ("LIBC", "diaspora", "Lebanese business councils abroad"),
                   ("Ministry of Foreign Affairs and Emigrants", "public",
                    "Reaches the embassies and consulates")],
        "actions": [("Launch the coordination platform hosted by the chamber", [1],
                     "Chamber of Commerce, Industry and Agriculture of Beirut and Mount "
                     "Lebanon (CCIA-BML)", ["Zoomal", "Lebanon for Entrepreneurs (LFE)",
                                            "LIBC"],
                     date(2015, 11, 30), "Every actor signed up and meeting monthly",
                     "A coordinator at the chamber"),
                    ("Run a campaign of ten success stories abroad", [2], "LIBC",
                     ["Ministry of Foreign Affairs and Emigrants"], date(2015, 12, 31),
                     "Ten stories told in five countries", "A communication budget"),
                    ("Open the online matchmaking network", [3], "Zoomal",
                     ["Lebanon for Entrepreneurs (LFE)"], date(2015, 12, 31),
                     "500 members in three months", "Developers, moderation")],
        "synthesis": {
            "objectives": "Coordinate everyone, show what works, connect people online.",
            "actors": "The chamber hosts the platform with Zoomal, LFE and LIBC.",
            "actions": "The platform by the end of November, campaign and network by year "
                       "end."},
    },
    "data": {
        "objectives": ["Know who the economic diaspora is, where it lives, what it does",
                       "Know what the diaspora expects from Lebanon"],
        "actors": [("Ministry of Foreign Affairs and Emigrants", "public",
                    "Collects the consulates' registers"),
                   ("MoFA", "public", "Same ministry, written short by another member"),
                   ("Lebanese American University", "other", "Designs the survey"),
                   ("CCIA-BML", "chamber", "Shares its members abroad")],
        "actions": [("Survey the economic diaspora in five countries", [1, 2],
                     "Lebanese American University", ["CCIA-BML"], date(2015, 12, 20),
                     "2,000 answers analysed", "A survey tool, two researchers"),
                    ("Build one database from the consulates' registers", [1],
                     "Ministry of Foreign Affairs and Emigrants", [], date(2015, 12, 31),
                     "A database the agencies can query", "")],
        "synthesis": {
            "objectives": "Know the diaspora and its expectations before acting.",
            "actors": "The ministry and a university, with the chamber's members.",
            "actions": "A survey by 20 December and one database by year end."},
    },
}


def _fill_groups(room: _Room, until: str) -> None:
    """Step 3: entering it forms the groups and places everyone (balanced), then each
    sub-step and its plenary."""
    room.move("confirm", "objectives")
    by_priority = {g["title"]: g for g in snapshot_groups(room)}
    groups = []
    for key, title, _description in PRIORITIES:
        group = by_priority[title]
        members = [room.phone_of(pid) for pid in group["members"]]
        room.do(members[0], "group.rapporteur", f"rapporteur-{key}", group_id=group["id"],
                participant_id=members[0].participant_id)
        groups.append((key, group, members))
    substeps = ["objectives", "actors", "actions"][:["objectives", "actors",
                                                    "actions"].index(until) + 1]
    ids: dict[str, dict] = {key: {"objectives": [], "actors": {}} for key, _g, _m in groups}
    for number, substep in enumerate(substeps):
        if number:
            room.move(f"{substeps[number - 1]}_synthesis", substep)
        for key, group, members in groups:
            _fill_board(room, key, substep, members, ids[key])
        room.move(substep, f"{substep}_synthesis")
        for key, group, members in groups:
            room.do(members[0], "synthesis.write", f"synthesis-{key}-{substep}",
                    group_id=group["id"], substep=substep,
                    text=BOARDS[key]["synthesis"][substep])


def _fill_board(room: _Room, key: str, substep: str, members: list[Viewer],
                ids: dict) -> None:
    board = BOARDS[key]
    author = lambda n: members[n % len(members)]  # noqa: E731 (each member writes some)
    if substep == "objectives":
        for n, text in enumerate(board["objectives"]):
            ack = room.do(author(n), "objective.add", f"objective-{key}-{n}", text=text)
            ids["objectives"].append(ack["objective"]["id"])
    elif substep == "actors":
        for n, (name, kind, role) in enumerate(board["actors"]):
            ack = room.do(author(n), "actor.add", f"actor-{key}-{n}", name=name, kind=kind,
                          role=role, distinct=True)
            ids["actors"][name] = ack["actor"]["id"]
    else:
        for n, (title, served, lead, partners, deadline, result, resources) in enumerate(
                board["actions"]):
            room.do(author(n), "action.add", f"action-{key}-{n}", title=title,
                    objective_ids=[ids["objectives"][i - 1] for i in served],
                    lead_actor_id=ids["actors"][lead],
                    partner_ids=[ids["actors"][p] for p in partners],
                    deadline=deadline.isoformat() if deadline else None,
                    expected_result=result, resources=resources)


# Step 4 and the closing, as the Beirut room agreed them.
SHARED_ACTIONS = [
    # (title, description, lead, partners, deadline, expected result, synergy key,
    #  titles of the group actions it absorbs)
    ("One coordination platform hosted by the chamber of commerce",
     "Every agency, chamber, ministry and network working with the diaspora meets in one "
     "place, shares one agenda and one contact list.", "CCIA-BML",
     ["IDAL", "Zoomal", "LIBC", "Ministry of Foreign Affairs and Emigrants"],
     date(2015, 11, 30), "Every actor signed up; a monthly meeting; one shared agenda",
     "chamber", ["Launch the coordination platform hosted by the chamber",
                 "Open a one-stop desk for diaspora investors at IDAL"]),
    ("Communication campaigns through the embassies and business councils",
     "Success stories told abroad through the consulates and the business councils, with "
     "the survey's findings.", "Ministry of Foreign Affairs and Emigrants",
     ["LIBC", "Lebanese American University"], date(2016, 1, 31),
     "Ten stories in five countries; 2,000 survey answers", "ministry",
     ["Run a campaign of ten success stories abroad",
      "Survey the economic diaspora in five countries"]),
    ("A participatory online network of the economic diaspora",
     "One network for matchmaking, fed by the consulates' registers and the platform.",
     "Zoomal", ["Lebanon for Entrepreneurs (LFE)", "CCIA-BML"], date(2016, 2, 29),
     "500 members in three months, 50 introductions", "proposal",
     ["Open the online matchmaking network",
      "Build one database from the consulates' registers"]),
]
FACTORS = ["A coordinator paid for two years at the chamber",
           "One shared agenda, reviewed every month",
           "The ministries take part from the start"]
MEASURES = [("Send the action plan to the ministers and partners", "IDAL", date(2015, 10, 27)),
            ("Convene the coordination platform's first meeting", "CCIA-BML",
             date(2015, 11, 5)),
            ("Name the platform's coordinator", "CCIA-BML", date(2015, 11, 15))]
COMMITTEE = [("Maya Khoury", "Hosts the platform"), ("Rania Haddad", "Link with IDAL"),
             ("Carla Chamoun", "Business councils abroad"),
             ("Nadine Aoun", "Embassies and consulates")]


def _fill_synergies(room: _Room) -> dict:
    """Step 4: the chamber, named by every group, accepted as a synergy; a participant
    proposes another. The ministry's suggestion and the proposal wait for a decision."""
    room.move("actions_synthesis", "synergies")
    chosen = {"chamber": _accept_suggestion(room, "chamber", "CCIA-BML",
                                            "The chamber of commerce, in every group")}
    actions = {a.title: a for a in db.session.scalars(select(Action).where(
        Action.workshop_id == room.workshop.id))}
    network, registers = (actions["Open the online matchmaking network"],
                          actions["Build one database from the consulates' registers"])
    chosen["linked"] = [{"kind": "action", "id": network.id},
                        {"kind": "action", "id": registers.id}]
    chosen["pending"] = room.do(
        room.phones[17], "synergy.propose", "synergy-proposal",
        text="The matchmaking network could start from the consulates' registers",
        group_ids=[network.group_id, registers.group_id])["proposal"]["id"]
    return chosen


def _accept_suggestion(room: _Room, key: str, name: str, title: str) -> int:
    found = operations.query(room.console, "synergies.suggest")["suggestions"]
    suggestion = next((s for s in found if s["kind"] == "shared_actor"
                       and name in s["evidence"]["names"]), None)
    if suggestion is None:
        raise RuntimeError(f"sample: no synergy was suggested for {name}")
    return room.do(room.console, "synergy.decide", f"synergy-{key}",  # the reason: data
                   entries=suggestion["entries"], title=title, kind=suggestion["kind"]
                   )["synergy"]["id"]


def _decide_synergies(room: _Room, chosen: dict) -> None:
    """The ministry's suggestion accepted, and the participant's proposal, linked by
    hand to the two actions it is about."""
    chosen["ministry"] = _accept_suggestion(room, "ministry",
                                            "Ministry of Foreign Affairs and Emigrants",
                                            "The ministry's embassies and consulates")
    chosen["proposal"] = room.do(
        room.console, "synergy.decide", "synergy-proposal-accept", entries=chosen["linked"],
        title="The network starts from the consulates' registers",
        proposal_id=chosen["pending"])["synergy"]["id"]


def _fill_shared_plan(room: _Room, chosen: dict[str, int]) -> None:
    """The shared actions built from the synergies, and success factors from phones."""
    room.move("synergies", "shared_plan")
    actions = {a.title: a.id for a in db.session.scalars(select(Action).where(
        Action.workshop_id == room.workshop.id))}
    themes = list(db.session.scalars(select(WorkingGroup.theme_id).where(
        WorkingGroup.workshop_id == room.workshop.id)))
    for n, (title, description, lead, partners, deadline, result, synergy,
            absorbed) in enumerate(SHARED_ACTIONS):
        room.do(room.console, "shared_action.add", f"shared-action-{n}", title=title,
                description=description, lead=lead, partners=partners,
                deadline=deadline.isoformat(), expected_result=result,
                synergy_id=chosen[synergy], theme_ids=themes if n == 0 else None,
                action_ids=[actions[t] for t in absorbed])
    factors = [room.do(room.phones[2 + 5 * n], "factor.propose", f"factor-{n}",
                       text=text)["factor"]["id"] for n, text in enumerate(FACTORS)]
    for n, phone in enumerate(room.phones):  # a half, a third, a fifth of the room
        for factor_id, every in zip(factors, (2, 3, 5)):
            if n % every == 0:
                room.do(phone, "factor.endorse", f"endorse-{factor_id}-{n}",
                        factor_id=factor_id)


def _fill_closing(room: _Room) -> None:
    """The closing: immediate measures and the open steering committee."""
    room.move("shared_plan", "closing")
    for n, (text, owner, due) in enumerate(MEASURES):
        room.do(room.console, "measure.add", f"measure-{n}", text=text, owner=owner,
                due=due.isoformat())
    by_name = {name: pid for pid, name in db.session.execute(
        select(Participant.id, Participant.name).where(
            Participant.workshop_id == room.workshop.id))}
    for n, (name, role) in enumerate(COMMITTEE):
        email = name.lower().replace(" ", ".") + "@example.org"
        room.do(room.phone_of(by_name[name]), "committee.join", f"committee-{n}", role=role,
                email=email, consent=True)


def snapshot_groups(room: _Room) -> list[dict]:
    return snapshot(room.console)["groups"]["list"]


def join(workshop: Workshop, nonce: str, name: str, organisation: str,
         profile: str) -> tuple[Participant, str]:
    """Someone joins as the join form makes them (its nonce the op_id), consenting: the
    participant and the token their browser keeps (the sample, tests, benchmarks)."""
    token = participants.token_for_nonce(workshop.id, nonce)
    done = operations.submit(participants.newcomer(workshop), "participant.join", nonce,
                             token=token, name=name, organisation=organisation,
                             profile=profile, consent=True)
    return db.session.get(Participant, done["participant_id"]), token


def create_sample(email: str = "facilitator@example.org", password: str = "facilitator",
                  language: str = "en", until: str = "closed") -> Workshop:
    """The sample seminar, filled up to the stage `until` (one of UNTIL)."""
    if until not in UNTIL:
        raise ValueError(f"until must be one of {', '.join(UNTIL)}, not {until!r}")
    owner = accounts.find(email) or operations.run(
        accounts.create_facilitator, email, "Sample Facilitator", password)
    workshop = operations.run(workshops.create_workshop, owner, {
        "title": TITLE, "purpose": PURPOSE, "venue": "Beirut, CCIA-BML",
        "date": date(2015, 10, 20), "timezone": "Asia/Beirut", "language": language,
        "priority_count": 3, "dots_per_participant": 3, "partners": PARTNERS,
    })
    people = []
    for index, (name, organisation, profile) in enumerate(PEOPLE):
        participant, _token = join(workshop, f"sample-{workshop.id}-{index:04d}-nonce",
                                   name, organisation, workshop.profiles[profile])
        people.append(participant)
    if until == "welcome":
        return workshop
    room = _Room(workshop, workshops.viewer_for(workshop, owner),
                 [participants.viewer_for(p) for p in people])
    ids = _fill_ideas(room)
    if until == "ideas":
        return workshop
    themes = _fill_themes(room, ids)
    if until == "themes":
        return workshop
    _fill_vote(room, themes)
    if until == "vote":
        return workshop
    _fill_confirm(room, themes)
    if until == "confirm":
        return workshop
    _fill_groups(room, "actions" if index_of(until) > index_of("actions") else until)
    if index_of(until) <= index_of("actions"):
        return workshop
    chosen = _fill_synergies(room)
    if until == "synergies":
        return workshop
    _decide_synergies(room, chosen)
    _fill_shared_plan(room, chosen)
    if until == "shared_plan":
        return workshop
    _fill_closing(room)
    if until == "closing":
        return workshop
    room.do(room.console, "workshop.close", "close")
    return workshop


def index_of(stage: str) -> int:
    return UNTIL.index(stage)
