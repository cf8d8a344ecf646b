"""Settings: the names of .env.example, secret password, lists from commas, URL and host checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from automation.runtime.settings import SIMULATOR_PASSWORD, Locale, Settings
from flows.cli.app import app


def _settings(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[arg-type]


def test_defaults_target_the_simulator() -> None:
    settings = _settings()
    assert settings.base_url == ""
    assert settings.locale is Locale.FR
    assert settings.password.get_secret_value() == SIMULATOR_PASSWORD
    assert settings.storage_state == Path(".auth/state.json")


def test_password_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_PASSWORD", "s3cret-Value!")
    settings = Settings(_env_file=None)
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
    settings = Settings(_env_file=None)
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
    settings = Settings(_env_file=env_file)
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


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ("https://uat.example.test", "scheme"),
        ("*.example.test", "wildcard"),
        ("uat.example.test/s", "path"),
        ("uat.example.test:8443", "port"),
    ],
)
def test_a_sandbox_entry_that_cannot_match_is_refused_naming_it(entry: str, why: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _settings(sandbox_hosts=f"qa.example.test, {entry}")
    message = str(caught.value)
    assert f"PORTAL_SANDBOX_HOSTS entry {entry!r}" in message and why in message
    assert "a host name such as" in message


def test_sandbox_entries_are_kept_as_a_browser_writes_the_host() -> None:
    settings = _settings(sandbox_hosts="UAT.Example.test., bücher.example, 0x7f.1, [::1]")
    assert settings.sandbox_hosts == [
        "uat.example.test",
        "xn--bcher-kva.example",
        "127.0.0.1",
        "[::1]",
    ]


@pytest.mark.parametrize(
    "url",
    ["https://evil.test\\@uat.example.test", "javascript:alert(1)", "https://uat.exa\tmple.test"],
)
def test_a_base_url_a_browser_would_read_otherwise_is_refused(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _settings(base_url=url)
    assert "base_url" in str(caught.value)


@pytest.mark.parametrize(
    "command",
    [["extend", "--contract-number", "LH1"], ["bulk", "plan", "requests.csv"], ["demo"], ["probe"]],
)
def test_every_writing_command_stops_at_start_on_an_entry_that_cannot_match(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env
    result = CliRunner().invoke(
        app, ["--lang", "en", *command], env={"PORTAL_SANDBOX_HOSTS": "*.example.test"}
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: settings: PORTAL_SANDBOX_HOSTS entry '*.example.test'")
    assert "wildcard" in result.output and "a host name such as" in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing started
