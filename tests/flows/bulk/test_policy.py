"""Retry back-off and the circuit breaker."""

from __future__ import annotations

import random
import threading

import pytest

from flows.attempts import RetryPolicy, back_off
from flows.bulk.policy import CircuitBreaker


def test_back_off_doubles_up_to_its_ceiling_with_jitter_below_it() -> None:
    policy = RetryPolicy(max_attempts=5, base_delay_s=1.0, max_delay_s=5.0)
    rng = random.Random(7)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)]:
        delays = [policy.delay(attempt, rng=rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)


def test_a_retry_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(base_delay_s=3.0, max_delay_s=1.0)


def test_back_off_ends_at_once_when_the_run_stops() -> None:
    stop = threading.Event()
    assert back_off(0.0, stop)
    stop.set()
    assert not back_off(3600.0, stop)  # returns immediately: the test would hang otherwise


def test_the_breaker_trips_on_consecutive_faults_only() -> None:
    breaker = CircuitBreaker(3)
    assert not breaker.fault("500") and not breaker.fault("500")
    breaker.success()
    assert not breaker.fault("500") and not breaker.fault("500")
    assert breaker.fault("timeout")
    assert breaker.tripped
    assert "3 pannes du portail d'affilée (dernière : timeout)" in breaker.reason
    breaker.success()
    assert breaker.tripped  # once tripped the run stops
