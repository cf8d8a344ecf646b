"""Settings read from the environment, then from ``.env`` (pydantic-settings).

Every variable starts with ``PORTAL_``; ``.env.example`` lists each one with what it means and
its default (``tests/automation/test_settings.py`` fails when one is missing there). The password
is a ``SecretStr``: printing the settings, or an exception that carries them, shows
``**********``.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from automation.locale import Locale  # re-exported: the portal's language is the one Locale
from automation.safety import UnsafeUrl, browser_host, sandbox_host

__all__ = [
    "SIMULATOR_PASSWORD",
    "SIMULATOR_USERNAME",
    "Locale",
    "Settings",
    "TraceMode",
    "load_settings",
]

# The bundled simulator's demo account; .env.example holds the same values so the CLI and the
# tests work against the simulator with no configuration at all.
SIMULATOR_USERNAME = "agent@exemple.ca"
SIMULATOR_PASSWORD = "demo-Portail-2026"


class TraceMode(StrEnum):
    """What the Playwright trace of each request records (kept only when the request fails)."""

    # The retries only: a request traces nothing until one of its steps fails and is tried
    # again; the trace of those tries is kept if the request still fails. Tracing every request
    # to throw away the trace of all that succeed doubled the calls from Python to the driver
    # (a stack sent with each action) and its recording of each call, console and network event.
    RETRIES = "retries"
    ACTIONS = "actions"  # every request: the actions with their call logs, console and network
    FULL = "full"  # also DOM snapshots around each action and a screencast
    OFF = "off"  # no trace: a failure keeps its screenshot only


class Settings(BaseSettings):
    """Where the portal is, how to sign in and how to drive the browser."""

    model_config = SettingsConfigDict(
        env_prefix="PORTAL_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    base_url: str = Field("", description="Root URL of the portal; empty starts the simulator.")
    username: str = SIMULATOR_USERNAME
    password: SecretStr = SecretStr(SIMULATOR_PASSWORD)
    locale: Locale = Locale.FR
    headless: bool = True
    slow_mo_ms: int = Field(0, ge=0)
    timeout_ms: int = Field(15_000, ge=1_000)
    # DOM snapshots and the screencast cost about 1 s of browser work per request (the
    # walk's own work is 2 s; scripts/bench_extend.py), so they are asked for, not default;
    # so is a trace of every request (scripts/bench_extend.py --messages).
    trace: TraceMode = TraceMode.RETRIES
    artifacts_dir: Path = Path("artifacts")
    storage_state: Path = Path(".auth/state.json")
    browser_executable: Path | None = None
    browser_channel: str | None = None
    browser_ws_endpoint: str = ""
    sandbox_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    show_personal_data: bool = False
    # The client the regression suite and `prolong probe` search for and sell to: an existing
    # account of the target org (defaults: a seed account of the simulator).
    test_client_first_name: str = "Jean"
    test_client_last_name: str = "Bonjour"
    test_client_birth_date: date = date(1950, 1, 1)
    test_client_phone: str = "(514) 467-3193"
    test_client_postal_code: str = "H3A 2Y1"
    test_client_province: str = "QC"

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value:
            try:
                browser_host(value)  # read as the browser will: http(s), written plainly
            except UnsafeUrl as unsafe:
                raise ValueError(f"must be an http:// or https:// URL: {unsafe}") from None
        return value

    @field_validator("sandbox_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        # A comma-separated list reads better in a .env file than a JSON array.
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @field_validator("sandbox_hosts")
    @classmethod
    def _hosts_that_can_match(cls, value: list[str]) -> list[str]:
        # An entry that can never match (https://…, *.example.test, a path) would leave sales
        # refused with no hint why, or look like an allowance it is not: refused at start.
        return [sandbox_host(entry) for entry in value]

    @field_validator("browser_executable", "browser_channel", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


def load_settings(**overrides: object) -> Settings:
    """Read the settings, letting explicit values (CLI options) win over the environment."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
