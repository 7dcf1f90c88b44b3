"""HTML forms (Flask-WTF: CSRF on every POST). Business checks stay in the capabilities;
the forms only say which fields there are and how they are typed."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField,
                     PasswordField, SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class FirstAccountForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password (8 characters or more)"),
                             validators=[DataRequired(), Length(min=8, max=200)])


class WorkshopForm(FlaskForm):
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


class MemberForm(FlaskForm):
    email = EmailField(_l("Email of an existing account"),
                       validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[("cofacilitator", _l("Co-facilitator")),
                                            ("organiser", _l("Organiser"))])


class DeleteWorkshopForm(FlaskForm):
    """The owner types the join code to confirm (short, Latin letters and digits whatever
    the workshop's language); the capability says when it is not the code."""

    confirm_code = StringField(_l("Join code"))


class JoinForm(FlaskForm):
    nonce = HiddenField()
    name = StringField(_l("Your name"), validators=[Length(max=200)])
    organisation = StringField(_l("Your organisation"), validators=[Length(max=300)])
    profile = SelectField(_l("Your profile"), validate_choice=False)
    consent = BooleanField()


class RejoinForm(FlaskForm):
    rejoin_code = StringField(_l("Your personal code"), validators=[Length(max=20)])


class ImportForm(FlaskForm):
    """A workshop exported as JSON (facilitator/archive.py), to make a copy of."""

    file = FileField(_l("Workshop file (.json)"), validators=[FileRequired()])
