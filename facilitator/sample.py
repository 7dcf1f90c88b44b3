"""A sample seminar to build on: a diaspora-engagement workshop like the Beirut one.

It goes through the same operations the live app uses (create_workshop, participants.join,
...), so what it makes is what a real room would make. Later steps extend it.
"""
from __future__ import annotations

from datetime import date

from flask import current_app

from . import accounts, participants, workshops
from .models import Workshop

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


def create_sample(email: str = "facilitator@example.org", password: str = "facilitator",
                  language: str = "en") -> Workshop:
    owner = accounts.find(email) or accounts.create_facilitator(email, "Sample Facilitator",
                                                                password)
    workshop = workshops.create_workshop(owner, {
        "title": TITLE, "purpose": PURPOSE, "venue": "Beirut, CCIA-BML",
        "date": date(2015, 10, 20), "timezone": "Asia/Beirut", "language": language,
        "priority_count": 3, "dots_per_participant": 3, "partners": PARTNERS,
    })
    with current_app.test_request_context():  # the join URL wants a request's host
        for index, (name, organisation, profile) in enumerate(PEOPLE):
            participants.join(workshop, f"sample-{workshop.id}-{index:04d}-nonce", name,
                              organisation, workshop.profiles[profile], consent=True)
    return workshop
