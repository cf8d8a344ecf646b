"""Fault injection, live fault settings and request stats (API.md, « Fault injection »)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from fixtures.portal import faults as faults_module
from tests.portal.test_api import (
    JEAN_FORM,
    RESIDENT,
    SEED_TRIP,
    FakeClock,
    TestClient,
    make_client,
    new_opportunity,
    sign_in,
)


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the injected delays instead of waiting for them."""
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr(faults_module, "_sleep", record)
    return delays


@pytest.fixture
def api() -> Iterator[TestClient]:
    with make_client(FakeClock(), fault_seed=7) as client:
        sign_in(client)
        yield client


def test_page_fault_rate_one_answers_every_page_load_with_the_error_page(api: TestClient) -> None:
    set_faults(api, page_fault_rate=1.0)
    before = api.get("/__sim__/stats").json()
    for path in ("/s/", "/s/login?startURL=%2Fs%2F", "/s/account/001x"):
        page = api.get(path)
        assert page.status_code == 500, path
        assert "<h1>Erreur du serveur</h1>" in page.text
        assert "window.__SIM__" not in page.text  # no app, so no sign-in form
    after = api.get("/__sim__/stats").json()
    assert after["faults_injected"] - before["faults_injected"] == 3
    assert after["page_loads"] == before["page_loads"]
    assert api.get("/api/session").status_code == 200  # the API is not faulted by it
    set_faults(api, page_fault_rate=0.0)
    assert api.get("/s/login").status_code == 200


def set_faults(api: TestClient, **values: Any) -> dict[str, Any]:
    answer = api.post("/__sim__/faults", json=values)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def create_body(last_name: str) -> dict[str, Any]:
    return {
        "account_id": None,
        "client": {**JEAN_FORM, "last_name": last_name},
        "privacy_consent": True,
        "residency": RESIDENT,
    }


def test_rate_one_fails_every_api_call_but_sign_in(api: TestClient) -> None:
    set_faults(api, fault_rate=1.0)
    for _ in range(6):
        answer = api.get("/api/search", params={"q": "jean"})
        assert answer.status_code == 500
        assert answer.json()["error"] == "server_error"
        assert answer.headers["x-sim-fault"] in ("before", "after")
    sign_in(api)  # login is never faulted
    assert api.get("/__sim__/health").status_code == 200  # nor the control endpoints


def test_after_faults_committed_and_before_faults_did_not(api: TestClient) -> None:
    set_faults(api, fault_rate=1.0)
    kinds: dict[str, str] = {}
    for attempt in range(12):
        name = f"Essai{attempt}"
        answer = api.post("/api/opportunities", json=create_body(name))
        assert answer.status_code == 500
        kinds[name] = answer.headers["x-sim-fault"]
    assert set(kinds.values()) == {"before", "after"}  # seed 7 draws both halves
    set_faults(api, fault_rate=0.0)
    for name, kind in kinds.items():
        found = [a["name"] for a in api.get("/api/search", params={"q": name}).json()["accounts"]]
        assert found == ([f"Jean {name}"] if kind == "after" else []), kind


def test_finalize_retried_after_a_fault_gives_one_contract(api: TestClient) -> None:
    opp = api.post("/api/opportunities", json=create_body("Reprise")).json()
    api.post(f"/api/opportunities/{opp['id']}/complete-stage", json={"trip": SEED_TRIP})
    set_faults(api, fault_rate=1.0)
    lost = [api.post(f"/api/opportunities/{opp['id']}/finalize") for _ in range(4)]
    assert {a.status_code for a in lost} == {500}
    set_faults(api, fault_rate=0.0)
    sold = api.post(f"/api/opportunities/{opp['id']}/finalize").json()
    numbers = [
        c["number"]
        for c in api.get("/__sim__/contracts").json()
        if c["opportunity_id"] == opp["id"]
    ]
    assert numbers == [sold["contract_number"]]


def test_same_seed_same_faults() -> None:
    def run() -> list[int]:
        with make_client(FakeClock(), fault_rate=0.5, fault_seed=3) as client:
            sign_in(client)
            return [client.get("/api/search", params={"q": "jean"}).status_code for _ in range(16)]

    first = run()
    assert first == run()
    assert set(first) == {200, 500}


def test_latency_on_api_and_spinner_on_mutating_calls(slept: list[float]) -> None:
    with make_client(FakeClock(), latency_ms=120, spinner_ms=800) as api:
        sign_in(api)  # mutating, but the spinner delay is not for sign-in
        api.get("/api/search", params={"q": "jean"})
        api.post("/api/opportunities", json=create_body("Lent"))
        api.get("/__sim__/contracts")
        api.get("/s/")
        assert slept == [0.12, 0.12, 0.92]


def test_boot_delay_on_every_page_load_and_nothing_else(slept: list[float]) -> None:
    with make_client(FakeClock(), boot_ms=1500, latency_ms=120) as api:
        sign_in(api)
        for path in ("/s/", "/s/account/001Sim000000000001", "/"):  # "/" redirects to /s/
            api.get(path)
        api.get("/s", follow_redirects=False)  # the redirect alone is not the shell
        api.get("/assets/app.js")
        api.post("/s/")  # 405: no shell was fetched
        api.get("/api/session")
        api.get("/__sim__/health")
        assert slept == [0.12, 1.5, 1.5, 1.5, 0.12]


def test_faults_change_live_and_answer_current_values(slept: list[float]) -> None:
    with make_client(FakeClock()) as api:
        sign_in(api)
        api.get("/api/session")
        assert slept == []
        values = set_faults(api, latency_ms=50, session_ttl=60)
        assert values == {
            "latency_ms": 50,
            "fault_rate": 0.0,
            "spinner_ms": 0,
            "session_ttl": 60,
            "fault_seed": None,
            "lose_answer_of": "",
            "page_fault_rate": 0.0,
            "fail_trip_to": "",
        }
        api.get("/api/session")
        assert slept == [0.05]


def test_the_answer_of_one_chosen_call_is_lost_once_after_it_committed() -> None:
    with make_client(FakeClock()) as api:
        sign_in(api)
        assert set_faults(api, lose_answer_of="/session")["lose_answer_of"] == "/session"
        assert api.get("/api/session").status_code == 200  # a GET is never the chosen call
        assert set_faults(api, lose_answer_of="/logout")["lose_answer_of"] == "/logout"
        lost = api.post("/api/logout")
        assert (lost.status_code, lost.headers["X-Sim-Fault"]) == (500, "after")
        assert api.post("/api/logout").status_code != 500  # once
        assert api.get("/api/session").status_code == 401  # the first logout went through


def test_shorter_session_ttl_applies_to_open_sessions() -> None:
    clock = FakeClock()
    with make_client(clock) as api:
        sign_in(api)
        set_faults(api, session_ttl=1)
        clock.now += timedelta(seconds=1)
        assert api.get("/api/session").status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"fault_rate": 1.5}, 422),
        ({"latency_ms": -1}, 422),
        ({"session_ttl": 0}, 422),
        ({"latency_ms": "100"}, 400),
        ({"latency_ms": 1.5}, 400),
        ({"fault_rate": True}, 400),
        ({"fail_trip_to": 3}, 400),
        ({"latency": 100}, 400),
        ([], 400),
    ],
)
def test_bad_fault_settings_are_refused(api: TestClient, body: object, status: int) -> None:
    answer = api.post("/__sim__/faults", json=body)
    assert answer.status_code == status, answer.text
    assert api.post("/__sim__/faults", json={}).json()["latency_ms"] == 0  # nothing applied


def test_stats_count_requests_outside_the_control_endpoints(api: TestClient) -> None:
    before = api.get("/__sim__/stats").json()
    api.get("/api/search", params={"q": "jean"})
    api.get("/s/")
    set_faults(api, fault_rate=1.0)
    api.get("/api/session")
    after = api.get("/__sim__/stats").json()
    assert after["requests"] - before["requests"] == 3
    assert after["api_requests"] - before["api_requests"] == 2
    assert after["page_loads"] - before["page_loads"] == 1
    assert after["faults_injected"] - before["faults_injected"] == 1
    assert after["server_time_ms"] >= before["server_time_ms"] > 0


def test_page_loads_count_shell_fetches_not_redirects_assets_or_api(slept: list[float]) -> None:
    with make_client(FakeClock(), boot_ms=2000) as api:
        assert api.get("/__sim__/stats").json()["page_loads"] == 0
        sign_in(api)
        api.get("/")  # redirect + shell: one page load
        api.get("/s/global-search/Bonjour")
        api.get("/assets/app.js")
        api.get("/api/search", params={"q": "bonjour"})
        stats = api.get("/__sim__/stats").json()
        assert (stats["page_loads"], stats["api_requests"]) == (2, 2)
        api.post("/__sim__/reset")  # reseeds the records; the stats go on
        assert api.get("/__sim__/stats").json()["page_loads"] == 2


def test_a_trip_to_the_chosen_destination_fails_until_the_switch_is_cleared() -> None:
    with make_client(FakeClock()) as api:
        sign_in(api)
        assert set_faults(api, fail_trip_to="de, jp")["fail_trip_to"] == "DE,JP"
        opp = new_opportunity(api)
        stage = f"/api/opportunities/{opp['id']}/complete-stage"
        for _ in range(3):  # every try, not a share of them
            failed = api.post(stage, json={"trip": SEED_TRIP})
            assert (failed.status_code, failed.headers["X-Sim-Fault"]) == (500, "before")
            assert failed.json()["error"] == "server_error"
        assert api.get(f"/api/opportunities/{opp['id']}").json()["stage"] == "voyage"
        elsewhere = new_opportunity(api)
        trip = {**SEED_TRIP, "destination": "FR"}
        went = api.post(f"/api/opportunities/{elsewhere['id']}/complete-stage", json={"trip": trip})
        assert went.status_code == 200  # only that destination
        assert set_faults(api, fail_trip_to="")["fail_trip_to"] == ""
        assert api.post(stage, json={"trip": SEED_TRIP}).status_code == 200  # the same draft
