"""The landing page at /."""

from __future__ import annotations

from flask import Blueprint, render_template

from festival.tenants.services import active_tenants

bp = Blueprint("public", __name__, template_folder="templates")


@bp.route("/")
def index():
    return render_template("public/index.html", tenants=active_tenants())
