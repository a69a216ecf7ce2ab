"""Small hand-written 835s and claims for the denial and reversal tests."""

from __future__ import annotations

from pathlib import Path

from support import CLAIMS_HEADER, write_csv

PAYERS = {"ACME1": "ACME HEALTH PLAN", "SECO2": "SECOND CHOICE", "MCR01": "MEDICARE PART B"}

# D1: Acme then Second Choice, two lines. D2: Acme, one line. D3: Medicare, one line.
CLAIM_ROWS = [
    'D1,P1,"ALPHA, ANN",1960-01-01,ACME1,Acme Health Plan,2026-04-01,2026-04-02,99213,,1,100.00,AC111,'
    "SECO2,Second Choice,SC111,D1-1",
    'D1,P1,"ALPHA, ANN",1960-01-01,ACME1,Acme Health Plan,2026-04-01,2026-04-02,36415,,1,25.00,AC111,'
    "SECO2,Second Choice,SC111,D1-2",
    'D2,P2,"BRAVO, BEN",1970-02-02,ACME1,Acme Health Plan,2026-04-03,2026-04-04,99214,,1,200.00,AC222,,,,D2-1',
    'D3,P3,"CHARLIE, CAL",1940-03-03,MCR01,Medicare Part B,2026-04-05,2026-04-06,99213,,1,150.00,MC333,,,,D3-1',
]


def claims_csv(folder: Path) -> Path:
    return write_csv(folder / "claims.csv", CLAIMS_HEADER, *CLAIM_ROWS)


def money(cents: int) -> str:
    return f"{cents / 100:.2f}"


def line(
    proc: str, charge: int, paid: int, control: str, *cas: tuple[str, str, int], date: str = "20260401"
) -> list[str]:
    segs = [f"SVC*HC:{proc}*{money(charge)}*{money(paid)}**1", f"DTM*472*{date}"]
    segs += [f"CAS*{g}*{r}*{money(a)}" for g, r, a in cas]
    segs.append(f"REF*6R*{control}")
    return segs


def claim(
    number: str,
    status: str,
    charge: int,
    paid: int,
    pcn: str,
    member: str,
    lines: list[list[str]],
    pr: int = 0,
    cas: tuple = (),
) -> tuple[int, list[str]]:
    segs = [
        f"CLP*{number}*{status}*{money(charge)}*{money(paid)}*{money(pr) if pr else ''}*12*{pcn}*11*1",
        f"NM1*QC*1*X*Y****MI*{member}",
    ]
    segs += [f"CAS*{g}*{r}*{money(a)}" for g, r, a in cas]
    for segments in lines:
        segs += segments
    return paid, segs


def era(path: Path, payer: str, trace: str, date: str, *claims: tuple[int, list[str]]) -> Path:
    """One transaction paying `claims` (BPR02 = their CLP04 sum), dated `date` (BPR16)."""
    total = sum(paid for paid, _ in claims)
    body = [
        "ST*835*0001",
        f"BPR*C*{money(total)}*C*CHK************{date}",
        f"TRN*1*{trace}*1{payer}",
        f"DTM*405*{date}",
        f"N1*PR*{PAYERS[payer]}*XV*{payer}",
        "N1*PE*CLINIC*XX*1999999984",
        "LX*1",
    ]
    for _, segs in claims:
        body += segs
    body.append(f"SE*{len(body) + 1}*0001")
    text = (
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*PRACTICE       *260401*0900*^*00501*"
        "000000001*0*T*:~GS*HP*SENDER*PRACTICE*20260401*0900*1*X*005010X221A1~"
        + "~".join(body)
        + "~GE*1*1~IEA*1*000000001~"
    )
    path.write_text(text)
    return path
