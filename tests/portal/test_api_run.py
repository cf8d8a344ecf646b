"""Running the simulator: options from SIM_*, a real server in a thread, the command lines."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from automation.locale import Locale
from fixtures.portal import __main__ as module_main
from fixtures.portal import run
from fixtures.portal.options import OptionsError, SimOptions
from flows.cli import portal as portal_cli


def test_options_from_env() -> None:
    options = SimOptions.from_env(
        {
            "SIM_LOCALE": "en",
            "SIM_SHADOW": "native",
            "SIM_DB": "/tmp/x.db",
            "SIM_LATENCY_MS": "250",
            "SIM_FAULT_RATE": "0.1",
            "SIM_FAULT_SEED": "42",
            "SIM_SPINNER_MS": "500",
            "SIM_SESSION_TTL": "60",
            "SIM_BOOT_MS": "3000",
            "SIM_LABELS": '{"nav_home": "Home!"}',
        }
    )
    assert options == SimOptions(
        locale=Locale.EN,
        shadow="native",
        db="/tmp/x.db",
        latency_ms=250,
        fault_rate=0.1,
        fault_seed=42,
        spinner_ms=500,
        session_ttl=60,
        boot_ms=3000,
        label_overrides={"nav_home": "Home!"},
    )


def test_default_options() -> None:
    options = SimOptions.from_env({})
    assert (options.db, options.username, options.password, options.locale, options.boot_ms) == (
        ":memory:",
        "agent@exemple.ca",
        "demo-Portail-2026",
        "fr",
        0,
    )


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"SIM_LOCALE": "de"}, "locale"),
        ({"SIM_LATENCY_MS": "fast"}, "SIM_LATENCY_MS"),
        ({"SIM_FAULT_RATE": "2"}, "fault_rate"),
        ({"SIM_BOOT_MS": "-1"}, "boot_ms"),
        ({"SIM_BOOT_MS": "2s"}, "SIM_BOOT_MS"),
        ({"SIM_LABELS": "[1]"}, "SIM_LABELS"),
        ({"SIM_LABELS": "{oops"}, "SIM_LABELS"),
    ],
)
def test_bad_env_names_the_variable(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(OptionsError, match=fragment):
        SimOptions.from_env(env)


def test_start_in_thread_serves_real_http() -> None:
    with run.start_in_thread(SimOptions(locale=Locale.EN)) as sim:
        assert sim.url.startswith("http://127.0.0.1:")
        health = httpx.get(f"{sim.url}/__sim__/health").json()
        assert (health["simulator"], health["locale"]) == ("prolong-portal", "en")
        login = httpx.post(
            f"{sim.url}/api/login",
            json={"username": "agent@exemple.ca", "password": "demo-Portail-2026"},
        )
        assert login.status_code == 200
    assert not sim._thread.is_alive()


def test_two_simulators_are_independent() -> None:
    with run.start_in_thread() as first, run.start_in_thread() as second:
        assert first.url != second.url
        httpx.post(f"{first.url}/__sim__/faults", json={"latency_ms": 5})
        assert httpx.post(f"{second.url}/__sim__/faults", json={}).json()["latency_ms"] == 0


class _NoServer:
    def run(self, sockets: object) -> None:
        """Return at once instead of serving forever."""


def test_serve_prints_url_and_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run, "_server", lambda options, quiet: _NoServer())
    run.serve(SimOptions(), "127.0.0.1", 0)
    out = capsys.readouterr().out
    assert "http://127.0.0.1:" in out
    assert "agent@exemple.ca / demo-Portail-2026" in out


def test_cli_serve_builds_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[tuple[SimOptions, str, int]] = []
    monkeypatch.setattr(portal_cli, "serve_simulator", lambda o, h, p: seen.append((o, h, p)))
    monkeypatch.setenv("SIM_SPINNER_MS", "300")
    result = CliRunner().invoke(
        portal_cli.app,
        [
            "serve",
            "--port",
            "9000",
            "--locale",
            "en",
            "--shadow",
            "native",
            "--db",
            str(tmp_path / "p.db"),
            "--fault-rate",
            "0.25",
            "--fault-seed",
            "1",
            "--latency-ms",
            "10",
            "--session-ttl",
            "90",
            "--boot-ms",
            "2500",
            "--label",
            "nav_home=Début",
            "--label",
            "site_title=A=B",
        ],
    )
    assert result.exit_code == 0, result.output
    options, host, port = seen[0]
    assert (host, port) == ("127.0.0.1", 9000)
    assert options == SimOptions(
        locale=Locale.EN,
        shadow="native",
        db=str(tmp_path / "p.db"),
        latency_ms=10,
        fault_rate=0.25,
        fault_seed=1,
        spinner_ms=300,
        session_ttl=90,
        boot_ms=2500,
        label_overrides={"nav_home": "Début", "site_title": "A=B"},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "--label", "no-equals"],
        ["serve", "--locale", "de"],
        ["serve", "--fault-rate", "1.5"],
        ["serve", "--shadow", "light"],
        ["serve", "--boot-ms", "-5"],
    ],
)
def test_cli_serve_refuses_bad_options(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setattr(portal_cli, "serve_simulator", lambda o, h, p: pytest.fail("served"))
    result = CliRunner().invoke(portal_cli.app, args)
    assert result.exit_code == 2


def test_python_m_fixtures_portal(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[SimOptions, str, int]] = []
    monkeypatch.setattr(module_main, "serve", lambda o, h, p: seen.append((o, h, p)))
    assert (
        module_main.main(["--port", "0", "--locale", "en", "--label", "a=b", "--boot-ms", "1200"])
        == 0
    )
    options, _host, port = seen[0]
    assert (options.locale, options.label_overrides, options.boot_ms, port) == (
        "en",
        {"a": "b"},
        1200,
        0,
    )
    assert module_main.main(["--label", "oops"]) == 2
