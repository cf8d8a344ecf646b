"""Write fixtures/data/route_cases.jsonl: a few hundred mixed routing requests, some invalid.

Deterministic (fixed seed), so the file only changes when this script does. Valid lines cover
every product, coverage mix, contract origin, claim status and the 1 June 2026 boundary; about
one line in eight is invalid in one of the ways people get it wrong (bad JSON, bad contract
number, top_up with baggage, missing field, legacy days covering the whole trip, unknown value).
Blank lines are sprinkled in, since the reader must skip them.

    .venv/bin/python scripts/gen_route_cases.py [--count 400] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "data" / "route_cases.jsonl"
PRODUCTS = ["single_trip", "annual_multi_trip", "top_up", "visitors_to_canada"]
COVERAGES = [
    "emc",
    "emc_reduced_stability",
    "trip_cancellation_interruption",
    "baggage",
    "accidental_death_dismemberment",
]


def _contract(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return "AA" + "".join(rng.choices("0123456789", k=8))
    prefix = rng.choice(["LH", "LH", "LH", "lh", "LV", "QC"])
    return prefix + "".join(rng.choices("0123456789", k=rng.randint(5, 8)))


def _coverages(rng: random.Random, product: str) -> list[str]:
    if product == "top_up" or rng.random() < 0.55:
        return ["emc"]
    chosen = set(rng.sample(COVERAGES, rng.randint(1, 3)))
    if {"emc", "emc_reduced_stability"} <= chosen:
        chosen.discard("emc")
    return sorted(chosen)


def valid_case(rng: random.Random) -> dict[str, object]:
    """A valid request in JSON form; the CSV-like string forms appear too."""
    product = rng.choice(PRODUCTS)
    asked = date(2026, 6, 1) + timedelta(days=rng.randint(-30, 120))
    case: dict[str, object] = {
        "contract_number": _contract(rng),
        "product": product,
        "coverages": _coverages(rng, product),
        "departed": rng.choice([True, False, "oui", "non", "yes", "no"]),
        "claim": rng.choices(["none", "filed", "expected"], weights=[8, 1, 1])[0],
        "request_date": asked.isoformat(),
    }
    if product == "annual_multi_trip":
        case["annual_extension"] = rng.choice(["new", "existing"])
    if rng.random() < 0.3:
        case["coverages"] = ";".join(case["coverages"])  # type: ignore[arg-type]
    if rng.random() < 0.6:
        start = asked + timedelta(days=rng.randint(-60, 30))
        trip_days = rng.randint(5, 180)
        legacy_days = rng.randint(1, trip_days - 1)
        case["trip_start"] = start.isoformat()
        case["trip_end"] = (start + timedelta(days=trip_days - 1)).isoformat()
        if rng.random() < 0.5:
            case["legacy_days"] = legacy_days
        else:
            case["legacy_end"] = (start + timedelta(days=legacy_days - 1)).isoformat()
    return case


def invalid_line(rng: random.Random) -> str:
    """One line that must come back as ``{"error": ...}``."""
    case = valid_case(rng)
    kind = rng.randrange(7)
    if kind == 0:
        return '{"contract_number": "LH12345", "product": '  # truncated JSON
    if kind == 1:
        case["contract_number"] = rng.choice(["LH-12345", "AA1234", "12345678", "L123"])
    elif kind == 2:
        case.update(product="top_up", coverages=["emc", "baggage"])
        case.pop("annual_extension", None)
    elif kind == 3:
        case.pop(rng.choice(["claim", "departed", "product", "coverages"]))
    elif kind == 4:
        case.update(trip_start="2026-05-01", trip_end="2026-06-30", legacy_days=61)
        case.pop("legacy_end", None)
    elif kind == 5:
        case["departed"] = "peut-être"
    else:
        return json.dumps(["not", "an", "object"])
    return json.dumps(case, ensure_ascii=False)


def generate(count: int, seed: int = 20260601) -> list[str]:
    """``count`` request lines (about 1 in 8 invalid) plus a few blank lines."""
    rng = random.Random(seed)
    lines: list[str] = []
    for _ in range(count):
        if rng.random() < 0.125:
            lines.append(invalid_line(rng))
        else:
            lines.append(json.dumps(valid_case(rng), ensure_ascii=False))
        if rng.random() < 0.02:
            lines.append("")
    return lines


def main() -> None:
    """Write the file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    lines = generate(args.count)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} lines to {args.out}")


if __name__ == "__main__":
    main()
