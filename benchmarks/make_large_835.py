"""Write a large, deterministic test pair for benchmarks and posting tests:

- claims.csv: the claims as billed, in the claims-import format (one row per claim line);
- remit.835: one 5010 remittance (one ST/SE, one payer) paying every one of them,
  balanced at line, claim and transaction level.

About 2.2 lines per claim and about 32 MB of 835 at the default 100,000 claims. The
adjudication is a mix: paid after a CO-45 contractual write-down, with PR-1
deductible or PR-2 coinsurance for the patient, paid in full, and a few line denials
(CO-97 bundled, CO-16 missing information). Names are invented; the same seed always
writes the same bytes.

    python benchmarks/make_large_835.py --claims 100000 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

PAYER_ID = "1987654321"  # 10 characters: TRN03 is at least 10 long
PAYER_NAME = "BENCHMARK HEALTH PLAN"
PAYEE_NAME = "BENCHMARK MEDICAL GROUP"
PAYEE_NPI = "1234567893"
PAYEE_TAX_ID = "990000001"
TRACE_NUMBER = "EFT0000001"
PAYMENT_DATE = date(2025, 3, 14)
# Procedure code and its price per unit in cents.
PROCEDURES = [
    ("99213", 12500), ("99214", 18500), ("99203", 16000), ("99204", 24000), ("36415", 1500),
    ("80053", 4500), ("85025", 3000), ("93000", 6000), ("71046", 9500), ("97110", 7000),
    ("90471", 2500), ("90686", 4000), ("81002", 1200), ("87880", 3500), ("20610", 21000),
]  # fmt: skip
MODIFIERS = ["", "", "", "", "", "", "25", "59", "GT", "25:59", "LT", "RT"]
LAST_NAMES = [
    "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ",
    "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR",
    "MOORE", "JACKSON", "MARTIN", "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ",
    "CLARK", "RAMIREZ", "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING", "WRIGHT",
    "SCOTT", "TORRES", "NGUYEN", "HILL", "FLORES", "GREEN", "ADAMS", "NELSON", "BAKER", "HALL",
    "RIVERA", "CAMPBELL", "MITCHELL", "CARTER", "ROBERTS",
]  # fmt: skip
FIRST_NAMES = [
    "JAMES", "MARY", "ROBERT", "PATRICIA", "JOHN", "JENNIFER", "MICHAEL", "LINDA", "DAVID",
    "ELIZABETH", "WILLIAM", "BARBARA", "RICHARD", "SUSAN", "JOSEPH", "JESSICA", "THOMAS",
    "SARAH", "CHARLES", "KAREN", "CHRISTOPHER", "LISA", "DANIEL", "NANCY", "MATTHEW", "BETTY",
    "ANTHONY", "MARGARET", "MARK", "SANDRA",
]  # fmt: skip
CSV_COLUMNS = [
    "claim_number", "patient_account", "patient_name", "patient_dob", "payer_id", "payer_name",
    "service_date", "billed_date", "procedure_code", "modifiers", "units", "charge",
    "member_id", "line_control_number",
]  # fmt: skip


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def adjudicate(rng: random.Random, charge: int) -> tuple[int, list[tuple[str, str, int]]]:
    """(paid, adjustments) for one line: charge − Σ adjustments = paid."""
    roll = rng.random()
    if roll < 0.02:
        return 0, [("CO", "97", charge)]
    if roll < 0.04:
        return 0, [("CO", "16", charge)]
    if roll < 0.14:
        return charge, []
    allowed = charge * 80 // 100
    adjustments = [("CO", "45", charge - allowed)]
    roll = rng.random()
    if roll < 0.35:
        coinsurance = allowed * 20 // 100
        adjustments.append(("PR", "2", coinsurance))
    elif roll < 0.50:
        deductible = min(allowed, rng.choice((1000, 2000, 2500, 5000, 7500)))
        adjustments.append(("PR", "1", deductible))
    return charge - sum(a[2] for a in adjustments), adjustments


def generate(claims: int, out: Path, seed: int = 835) -> tuple[Path, Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, remit_path = out / "claims.csv", out / "remit.835"
    patients = max(1, claims // 3)
    body: list[str] = []
    total_paid = 0
    with csv_path.open("w", newline="", encoding="utf-8") as csv_file:
        writer = csv.writer(csv_file)
        writer.writerow(CSV_COLUMNS)
        for index in range(1, claims + 1):
            patient = rng.randrange(patients)
            last = LAST_NAMES[patient % len(LAST_NAMES)]
            first = FIRST_NAMES[(patient // len(LAST_NAMES)) % len(FIRST_NAMES)]
            dob = date(1940, 1, 1) + timedelta(days=(patient * 7919) % 29000)
            member_id = f"M{patient:09d}"
            claim_number = f"CLM{index:08d}"
            account = f"ACCT{patient:07d}"
            service = date(2025, 1, 2) + timedelta(days=rng.randrange(60))
            billed = service + timedelta(days=rng.randrange(1, 6))
            count = rng.choices((1, 2, 3, 4), weights=(35, 25, 25, 15))[0]
            lines = []
            for number in range(1, count + 1):
                code, price = rng.choice(PROCEDURES)
                units = 2 if rng.random() < 0.08 else 1
                modifiers = rng.choice(MODIFIERS)
                control = f"{claim_number}L{number}"
                charge = price * units
                paid, adjustments = adjudicate(rng, charge)
                lines.append((code, modifiers, units, charge, paid, adjustments, control))
                writer.writerow([
                    claim_number, account, f"{last}, {first}", dob.isoformat(), PAYER_ID, PAYER_NAME,
                    service.isoformat(), billed.isoformat(), code, modifiers, units, money(charge),
                    member_id, control,
                ])  # fmt: skip
            claim_charge = sum(line[3] for line in lines)
            claim_paid = sum(line[4] for line in lines)
            patient_share = sum(a[2] for line in lines for a in line[5] if a[0] == "PR")
            denied = all(line[5] and line[5][0][1] in ("97", "16") for line in lines)
            status = "4" if claim_paid == 0 and denied else "1"
            total_paid += claim_paid
            body.append(
                f"CLP*{claim_number}*{status}*{money(claim_charge)}*{money(claim_paid)}*"
                f"{money(patient_share) if patient_share else ''}*12*{index:014d}*11*1~\n"
                f"NM1*QC*1*{last}*{first}****MI*{member_id}~\n"
                f"DTM*232*{service:%Y%m%d}~\n"
            )
            for code, modifiers, units, charge, paid, adjustments, control in lines:
                procedure = f"HC:{code}" + (f":{modifiers}" if modifiers else "")
                body.append(f"SVC*{procedure}*{money(charge)}*{money(paid)}**{units}~\nDTM*472*{service:%Y%m%d}~\n")
                for group, reason, amount in adjustments:
                    body.append(f"CAS*{group}*{reason}*{money(amount)}~\n")
                body.append(f"REF*6R*{control}~\n")
                if paid:
                    body.append(f"AMT*B6*{money(paid + sum(a[2] for a in adjustments if a[0] == 'PR'))}~\n")
    header = [
        "ISA*00*          *00*          *ZZ*BENCHPAYER     *ZZ*BENCHPRACTICE  *250314*1200*^*00501*000000001*0*P*:~",
        "GS*HP*BENCHPAYER*BENCHPRACTICE*20250314*1200*1*X*005010X221A1~",
        "ST*835*0001~",
        f"BPR*I*{money(total_paid)}*C*ACH*CCP*01*999999999*DA*123456789*1{PAYEE_TAX_ID}**01*888888888*DA*987654321*{PAYMENT_DATE:%Y%m%d}~",
        f"TRN*1*{TRACE_NUMBER}*{PAYER_ID}~",
        f"DTM*405*{PAYMENT_DATE:%Y%m%d}~",
        f"N1*PR*{PAYER_NAME}*XV*{PAYER_ID}~",
        "N3*1 BENCHMARK WAY~",
        "N4*ANYTOWN*MN*55555~",
        "PER*BL*EDI SUPPORT*TE*8005551212~",
        f"N1*PE*{PAYEE_NAME}*XX*{PAYEE_NPI}~",
        f"REF*TJ*{PAYEE_TAX_ID}~",
        "LX*1~",
    ]
    segment_count = 11 + sum(chunk.count("~") for chunk in body) + 1  # ST..LX, claims, SE
    with remit_path.open("w", encoding="ascii", newline="") as remit:
        remit.write("\n".join(header) + "\n")
        remit.writelines(body)
        remit.write(f"SE*{segment_count}*0001~\nGE*1*1~\nIEA*1*000000001~\n")
    return csv_path, remit_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000, help="number of claims (default 100000)")
    parser.add_argument("--out", type=Path, default=Path("bench-data"), help="folder to write into")
    parser.add_argument("--seed", type=int, default=835, help="random seed (default 835)")
    args = parser.parse_args()
    csv_path, remit_path = generate(args.claims, args.out, args.seed)
    print(f"wrote {csv_path} and {remit_path} ({remit_path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
