"""The JSON API through steps 1–7 of the seed document, its errors and its sessions."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from fixtures.portal.app import create_app
from fixtures.portal.options import DEFAULT_PASSWORD, DEFAULT_USERNAME, SimOptions

with warnings.catch_warnings():
    # Starlette 1.x warns that its TestClient prefers httpx2; httpx is what this project has.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient as TestClient  # re-exported to test_api_*


class FakeClock:
    """A clock the test moves by hand (session expiry without waiting)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 4, 20, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_client(clock: FakeClock, **options: Any) -> TestClient:
    return TestClient(create_app(SimOptions(**options), clock=clock))


def sign_in(client: TestClient) -> None:
    answer = client.post(
        "/api/login", json={"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture
def api(clock: FakeClock) -> Iterator[TestClient]:
    with make_client(clock) as client:
        sign_in(client)
        yield client


JEAN_FORM: dict[str, Any] = {
    "salutation": None,
    "first_name": "Jean",
    "last_name": "Bonjour",
    "birth_date": "1950-01-01",
    "email": "jeanbonjour@pv.bleuelab.ca",
    "phone": "5144673193",
    "street": "1981 Avenue McGill College",
    "city": "Montréal",
    "province": "QC",
    "postal_code": "H3A 2Y1",
    "language": "fr",
}
RESIDENT = {"buyer_travelling": True, "all_canadian_residents": True, "all_provincial_plan": True}
SEED_TRIP: dict[str, Any] = {
    "destination": "DE",
    "trip_reason": "study",
    "trip_start": "2026-05-01",
    "trip_end": "2026-06-30",
    "trip_cost": None,
    "other_insurer": True,
    "other_insurer_days": 15,
    "other_insurer_type": "legacy_qc_on",
    "health_coverage": True,
    "cancellation_coverage": False,
}


def new_opportunity(
    api: TestClient, account_id: str | None = None, **changes: Any
) -> dict[str, Any]:
    body = {
        "account_id": account_id,
        "client": JEAN_FORM,
        "privacy_consent": True,
        "dsr_disclosure": True,
        "residency": RESIDENT,
        **changes,
    }
    answer = api.post("/api/opportunities", json=body)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def priced_opportunity(api: TestClient) -> dict[str, Any]:
    opp = new_opportunity(api)
    answer = api.post(f"/api/opportunities/{opp['id']}/complete-stage", json={"trip": SEED_TRIP})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_steps_1_to_7_issue_a_top_up_contract(api: TestClient) -> None:
    # 1–2: search by phone, pick Jean Bonjour by name and birth date among the two accounts.
    found = api.get("/api/search", params={"q": "(514) 467-3193"}).json()
    assert [a["name"] for a in found["accounts"]] == ["Test F.Int Nighal", "Jean Bonjour"]
    jean = next(a for a in found["accounts"] if a["birth_date"] == "1950-01-01")
    account = api.get(f"/api/accounts/{jean['id']}").json()
    assert (account["client_number"], account["age"]) == ("005331409PV", 76)
    # 3–5: « Nouvelle opportunité » with consent and the resident questionnaire.
    opp = new_opportunity(api, jean["id"])
    assert opp["stage"] == "voyage"
    assert opp["name"].startswith("QUO - Jean Bonjour - 2026-04-20 - ")
    # 6: Voyage step.
    answer = api.post(f"/api/opportunities/{opp['id']}/complete-stage", json={"trip": SEED_TRIP})
    priced = answer.json()
    assert (priced["stage"], priced["product"], priced["trip_days"], priced["premium"]) == (
        "couverture",
        "top_up",
        61,
        607.2,
    )
    # 7: finalise, read back the AA number.
    sold = api.post(f"/api/opportunities/{opp['id']}/finalize").json()
    assert sold["stage"] == "vendue"
    number = sold["contract_number"]
    assert sold["contracts"] == [
        {
            "number": number,
            "purchase_date": "2026-04-20",
            "trip_start": "2026-05-01",
            "trip_end": "2026-06-30",
        }
    ]
    contract = next(c for c in api.get("/__sim__/contracts").json() if c["number"] == number)
    assert contract == {
        "number": number,
        "account_name": "Jean Bonjour",
        "birth_date": "1950-01-01",
        "trip_start": "2026-05-01",
        "trip_end": "2026-06-30",
        "other_insurer_days": 15,
        "other_insurer_type": "legacy_qc_on",
        "other_insurer_type_label": "Ancien système voyage QC ON",
        "opportunity_name": opp["name"],
        "opportunity_id": opp["id"],
        "premium": 607.2,
        "issued_at": "2026-04-20T15:00:00+00:00",
    }
    # The sale shows on the account and is found by its contract number.
    rows = api.get(f"/api/accounts/{jean['id']}").json()["opportunities"]
    assert rows[0]["contract_number"] == number
    assert (
        api.get("/api/search", params={"q": number}).json()["opportunities"][0]["id"] == opp["id"]
    )


def test_new_client_without_account_creates_one(api: TestClient) -> None:
    form = {**JEAN_FORM, "first_name": "Aline", "last_name": "Fortin", "phone": "418 555 0100"}
    opp = new_opportunity(api, None, client=form)
    account = api.get(f"/api/accounts/{opp['account_id']}").json()
    assert (account["name"], account["phone"], account["country"]) == (
        "Aline Fortin",
        "(418) 555-0100",
        "Canada",
    )


def test_finalize_twice_returns_the_same_contract(api: TestClient) -> None:
    opp = priced_opportunity(api)
    first = api.post(f"/api/opportunities/{opp['id']}/finalize")
    second = api.post(f"/api/opportunities/{opp['id']}/finalize")
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["contract_number"] == second.json()["contract_number"]
    numbers = [
        c["number"]
        for c in api.get("/__sim__/contracts").json()
        if c["opportunity_id"] == opp["id"]
    ]
    assert numbers == [first.json()["contract_number"]]


def test_wrong_stages_answer_409(api: TestClient) -> None:
    opp = new_opportunity(api)
    early = api.post(f"/api/opportunities/{opp['id']}/finalize")
    assert (early.status_code, early.json()["error"]) == (409, "wrong_stage")
    assert "Voyage" in early.json()["message"]
    api.post(f"/api/opportunities/{opp['id']}/complete-stage", json={"trip": SEED_TRIP})
    again = api.post(f"/api/opportunities/{opp['id']}/complete-stage", json={"trip": SEED_TRIP})
    assert again.status_code == 409


def test_validation_errors_answer_422_with_fields(api: TestClient) -> None:
    body = {
        "account_id": None,
        "client": {**JEAN_FORM, "phone": "123"},
        "privacy_consent": False,
        "residency": {**RESIDENT, "all_provincial_plan": False},
    }
    answer = api.post("/api/opportunities", json=body)
    assert answer.status_code == 422
    data = answer.json()
    assert data["error"] == "invalid_fields"
    assert set(data["errors"]) == {"phone", "privacy_consent", "residency"}
    assert "Téléphone" in data["message"]


def test_trip_validation_answers_422(api: TestClient) -> None:
    opp = new_opportunity(api)
    trip = {**SEED_TRIP, "other_insurer_days": 61, "other_insurer_type": None}
    answer = api.post(f"/api/opportunities/{opp['id']}/complete-stage", json={"trip": trip})
    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {"other_insurer_days", "other_insurer_type"}
    assert api.get(f"/api/opportunities/{opp['id']}").json()["stage"] == "voyage"


def test_messages_follow_the_simulator_locale(clock: FakeClock) -> None:
    with make_client(clock, locale="en") as api:
        sign_in(api)
        body = {
            "client": {**JEAN_FORM, "postal_code": "nope"},
            "privacy_consent": True,
            "residency": RESIDENT,
        }
        errors = api.post("/api/opportunities", json=body).json()["errors"]
        assert errors == {
            "postal_code": "Postal Code: enter a Canadian postal code (e.g. H3A 2Y1)."
        }


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error"),
    [
        ("post", "/api/opportunities", b"{not json", 400, "invalid_body"),
        ("post", "/api/opportunities", b"\xff\xfe", 400, "invalid_body"),
        ("post", "/api/opportunities", b"[]", 400, "invalid_body"),
        (
            "post",
            "/api/opportunities",
            b'{"client": {"birth_date": 19500101}}',
            400,
            "invalid_body",
        ),
        (
            "post",
            "/api/opportunities",
            b'{"account_id": "001nope", "client": {"first_name": "A",'
            b' "last_name": "B", "birth_date": "1990-01-01", "phone": "5145550100",'
            b' "province": "ON",'
            b' "postal_code": "M5V 2T6", "language": "en"}, "residency": {"buyer_travelling": true,'
            b' "all_canadian_residents": true, "all_provincial_plan": true}}',
            404,
            "not_found",
        ),
        ("get", "/api/accounts/001nope", None, 404, "not_found"),
        ("get", "/api/opportunities/006nope", None, 404, "not_found"),
        ("post", "/api/opportunities/006nope/finalize", None, 404, "not_found"),
        ("post", "/api/opportunities/006nope/complete-stage", b"{}", 404, "not_found"),
        ("get", "/api/search?q=a", None, 422, "invalid_fields"),
        ("get", "/api/search", None, 422, "invalid_fields"),
        ("get", "/api/unknown", None, 404, "not_found"),
        ("delete", "/api/search", None, 405, "method_not_allowed"),
        ("post", "/api/login", b'{"username": 1}', 400, "invalid_body"),
    ],
)
def test_bad_requests_answer_4xx_json(
    api: TestClient, method: str, path: str, body: bytes | None, status: int, error: str
) -> None:
    answer = api.request(method.upper(), path, content=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] == error
    assert answer.json()["message"]


def test_complete_stage_wrong_types_answer_400(api: TestClient) -> None:
    opp = new_opportunity(api)
    trip = {**SEED_TRIP, "other_insurer_days": "15"}
    answer = api.post(f"/api/opportunities/{opp['id']}/complete-stage", json={"trip": trip})
    assert answer.status_code == 400
    assert "trip.other_insurer_days" in answer.json()["message"]


def test_oversized_body_answers_413(api: TestClient) -> None:
    answer = api.post("/api/opportunities", content=b"{" + b" " * 1_100_000 + b"}")
    assert answer.status_code == 413


def test_api_needs_a_session(clock: FakeClock) -> None:
    with make_client(clock) as client:
        answer = client.get("/api/search", params={"q": "jean"})
        assert (answer.status_code, answer.json()["error"]) == (401, "session_expired")
        assert client.get("/api/session").status_code == 401


def test_wrong_password_answers_401(clock: FakeClock) -> None:
    with make_client(clock) as client:
        answer = client.post("/api/login", json={"username": DEFAULT_USERNAME, "password": "x"})
        assert (answer.status_code, answer.json()["error"]) == (401, "invalid_credentials")
        assert "sid" not in answer.cookies


def test_login_sets_an_httponly_lax_cookie(clock: FakeClock) -> None:
    with make_client(clock) as client:
        answer = client.post(
            "/api/login", json={"username": "AGENT@exemple.ca", "password": DEFAULT_PASSWORD}
        )
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("sid=")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert answer.json() == {"user": {"name": "Agent Démo"}}


def test_session_expires_at_its_absolute_ttl(clock: FakeClock) -> None:
    with make_client(clock, session_ttl=3600) as api:
        sign_in(api)
        info = api.get("/api/session").json()
        assert info["expires_at"] == "2026-04-20T16:00:00+00:00"
        clock.now += timedelta(minutes=59)
        assert api.get("/api/search", params={"q": "jean"}).status_code == 200
        clock.now += timedelta(minutes=1)  # activity does not extend it
        assert api.get("/api/search", params={"q": "jean"}).status_code == 401


def test_expire_sessions_and_logout(api: TestClient) -> None:
    assert api.post("/__sim__/expire-sessions").status_code == 204
    assert api.get("/api/session").json()["error"] == "session_expired"
    sign_in(api)
    assert api.post("/api/logout").status_code == 204
    assert api.get("/api/session").status_code == 401


def test_reset_wipes_and_reseeds(api: TestClient) -> None:
    opp = priced_opportunity(api)
    api.post(f"/api/opportunities/{opp['id']}/finalize")
    assert api.post("/__sim__/reset").status_code == 204
    assert [c["number"] for c in api.get("/__sim__/contracts").json()] == ["AA10482736"]
    assert api.get(f"/api/opportunities/{opp['id']}").status_code == 404
    assert api.get("/api/session").status_code == 200  # signed-in browsers stay signed in
