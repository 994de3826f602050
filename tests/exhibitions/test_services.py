"""Exhibition seasons: the plan's rules, its nights, and night windows across DST."""

from datetime import date, time

import pytest
from sqlalchemy import select

from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.scope import ScopeError, tenant_scope
from festival.exhibitions import services
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant


def plan(**overrides) -> services.ExhibitionPlan:
    values = dict(slug="lumieres", titles={"fr": "Lumières de Chine", "en": "Lights of China"},
                  venue_name="Jardin d'Acclimatation", season_start=date(2026, 12, 1),
                  season_end=date(2027, 1, 31), opens_at=time(18, 0), closes_at=time(23, 0))
    values.update(overrides)
    return services.ExhibitionPlan(**values)


@pytest.fixture
def paris(ctx, factory):
    snapshot = factory.tenant("paris", country="FR", timezone="Europe/Paris", currency="EUR",
                              default_locale="fr", offered_locales=["fr", "en"])
    with tenant_scope(snapshot.id):
        yield db.session.get(Tenant, snapshot.id)
        db.session.rollback()


def test_create_and_audit(paris):
    exhibition = services.create_exhibition(paris, plan(), None)
    assert exhibition.tenant_id == paris.id and exhibition.status == Exhibition.PLANNING
    assert exhibition.title("en", "fr") == "Lights of China"
    assert exhibition.title("ja", "fr") == "Lumières de Chine"  # falls back to the default


@pytest.mark.parametrize("overrides, message", [
    ({"slug": "Not A Slug"}, "lowercase"),
    ({"titles": {}}, "title"),
    ({"titles": {"ja": "光"}}, "languages you offer"),
    ({"venue_name": " "}, "venue"),
    ({"season_end": date(2026, 11, 30)}, "end on or after"),
    ({"season_end": date(2028, 1, 1)}, "at most one year"),
    ({"closes_at": time(18, 0)}, "must differ"),
    ({"slot_minutes": 2}, "between 5 and 240"),
    ({"slot_capacity": 0}, "between 1 and"),
    ({"closed_weekdays": {8}}, r"Monday \(1\) to Sunday \(7\)"),
    ({"closed_weekdays": set(range(1, 8))}, "every day"),
])
def test_bad_plans_are_refused_with_a_clear_message(paris, overrides, message):
    with pytest.raises(DomainError, match=message):
        services.create_exhibition(paris, plan(**overrides), None)
    assert db.session.scalars(select(Exhibition)).all() == []


def test_slug_is_unique_within_a_tenant_only(paris, factory):
    services.create_exhibition(paris, plan(), None)
    with pytest.raises(DomainError, match="Another exhibition"):
        services.create_exhibition(paris, plan(), None)


def test_status_moves_forward_only(paris):
    exhibition = services.create_exhibition(paris, plan(), None)
    services.change_status(exhibition, Exhibition.ON_SALE, None)
    services.change_status(exhibition, Exhibition.RUNNING, None)
    with pytest.raises(DomainError, match="cannot move"):
        services.change_status(exhibition, Exhibition.PLANNING, None)


def test_nights_skip_closed_weekdays(paris):
    exhibition = services.create_exhibition(
        paris, plan(season_start=date(2026, 12, 7), season_end=date(2026, 12, 13),
                    closed_weekdays={1, 2}), None)  # closed Mondays and Tuesdays
    nights = services.opening_nights(exhibition)
    assert nights == [date(2026, 12, d) for d in (9, 10, 11, 12, 13)]


def test_a_night_past_midnight_belongs_to_the_day_it_opens(paris):
    exhibition = services.create_exhibition(paris, plan(opens_at=time(19, 0),
                                                         closes_at=time(1, 0)), None)
    opens, closes = services.night_window(exhibition, date(2026, 12, 31), "Europe/Paris")
    assert opens.isoformat() == "2026-12-31T18:00:00+00:00"
    assert closes.isoformat() == "2027-01-01T00:00:00+00:00"


def test_night_windows_follow_dst_by_zoneinfo(paris):
    exhibition = services.create_exhibition(
        paris, plan(season_start=date(2027, 3, 20), season_end=date(2027, 4, 5)), None)
    before, _ = services.night_window(exhibition, date(2027, 3, 27), "Europe/Paris")
    after, _ = services.night_window(exhibition, date(2027, 3, 28), "Europe/Paris")
    assert (before.hour, after.hour) == (17, 16)  # 18:00 local is UTC+1, then UTC+2


def test_exhibitions_are_tenant_owned(ctx, factory, paris):
    services.create_exhibition(paris, plan(), None)
    db.session.commit()
    other = factory.tenant("berlin", country="DE", timezone="Europe/Berlin", currency="EUR",
                           default_locale="de", offered_locales=["de"])
    with tenant_scope(other.id):
        assert db.session.scalars(select(Exhibition)).all() == []
    with pytest.raises(ScopeError), tenant_scope(None):  # no tenant: the filter fails closed
        db.session.scalars(select(Exhibition)).all()
