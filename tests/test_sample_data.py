"""The committed demo practice (sample_data/) is exactly what its generator writes, and
its ERAs are well-formed, balanced 835s that pay the claims in claims.csv."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
ERAS = sorted((SAMPLE / "eras").glob("*.835"))
ANCHOR = "2026-06-30"


def _load_generator():
    spec = importlib.util.spec_from_file_location("sample_data_generate", SAMPLE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _files(root: Path) -> dict[str, bytes]:
    paths = [root / "claims.csv", root / "README.md", root / "scenarios.json", *sorted((root / "eras").glob("*"))]
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in paths if p.is_file()}


def _claims() -> dict[str, list[dict]]:
    by_claim: dict[str, list[dict]] = {}
    with open(SAMPLE / "claims.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            by_claim.setdefault(row["claim_number"], []).append(row)
    return by_claim


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def _remittances(path: Path) -> list[dict]:
    """A deliberately small 835 reader: transactions → claims → lines, amounts in cents."""
    text = path.read_text(encoding="ascii")
    segs = [s.strip().split("*") for s in text.split("~") if s.strip()]
    out, tx, claim, line = [], None, None, None
    for seg in segs:
        tag = seg[0]
        if tag == "ST":
            tx = {"claims": [], "plb": []}
            out.append(tx)
        elif tag == "BPR":
            tx["amount"], tx["date"] = _cents(seg[2]), seg[16]
        elif tag == "N1" and seg[1] == "PR":
            tx["payer_id"] = seg[4]
        elif tag == "CLP":
            claim = {
                "number": seg[1],
                "status": seg[2],
                "charge": _cents(seg[3]),
                "paid": _cents(seg[4]),
                "icn": seg[7],
                "lines": [],
            }
            tx["claims"].append(claim)
            line = None
        elif tag == "NM1" and seg[1] == "QC":
            claim["last"], claim["first"], claim["member_id"] = seg[3], seg[4], seg[9]
        elif tag == "SVC":
            proc = seg[1].split(":")
            line = {
                "code": proc[1],
                "modifiers": ":".join(proc[2:]),
                "charge": _cents(seg[2]),
                "paid": _cents(seg[3]),
                "units": seg[5],
            }
            claim["lines"].append(line)
        elif tag == "DTM" and seg[1] == "472":
            line["date"] = seg[2]
        elif tag == "REF" and seg[1] == "6R":
            line["control"] = seg[2]
        elif tag == "PLB":
            for k in range(3, len(seg), 2):
                reason, _, ref = seg[k].partition(":")
                tx["plb"].append((reason, ref, _cents(seg[k + 1])))
    return out


def test_regenerating_gives_byte_identical_files(tmp_path):
    # plain interpreter, isolated mode: the generator needs nothing but the standard library
    result = subprocess.run(
        [sys.executable, "-I", str(SAMPLE / "generate.py"), "--anchor", ANCHOR, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    committed, fresh = _files(SAMPLE), _files(tmp_path)
    assert sorted(committed) == sorted(fresh)
    changed = [name for name in committed if committed[name] != fresh[name]]
    assert not changed, f"edited by hand or generator changed without regenerating: {changed}"


def test_eras_exist():
    assert 4 <= len(ERAS) <= 6


@pytest.mark.parametrize("path", ERAS, ids=lambda p: p.name)
def test_era_balances_and_envelopes_count(path):
    counts = gen.check_balanced(path)
    assert counts["transactions"] >= 1 and counts["claims"] >= 1
    text = path.read_text(encoding="ascii")
    assert all(line.endswith("~") for line in text.splitlines())


def test_check_balanced_catches_a_broken_file(tmp_path):
    text = ERAS[0].read_text(encoding="ascii")
    broken = tmp_path / "broken.835"
    # pay one cent more on the first service line: line, claim and transaction all break
    start = text.index("\nSVC*")
    end = text.index("~", start)
    fields = text[start + 1 : end].split("*")
    fields[3] = gen.x12_amount(_cents(fields[3]) + 1)
    broken.write_text(text[: start + 1] + "*".join(fields) + text[end:], encoding="ascii")
    with pytest.raises(AssertionError, match="SVC02"):
        gen.check_balanced(broken)
    se = text.index("\nSE*")
    broken.write_text(text[: se + 4] + "9" + text[se + 4 :], encoding="ascii")
    with pytest.raises(AssertionError, match="SE01"):
        gen.check_balanced(broken)


def test_claims_csv_header_is_the_import_format():
    with open(SAMPLE / "claims.csv", newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == [
        "claim_number",
        "patient_account",
        "patient_name",
        "patient_dob",
        "payer_id",
        "payer_name",
        "service_date",
        "billed_date",
        "procedure_code",
        "modifiers",
        "units",
        "charge",
        "member_id",
        "secondary_payer_id",
        "secondary_payer_name",
        "secondary_member_id",
        "line_control_number",
        "rendering_npi",
        "billing_npi",
        "place_of_service",
        "frequency_code",
    ]


def test_claims_csv_rows_are_consistent():
    claims = _claims()
    assert 250 <= len(claims) <= 350
    claim_level = [
        "patient_account",
        "patient_name",
        "patient_dob",
        "payer_id",
        "payer_name",
        "billed_date",
        "member_id",
        "secondary_payer_id",
        "secondary_payer_name",
        "secondary_member_id",
        "rendering_npi",
        "billing_npi",
        "place_of_service",
        "frequency_code",
    ]
    controls = set()
    anchor = dt.date.fromisoformat(ANCHOR)
    for number, rows in claims.items():
        assert 1 <= len(rows) <= 4
        for field in claim_level:
            assert len({r[field] for r in rows}) == 1, (number, field)
        for r in rows:
            assert r["charge"] == f"{Decimal(r['charge']):.2f}" and Decimal(r["charge"]) > 0
            assert int(r["units"]) >= 1
            assert "," in r["patient_name"]
            assert r["place_of_service"] == "11"
            assert gen.npi_is_valid(r["billing_npi"]) and gen.npi_is_valid(r["rendering_npi"])
            assert r["service_date"] <= r["billed_date"] <= ANCHOR
            assert dt.date.fromisoformat(r["service_date"]) >= anchor - dt.timedelta(days=186)
            controls.add(r["line_control_number"])
        assert rows[0]["billing_npi"] == gen.PRACTICE["npi"]
    assert len(controls) == sum(len(rows) for rows in claims.values())


def test_every_era_claim_but_the_unmatched_one_is_in_claims_csv():
    claims = _claims()
    unmatched = []
    for path in ERAS:
        for tx in _remittances(path):
            assert tx["date"] <= ANCHOR.replace("-", "")
            for cp in tx["claims"]:
                rows = claims.get(cp["number"])
                if rows is None:
                    unmatched.append(cp["number"])
                    continue
                head = rows[0]
                if tx["payer_id"] == head["payer_id"]:
                    member = head["member_id"]
                else:
                    assert tx["payer_id"] == head["secondary_payer_id"], cp["number"]
                    member = head["secondary_member_id"]
                assert cp["member_id"] == member, cp["number"]
                last, first = head["patient_name"].upper().split(", ")
                assert (cp["last"], cp["first"]) == (last, first)
                sign = -1 if cp["status"] == "22" else 1
                assert sign * cp["charge"] == sum(_cents(r["charge"]) for r in rows)
                by_control = {r["line_control_number"]: r for r in rows}
                assert len(cp["lines"]) == len(rows)
                for line in cp["lines"]:
                    row = by_control[line["control"]]
                    assert sign * line["charge"] == _cents(row["charge"])
                    assert line["code"] == row["procedure_code"]
                    assert line["modifiers"] == row["modifiers"]
                    assert line["date"] == row["service_date"].replace("-", "")
    assert unmatched == [gen.UNMATCHED_CLAIM]


def test_reversal_negates_an_earlier_payment_and_is_corrected():
    seen: dict[tuple[str, str, str], dict] = {}
    reversals = 0
    for path in ERAS:
        for tx in _remittances(path):
            in_file = tx["claims"]
            for k, cp in enumerate(in_file):
                if cp["status"] == "22":
                    original = seen[(tx["payer_id"], cp["number"], cp["icn"])]
                    assert (cp["charge"], cp["paid"]) == (-original["charge"], -original["paid"])
                    assert [(ln["charge"], ln["paid"]) for ln in cp["lines"]] == [
                        (-ln["charge"], -ln["paid"]) for ln in original["lines"]
                    ]
                    correction = in_file[k + 1]
                    assert correction["number"] == cp["number"] and correction["status"] == "1"
                    assert correction["icn"] != cp["icn"]
                    reversals += 1
            for cp in in_file:
                seen[(tx["payer_id"], cp["number"], cp["icn"])] = cp
    assert reversals == 1


def test_scenarios_are_all_present():
    statuses, plb, carcs = set(), set(), set()
    earlier_paid: set[str] = set()
    for path in ERAS:
        text = path.read_text(encoding="ascii")
        for seg in (s.strip().split("*") for s in text.split("~") if s.strip()):
            if seg[0] == "CLP":
                statuses.add(seg[2])
            elif seg[0] == "CAS":
                carcs.update(f"{seg[1]}-{seg[k]}" for k in range(2, len(seg), 3))
        for tx in _remittances(path):
            for reason, ref, amount in tx["plb"]:
                plb.add(reason)
                if reason == "WO":
                    assert ref in earlier_paid and amount > 0
                if reason == "L6":
                    assert amount < 0
            earlier_paid.update(cp["number"] for cp in tx["claims"] if cp["paid"] > 0)
    assert {"1", "2", "4", "19", "22"} <= statuses
    assert {"L6", "WO"} <= plb
    assert {"CO-45", "PR-1", "PR-2", "PR-3", "OA-23", "CO-97", "CO-50", "CO-29", "CO-197", "CO-16"} <= carcs


def test_a_third_of_claims_stay_unpaid_some_past_90_days():
    claims = _claims()
    paid = {cp["number"] for path in ERAS for tx in _remittances(path) for cp in tx["claims"]}
    unpaid = [n for n in claims if n not in paid]
    assert abs(len(unpaid) - len(claims) / 3) <= len(claims) * 0.05
    cutoff = (dt.date.fromisoformat(ANCHOR) - dt.timedelta(days=90)).isoformat()
    assert sum(1 for n in unpaid if claims[n][0]["billed_date"] < cutoff) >= 10
