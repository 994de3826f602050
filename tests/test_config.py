"""Configuration from the environment."""

import pytest

from festival.config import ConfigError, load_config, normalize_database_url


def test_embedded_default_is_sqlite_under_instance(tmp_path):
    config = load_config({"LANTERN_ENV": "development"}, tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lantern.db'}"
    assert config["MAIL_OUTBOX"] == str(tmp_path / "outbox")
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert len(config["SECRET_KEY"]) == 64
    # the generated key is kept, so sessions survive a restart
    assert load_config({"LANTERN_ENV": "development"}, tmp_path)["SECRET_KEY"] == config["SECRET_KEY"]


@pytest.mark.parametrize("key", [None, "", "change-me", "short-secret"])
def test_production_refuses_to_start_without_a_real_secret(tmp_path, key):
    env = {"LANTERN_ENV": "production"}
    if key is not None:
        env["SECRET_KEY"] = key
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(env, tmp_path)


def test_production_with_a_real_secret_uses_secure_cookies(tmp_path):
    config = load_config({"LANTERN_ENV": "production", "SECRET_KEY": "x" * 48,
                          "REDIS_URL": "redis://127.0.0.1:6379/0"}, tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        load_config({"LANTERN_ENV": "staging"}, tmp_path)


@pytest.mark.parametrize("url, expected", [
    ("postgresql://lantern@db:5432/lantern", "postgresql+psycopg://lantern@db:5432/lantern"),
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_urls_work_as_users_write_them(url, expected):
    assert normalize_database_url(url) == expected


def test_mail_and_stripe_settings_come_from_the_environment(tmp_path):
    config = load_config({"LANTERN_ENV": "development", "MAIL_SERVER": "smtp.example.org",
                          "MAIL_PORT": "587", "MAIL_USE_TLS": "true",
                          "STRIPE_SECRET_KEY": "sk_test_x"}, tmp_path)
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_TLS"]) == \
        ("smtp.example.org", 587, True)
    assert config["STRIPE_SECRET_KEY"] == "sk_test_x"


def test_reverse_proxies_are_trusted_only_when_configured(tmp_path):
    assert load_config({"LANTERN_ENV": "development"}, tmp_path)["PROXY_FIX_HOPS"] == 0
    config = load_config({"LANTERN_ENV": "development", "PROXY_FIX_HOPS": "1"}, tmp_path)
    assert config["PROXY_FIX_HOPS"] == 1


def test_export_sweep_settings_come_from_the_environment(tmp_path):
    config = load_config({"LANTERN_ENV": "development"}, tmp_path)
    assert (config["EXPORT_SWEEP_GRACE_SECONDS"], config["EXPORT_STALE_CLAIM_SECONDS"]) == (60, 900)
    config = load_config({"LANTERN_ENV": "development", "EXPORT_SWEEP_GRACE_SECONDS": "5",
                          "EXPORT_STALE_CLAIM_SECONDS": "1800"}, tmp_path)
    assert (config["EXPORT_SWEEP_GRACE_SECONDS"], config["EXPORT_STALE_CLAIM_SECONDS"]) == (5, 1800)
    with pytest.raises(ValueError):
        load_config({"LANTERN_ENV": "development", "EXPORT_STALE_CLAIM_SECONDS": "15min"}, tmp_path)
