"""Settings: names from DESIGN.md, secret password, lists from commas, URL checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from automation.settings import SIMULATOR_PASSWORD, Locale, Settings


def _settings(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[call-arg, arg-type]


def test_defaults_target_the_simulator() -> None:
    settings = _settings()
    assert settings.base_url == ""
    assert settings.locale is Locale.FR
    assert settings.password.get_secret_value() == SIMULATOR_PASSWORD
    assert settings.storage_state == Path(".auth/state.json")


def test_password_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_PASSWORD", "s3cret-Value!")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.password.get_secret_value() == "s3cret-Value!"
    assert "s3cret-Value!" not in repr(settings)
    assert "s3cret-Value!" not in str(settings.model_dump())


def test_reads_every_variable_of_the_design_table(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "PORTAL_BASE_URL": "https://uat.example.my.site.com/",
        "PORTAL_USERNAME": "qa@example.ca",
        "PORTAL_LOCALE": "en",
        "PORTAL_HEADLESS": "false",
        "PORTAL_SLOW_MO_MS": "250",
        "PORTAL_TIMEOUT_MS": "30000",
        "PORTAL_ARTIFACTS_DIR": "/tmp/prolong-art",
        "PORTAL_STORAGE_STATE": "/tmp/state.json",
        "PORTAL_BROWSER_EXECUTABLE": "/usr/bin/chromium",
        "PORTAL_BROWSER_CHANNEL": "chrome",
        "PORTAL_BROWSER_WS_ENDPOINT": "ws://127.0.0.1:3000/",
        "PORTAL_SANDBOX_HOSTS": "uat.example.my.site.com, QA.example.com",
        "PORTAL_SHOW_PERSONAL_DATA": "true",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.base_url == "https://uat.example.my.site.com"
    assert settings.username == "qa@example.ca"
    assert settings.locale is Locale.EN
    assert settings.headless is False
    assert (settings.slow_mo_ms, settings.timeout_ms) == (250, 30_000)
    assert settings.artifacts_dir == Path("/tmp/prolong-art")
    assert settings.storage_state == Path("/tmp/state.json")
    assert settings.browser_executable == Path("/usr/bin/chromium")
    assert settings.browser_channel == "chrome"
    assert settings.browser_ws_endpoint == "ws://127.0.0.1:3000/"
    assert settings.sandbox_hosts == ["uat.example.my.site.com", "qa.example.com"]
    assert settings.show_personal_data is True


def test_reads_dot_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORTAL_LOCALE=en\nPORTAL_SANDBOX_HOSTS=a.example.com\n", encoding="utf-8")
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert settings.locale is Locale.EN
    assert settings.sandbox_hosts == ["a.example.com"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("base_url", "ftp://portal"), ("locale", "de"), ("timeout_ms", "10")],
)
def test_bad_values_name_the_field(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _settings(**{field: value})
    assert field in str(caught.value)


def test_example_env_lists_every_setting() -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text(encoding="utf-8")
    names = {line.split("=")[0] for line in example.splitlines() if line.startswith("PORTAL_")}
    assert names == {f"PORTAL_{name.upper()}" for name in Settings.model_fields}
