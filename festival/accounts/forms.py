"""Forms of sign-in, password reset, invitations, account and team management."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import EqualTo

from festival.core.forms import ChoiceField, email_field_validators, max_length, optional, required


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=email_field_validators())
    password = PasswordField(_l("Password"), validators=[required(), max_length(200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class TwoFactorForm(FlaskForm):
    code = StringField(_l("6-digit code"), validators=[required(), max_length(10)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=email_field_validators())


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[required(), max_length(200)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        required(), EqualTo("password", message=_l("The two passwords differ."))])


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(_l("Your name"), validators=[required(), max_length(120)])


class AccountForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[optional(), max_length(120)])
    locale = ChoiceField(_l("Preferred language"), validators=[optional()])


class EnableTwoFactorForm(FlaskForm):
    code = StringField(_l("Code shown by your authenticator app"),
                       validators=[required(), max_length(10)])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=email_field_validators())
    role = ChoiceField(_l("Role"), validators=[required()])


class RoleForm(FlaskForm):
    role = ChoiceField(_l("Role"), validators=[required()])


class TwoFactorRuleForm(FlaskForm):
    required_for_all = BooleanField(_l("Require two-factor sign-in for every member"))
