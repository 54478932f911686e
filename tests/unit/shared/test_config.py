import pytest

from shared.config import load_settings


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ORDO_QUEUE_TYPE", "quorum")
    monkeypatch.setenv("ORDO_PREFETCH", "7")
    settings = load_settings("orders")
    assert (settings.queue_type, settings.prefetch) == ("quorum", 7)


def test_a_public_key_without_a_link_secret_is_refused(monkeypatch):
    """Links would be signed with the development default, which anyone can read."""
    monkeypatch.setenv("ORDO_JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----...")
    monkeypatch.delenv("ORDO_JWT_SECRET", raising=False)
    with pytest.raises(ValueError, match="ORDO_JWT_SECRET"):
        load_settings("delivery")
    monkeypatch.setenv("ORDO_JWT_SECRET", "a-real-secret-of-some-length-0123456789")
    assert load_settings("delivery").jwt_secret == "a-real-secret-of-some-length-0123456789"
