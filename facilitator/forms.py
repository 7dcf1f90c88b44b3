"""HTML forms (Flask-WTF: CSRF on every POST). Business checks stay in the capabilities;
the forms only say which fields there are and how they are typed."""
from __future__ import annotations

from functools import cache

from babel.support import Translations
from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField,
                     PasswordField, SelectField, StringField, TextAreaField)
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length, NumberRange, Optional


@cache
def _wtforms_messages(locale: str) -> Translations:
    """WTForms' own messages ("This field is required.") in one language, read once per
    process: Flask-WTF reads the catalogue file again for every request, a page's form
    included, which a room of phones joining pays a thousand times."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


class _Messages:
    """WTForms' messages in the reader's language when one is written (a view may set
    the language after building its form: person_language, screen_language)."""

    def gettext(self, string: str) -> str:
        return _wtforms_messages(str(get_locale())).gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_messages(str(get_locale())).ngettext(singular, plural, n)


_MESSAGES = _Messages()


class Form(FlaskForm):
    """Every form of the app: CSRF (FlaskForm), WTForms' messages in the reader's
    language."""

    class Meta:
        def get_translations(self, form):
            return _MESSAGES


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class FirstAccountForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password (8 characters or more)"),
                             validators=[DataRequired(), Length(min=8, max=200)])


class WorkshopForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), Length(max=2000)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    date = DateField(_l("Date"), validators=[Optional()])
    timezone = StringField(_l("Time zone"), default="UTC",
                           validators=[DataRequired(), Length(max=64)])
    language = SelectField(_l("Language of the workshop"),
                           choices=[("en", "English"), ("fr", "Français"), ("ar", "العربية")])
    priority_count = IntegerField(_l("Number of priorities"), default=3,
                                  validators=[NumberRange(min=1, max=10)])
    dots_per_participant = IntegerField(_l("Dots per participant"), default=3,
                                        validators=[NumberRange(min=1, max=20)])
    profiles = TextAreaField(_l("Participant profiles, one per line (empty: the method's)"),
                             validators=[Optional(), Length(max=4000)])
    partners = TextAreaField(_l("Organising partners, one per line"),
                             validators=[Optional(), Length(max=4000)])


class MemberForm(Form):
    email = EmailField(_l("Email of an existing account"),
                       validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[("cofacilitator", _l("Co-facilitator")),
                                            ("organiser", _l("Organiser"))])


class DeleteWorkshopForm(Form):
    """The owner types the join code to confirm (short, Latin letters and digits whatever
    the workshop's language); the capability says when it is not the code."""

    confirm_code = StringField(_l("Join code"))


class JoinForm(Form):
    nonce = HiddenField()
    name = StringField(_l("Your name"), validators=[Length(max=200)])
    organisation = StringField(_l("Your organisation"), validators=[Length(max=300)])
    profile = SelectField(_l("Your profile"), validate_choice=False)
    consent = BooleanField()


class RejoinForm(Form):
    rejoin_code = StringField(_l("Your personal code"), validators=[Length(max=20)])


class ImportForm(Form):
    """A workshop exported as JSON (facilitator/archive.py), to make a copy of."""

    file = FileField(_l("Workshop file (.json)"), validators=[FileRequired()])
