#!/usr/bin/env python3
"""Generate ar-cli's demo practice: claims.csv, sample ERAs (X12 835) and README.md.

Everything is derived from one anchor date and one fixed seed, so running this twice
gives byte-identical files (tests/test_sample_data.py holds the committed files to
that). Standard library only: it runs with a plain ``python3``.

    python3 sample_data/generate.py                      # anchor 2026-06-30, into sample_data/
    python3 sample_data/generate.py --anchor 2026-06-30 --out /tmp/demo

The practice, its patients, payers and providers are invented. Money is integer cents
throughout; amounts are formatted only when written.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

SEED = 8352026
DEFAULT_ANCHOR = "2026-06-30"
N_CLAIMS = 300
WINDOW_DAYS = (7, 179)  # dates of service fall this many days before the anchor
PAY_LAG_DAYS = 14  # a payer pays claims billed at least this long before its ERA
INTEREST_RATE_PER_MILLE = 45  # 4.5 % a year, prompt-payment interest
MEDICARE_DEDUCTIBLE = 28300
UNMATCHED_CLAIM = "CLM200417"  # paid by Acme in ERA 02, deliberately absent from claims.csv

CLAIMS_HEADER = [
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

# --------------------------------------------------------------------------- reference data


def npi_with_check_digit(base9: str) -> str:
    """A 10-digit NPI: the 9 digits given plus the Luhn check digit over 80840 + base."""
    total = 0
    for i, ch in enumerate(reversed("80840" + base9)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return base9 + str((10 - total % 10) % 10)


def npi_is_valid(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and npi_with_check_digit(npi[:9]) == npi


PRACTICE = {
    "name": "LARKSPUR HOLLOW FAMILY MEDICINE",
    "npi": npi_with_check_digit("164829371"),
    "tin": "990417263",
    "address": ("455 MEADOWLARK LANE", "BRAMBLETON", "OH", "459990417"),
    "edi_id": "LARKSPURFM",
}

# (last, first, NPI): the rendering providers
PROVIDERS = [
    ("OAKHART", "MIRA", npi_with_check_digit("152736481")),
    ("VANTREE", "SAMUEL", npi_with_check_digit("178293645")),
    ("PELLWORTH", "ANIKA", npi_with_check_digit("139472658")),
]


@dataclass(frozen=True)
class Payer:
    id: str
    name: str
    kind: str  # medicare | medigap | medicaid | commercial
    filing: str  # CLP06 claim filing indicator
    tin: str  # TRN03 / BPR10: "1" + EIN
    rate_pct: int  # allowed amount as a percentage of the Medicare fee schedule
    icn_prefix: str
    address: tuple[str, str, str, str]


PAYERS = {
    p.id: p
    for p in [
        Payer(
            "MCR01",
            "Medicare Part B",
            "medicare",
            "MB",
            "1990000101",
            100,
            "",
            ("PO BOX 7001", "CAPITOL CITY", "OH", "432187001"),
        ),
        Payer(
            "MGAP1",
            "Brightwater Medigap Supplement",
            "medigap",
            "CI",
            "1990000202",
            100,
            "BW",
            ("PO BOX 4410", "RIVERMONT", "OH", "441094410"),
        ),
        Payer(
            "MCD01",
            "State Medicaid Program",
            "medicaid",
            "MC",
            "1990000303",
            80,
            "",
            ("PO BOX 1500", "CAPITOL CITY", "OH", "432181500"),
        ),
        Payer(
            "ACM01",
            "Acme Health Plan",
            "commercial",
            "12",
            "1990000404",
            125,
            "AHP",
            ("PO BOX 98120", "ELMSFORD", "OH", "450198120"),
        ),
        Payer(
            "BFS01",
            "Bluefinch Shield Plan",
            "commercial",
            "BL",
            "1990000505",
            120,
            "BF",
            ("PO BOX 22300", "FINCHLEY", "OH", "452122300"),
        ),
        Payer(
            "UHP01",
            "Uniterra Health Partners",
            "commercial",
            "HM",
            "1990000606",
            115,
            "UT",
            ("PO BOX 740", "TERRA HEIGHTS", "OH", "446010740"),
        ),
        Payer(
            "CRC01",
            "Crestvale Care Network",
            "commercial",
            "CI",
            "1990000707",
            130,
            "CV",
            ("PO BOX 3390", "CRESTVALE", "OH", "437003390"),
        ),
    ]
}

# code: (charge per unit, Medicare allowed per unit), both in cents
FEES = {
    "99203": (17500, 11276),
    "99204": (26000, 16840),
    "99212": (9500, 5707),
    "99213": (14500, 9197),
    "99214": (21000, 12968),
    "99215": (28500, 18351),
    "36415": (2000, 300),
    "80053": (5500, 1056),
    "85025": (3500, 777),
    "93000": (6500, 1643),
    "20610": (18000, 6289),
    "96372": (4500, 1594),
    "G0439": (21500, 13402),
    "G0008": (4500, 3464),
    "90471": (3000, 2401),
    "90686": (4000, 2281),
    "J3301": (650, 157),
    "J1030": (1800, 419),
    "J1885": (800, 37),
    "J3420": (1500, 61),
    "J7325": (2800, 1515),
}
EM_CODES = {"99203", "99204", "99212", "99213", "99214", "99215"}
LAB_CODES = {"36415", "80053", "85025"}
PREVENTIVE = {"G0439", "G0008", "90471", "90686"}
MEDICARE_NO_COST_SHARE = LAB_CODES | PREVENTIVE
PROCEDURES = {"20610", "93000", "96372", "J3301", "J1030", "J1885", "J3420", "J7325"}

# Invented surnames: clearly fictional compounds.
SURNAME_HEADS = [
    "ASH",
    "BRAM",
    "CLOVER",
    "DUN",
    "ELDER",
    "FERN",
    "GALE",
    "HAZEL",
    "IVY",
    "JUNIPER",
    "KESTREL",
    "LARCH",
    "MOSS",
    "NETTLE",
    "OAK",
    "PIPER",
    "QUILL",
    "ROWAN",
    "SORREL",
    "THISTLE",
    "UMBER",
    "VALE",
    "WILLOW",
    "YARROW",
]
SURNAME_TAILS = ["BRAMBLE", "FEATHER", "HOLLOW", "MERE", "WICK", "WHISK", "WHISTLE", "GROVE", "BOTTOM", "THORPE"]
FIRST_NAMES = [
    "AVERY",
    "BLAKE",
    "CAMERON",
    "DANA",
    "ELLIS",
    "FINLEY",
    "GRAY",
    "HARPER",
    "INDIGO",
    "JORDAN",
    "KAI",
    "LANE",
    "MORGAN",
    "NOEL",
    "OAKLEY",
    "PARKER",
    "QUINN",
    "REESE",
    "SAGE",
    "TATUM",
    "MARGARET",
    "HAROLD",
    "DOROTHY",
    "WALTER",
    "EVELYN",
    "GEORGE",
    "RUTH",
    "FRANK",
    "IRENE",
    "LEONARD",
    "MAE",
    "OTIS",
    "PEARL",
    "RUFUS",
    "VERA",
    "WINSTON",
    "ADA",
    "CLYDE",
    "EDNA",
    "HOMER",
]

# coverage group: (number of patients, primary, secondary)
COVERAGE_GROUPS = [
    ("MCR", 28, "MCR01", None),
    ("MCR+MGAP", 17, "MCR01", "MGAP1"),
    ("MCR+MCD", 7, "MCR01", "MCD01"),
    ("MCD", 18, "MCD01", None),
    ("ACM", 18, "ACM01", None),
    ("BFS", 17, "BFS01", None),
    ("UHP", 14, "UHP01", None),
    ("CRC", 11, "CRC01", None),
    ("SELF", 10, None, None),
]

# --------------------------------------------------------------------------- helpers


def mul_div(x: int, num: int, den: int) -> int:
    """round(x * num / den), half away from zero, in integers."""
    sign = -1 if x < 0 else 1
    return sign * ((2 * abs(x) * num + den) // (2 * den))


def x12_amount(cents: int) -> str:
    """X12 R type: no trailing zeros ("145", "78.4", "-0.05")."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:02d}".rstrip("0")


def csv_amount(cents: int) -> str:
    """Two decimals, as in claims.csv ("125.00", "-4.80")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def weekday_on_or_before(d: dt.date) -> dt.date:
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return d


def aba_routing(rng: random.Random) -> str:
    """A 9-digit routing number with a valid ABA checksum (invented)."""
    d = [rng.randint(0, 9) for _ in range(8)]
    d[0] = 0
    d[1] = rng.randint(1, 9)
    s = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5])
    return "".join(map(str, d)) + str((10 - s % 10) % 10)


def d8(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


# --------------------------------------------------------------------------- the practice


@dataclass
class Patient:
    account: str
    last: str
    first: str
    dob: dt.date
    group: str
    primary: str | None
    member_id: str
    secondary: str | None
    secondary_member_id: str
    plan: str  # copay | deductible (commercial only)
    copay: int
    deductible: int
    new: bool
    provider: int  # index into PROVIDERS
    weight: int

    @property
    def medigap_plan(self) -> str:
        """F pays the Part B deductible too; G leaves it to the patient."""
        return "G" if self.plan == "deductible" else "F"

    @property
    def csv_name(self) -> str:
        return f"{self.last.title()}, {self.first.title()}"


@dataclass(frozen=True)
class Line:
    number: int
    code: str
    modifiers: tuple[str, ...]
    units: int
    charge: int
    service_date: dt.date
    control: str


@dataclass
class Claim:
    number: str
    patient: Patient
    lines: list[Line]
    billed: dt.date
    rendering: int
    template: str
    tag: str = ""

    @property
    def charge(self) -> int:
        return sum(line.charge for line in self.lines)

    @property
    def first_date(self) -> dt.date:
        return min(line.service_date for line in self.lines)


def member_id_for(rng: random.Random, payer_id: str) -> str:
    digits = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))  # noqa: E731
    letters = "ACDEFGHJKMNPQRTUVWXY"  # MBI letters: no S, L, O, I, B, Z
    alnum = letters + "0123456789"
    if payer_id == "MCR01":  # MBI layout: 1 C A N C A N C C N N
        pick = rng.choice
        return (
            str(rng.randint(1, 9))
            + pick(letters)
            + pick(alnum)
            + str(rng.randint(0, 9))
            + pick(letters)
            + pick(alnum)
            + str(rng.randint(0, 9))
            + pick(letters)
            + pick(letters)
            + digits(2)
        )
    prefix = {"MGAP1": "BWM", "MCD01": "", "ACM01": "AHP", "BFS01": "BFX", "UHP01": "", "CRC01": "CV"}[payer_id]
    if payer_id == "MCD01":
        return digits(8) + rng.choice(letters) + rng.choice(letters)
    return prefix + digits(11 - len(prefix))


def make_patients(rng: random.Random, anchor: dt.date) -> list[Patient]:
    surnames = [h + t for h in SURNAME_HEADS for t in SURNAME_TAILS]
    rng.shuffle(surnames)
    patients: list[Patient] = []
    n = 0
    for group, count, primary, secondary in COVERAGE_GROUPS:
        for _ in range(count):
            n += 1
            if primary == "MCR01":
                age = rng.randint(66, 91)
            elif primary == "MCD01":
                age = rng.randint(19, 62)
            else:
                age = rng.randint(22, 64)
            dob = dt.date(anchor.year - age, rng.randint(1, 12), rng.randint(1, 28))
            plan = "deductible" if rng.random() < 0.3 else "copay"
            patients.append(
                Patient(
                    account=f"PT{10000 + n}",
                    last=surnames[n - 1],
                    first=rng.choice(FIRST_NAMES),
                    dob=dob,
                    group=group,
                    primary=primary,
                    member_id=member_id_for(rng, primary) if primary else "",
                    secondary=secondary,
                    secondary_member_id=member_id_for(rng, secondary) if secondary else "",
                    plan=plan,
                    copay=rng.choice([2000, 2500, 3000, 4000]),
                    deductible=rng.choice([25000, 50000]),
                    new=rng.random() < 0.15,
                    provider=rng.choices([0, 1, 2], weights=[5, 3, 2])[0],
                    weight=(3 if primary == "MCR01" else 2) * rng.choice([1, 1, 2, 3]),
                )
            )
    return patients


def em_level(rng: random.Random) -> str:
    return rng.choices(["99212", "99213", "99214", "99215"], weights=[10, 45, 35, 10])[0]


def template_lines(name: str, rng: random.Random, patient: Patient, can_repeat: bool):
    """(code, modifiers, units, day offset) for one visit of the named kind."""
    medicare = patient.primary == "MCR01"
    if name == "new":
        lines = [(rng.choice(["99203", "99204"]), (), 1, 0)]
        if rng.random() < 0.4:
            lines += [("36415", (), 1, 0), ("85025", (), 1, 0)]
        return lines
    if name == "est":
        return [(em_level(rng), (), 1, 0)]
    if name == "est_labs":
        labs = rng.choice([["80053"], ["85025"], ["80053", "85025"]])
        return [(rng.choice(["99213", "99214"]), (), 1, 0), ("36415", (), 1, 0)] + [(code, (), 1, 0) for code in labs]
    if name == "ecg":
        lines = [("99214", (), 1, 0), ("93000", (), 1, 0)]
        if rng.random() < 0.3:
            lines += [("36415", (), 1, 0), ("85025", (), 1, 0)]
        return lines
    if name == "joint":
        drug, units = ("J3301", 4) if rng.random() < 0.7 else ("J1030", rng.choice([1, 2]))
        if rng.random() < 0.2:
            return [
                ("99213", ("25",), 1, 0),
                ("20610", ("RT",), 1, 0),
                ("20610", ("59", "LT"), 1, 0),
                (drug, (), units * 2, 0),
            ]
        side = rng.choice(["RT", "LT"])
        return [("99213", ("25",), 1, 0), ("20610", (side,), 1, 0), (drug, (), units, 0)]
    if name == "toradol":
        return [("99214", ("25",), 1, 0), ("96372", (), 1, 0), ("J1885", (), 2, 0)]
    if name == "flu":
        lines = [("99213", ("25",), 1, 0)] if rng.random() < 0.6 else []
        return lines + [("G0008" if medicare else "90471", (), 1, 0), ("90686", (), 1, 0)]
    if name == "awv":
        lines = [("G0439", (), 1, 0)]
        if rng.random() < 0.5:
            lines += [("36415", (), 1, 0), ("80053", (), 1, 0)]
        return lines
    if name == "b12":
        lines = [("96372", (), 1, 0), ("J3420", (), 1, 0)]
        if can_repeat:
            lines += [("96372", (), 1, 7), ("J3420", (), 1, 7)]
        return lines
    if name == "visco":
        return [("20610", (rng.choice(["RT", "LT"]),), 1, 0), ("J7325", (), 48, 0)]
    raise ValueError(name)


TEMPLATE_WEIGHTS = {
    "est": 40,
    "est_labs": 14,
    "ecg": 6,
    "joint": 8,
    "toradol": 4,
    "flu": 10,
    "awv": 8,
    "b12": 3,
    "visco": 1,
}

# Claims written into the practice on purpose, so each ERA scenario has its claim
# whatever the random draw: (tag, coverage group, template, days before the anchor).
SCRIPTED = [
    ("mcr_xover_mgap", "MCR+MGAP", "est", 121),
    ("mcr_xover_mcd", "MCR+MCD", "est", 116),
    ("mcr_necessity", "MCR", "ecg", 108),
    ("acme_bundling", "ACM", "est_labs", 95),
    ("acme_auth", "ACM", "visco", 80),
    ("bfs_partial", "BFS", "joint_single", 50),
    ("bfs_missing_info", "BFS", "ecg_plain", 45),
    ("uhp_timely", "UHP", "est_labs", 170),
]


def scripted_lines(template: str):
    if template == "joint_single":
        return [("99213", ("25",), 1, 0), ("20610", ("LT",), 1, 0), ("J3301", (), 4, 0)]
    if template == "ecg_plain":
        return [("99214", (), 1, 0), ("93000", (), 1, 0)]
    if template == "est_labs":
        return [("99214", (), 1, 0), ("36415", (), 1, 0), ("80053", (), 1, 0), ("85025", (), 1, 0)]
    if template == "est":
        return [("99214", (), 1, 0)]
    if template == "ecg":
        return [("99214", (), 1, 0), ("93000", (), 1, 0)]
    if template == "visco":
        return [("20610", ("RT",), 1, 0), ("J7325", (), 48, 0)]
    raise ValueError(template)


def make_claims(rng: random.Random, anchor: dt.date, patients: list[Patient]) -> list[Claim]:
    used: set[tuple[str, dt.date]] = set()
    visits: list[tuple[dt.date, Patient, str, str]] = []  # (date, patient, tag, template)
    by_group: dict[str, list[Patient]] = {}
    for p in patients:
        by_group.setdefault(p.group, []).append(p)
    taken: set[str] = set()
    for tag, group, template, days in SCRIPTED:
        candidates = [p for p in by_group[group] if not p.new and p.account not in taken]
        patient = rng.choice(candidates)
        taken.add(patient.account)
        d = weekday_on_or_before(anchor - dt.timedelta(days=days))
        used.add((patient.account, d))
        visits.append((d, patient, tag, template))
    weights = [p.weight for p in patients]
    while len(visits) < N_CLAIMS:
        patient = rng.choices(patients, weights=weights)[0]
        d = weekday_on_or_before(anchor - dt.timedelta(days=rng.randint(*WINDOW_DAYS)))
        if (patient.account, d) in used:
            continue
        used.add((patient.account, d))
        visits.append((d, patient, "", ""))
    visits.sort(key=lambda v: (v[0], v[1].account))

    seen: set[str] = set()
    awv_years: set[tuple[str, int]] = set()
    flu_seasons: set[tuple[str, int]] = set()
    last_dos = anchor - dt.timedelta(days=WINDOW_DAYS[0])
    claims: list[Claim] = []
    for n, (d, patient, tag, template) in enumerate(visits, start=1):
        number = f"CLM{100000 + n}"
        if tag:
            spec = scripted_lines(template)
        else:
            if patient.new and patient.account not in seen:
                template = "new"
            else:
                season = d.year if d.month >= 8 else d.year - 1
                choices = dict(TEMPLATE_WEIGHTS)
                if patient.primary != "MCR01" or (patient.account, d.year) in awv_years:
                    del choices["awv"]
                if d.month in (4, 5, 6, 7, 8, 9) or (patient.account, season) in flu_seasons:
                    del choices["flu"]
                template = rng.choices(list(choices), weights=list(choices.values()))[0]
                if template == "awv":
                    awv_years.add((patient.account, d.year))
                if template == "flu":
                    flu_seasons.add((patient.account, season))
            can_repeat = (
                d + dt.timedelta(days=7) <= last_dos and (patient.account, d + dt.timedelta(days=7)) not in used
            )
            spec = template_lines(template, rng, patient, can_repeat)
        seen.add(patient.account)
        lines = []
        for i, (code, mods, units, offset) in enumerate(spec, start=1):
            lines.append(
                Line(i, code, tuple(mods), units, FEES[code][0] * units, d + dt.timedelta(days=offset), f"{number}-{i}")
            )
        last = max(line.service_date for line in lines)
        billed = last + dt.timedelta(days=rng.randint(1, 5))
        while billed.weekday() >= 5:
            billed += dt.timedelta(days=1)
        billed = min(anchor, billed)
        rendering = patient.provider if rng.random() < 0.85 else rng.randint(0, 2)
        if template in ("joint", "joint_single", "visco"):
            rendering = 1  # the sports-medicine DO does the injections
        claims.append(Claim(number, patient, lines, billed, rendering, template, tag))
    return claims


def claims_csv(claims: list[Claim]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CLAIMS_HEADER)
    for c in claims:
        p = c.patient
        prim = PAYERS[p.primary] if p.primary else None
        sec = PAYERS[p.secondary] if p.secondary else None
        for line in c.lines:
            w.writerow(
                [
                    c.number,
                    p.account,
                    p.csv_name,
                    p.dob.isoformat(),
                    prim.id if prim else "",
                    prim.name if prim else "",
                    line.service_date.isoformat(),
                    c.billed.isoformat(),
                    line.code,
                    ":".join(line.modifiers),
                    line.units,
                    csv_amount(line.charge),
                    p.member_id,
                    sec.id if sec else "",
                    sec.name if sec else "",
                    p.secondary_member_id,
                    line.control,
                    PROVIDERS[c.rendering][2],
                    PRACTICE["npi"],
                    "11",
                    "1",
                ]
            )
    return buf.getvalue()


# --------------------------------------------------------------------------- adjudication


@dataclass
class LinePay:
    line: Line
    paid: int
    adjustments: list[tuple[str, str, int]]  # (group, CARC, cents); positive reduces pay
    allowed: int | None
    remarks: list[str] = field(default_factory=list)
    units_paid: int | None = None
    original_units: int | None = None  # SVC07, when fewer units were paid

    def balanced(self) -> bool:
        return self.line.charge - sum(a for _, _, a in self.adjustments) == self.paid


@dataclass
class ClaimPay:
    claim_number: str
    patient: Patient
    status: str
    payer: Payer
    member_id: str
    icn: str
    lines: list[LinePay]
    rendering: int
    received: dt.date
    moa: list[str] = field(default_factory=list)
    crossover_to: Payer | None = None
    interest: int = 0
    sign: int = 1  # -1 for a reversal: every amount and unit negated

    @property
    def charge(self) -> int:
        return self.sign * sum(lp.line.charge for lp in self.lines)

    @property
    def paid(self) -> int:
        return self.sign * sum(lp.paid for lp in self.lines)

    @property
    def patient_resp(self) -> int:
        return self.sign * sum(a for lp in self.lines for g, _, a in lp.adjustments if g == "PR")

    def reversal(self) -> ClaimPay:
        return replace(self, status="22", sign=-1, interest=0)


class Adjudicator:
    """Prices claim lines for each payer; tracks deductibles in the order claims are paid."""

    def __init__(self) -> None:
        self.deductible_used: dict[tuple[str, str, int], int] = {}

    def _deductible(self, patient: Patient, payer: Payer, year: int, allowed: int) -> int:
        limit = MEDICARE_DEDUCTIBLE if payer.kind == "medicare" else patient.deductible
        key = (patient.account, payer.id, year)
        used = self.deductible_used.get(key, 0)
        take = min(allowed, limit - used)
        self.deductible_used[key] = used + take
        return take

    @staticmethod
    def allowed(payer: Payer, line: Line, units: int | None = None, factor_pct: int = 100) -> int:
        units = line.units if units is None else units
        base = FEES[line.code][1] * units
        return min(FEES[line.code][0] * units, mul_div(base, payer.rate_pct * factor_pct, 10000))

    def primary_line(
        self, patient: Patient, payer: Payer, line: Line, copay_left: list[int], factor_pct: int = 100
    ) -> LinePay:
        allowed = self.allowed(payer, line, factor_pct=factor_pct)
        adj = [("CO", "45", line.charge - allowed)]
        pr1 = pr2 = pr3 = seq = 0
        if payer.kind == "medicare":
            if line.code not in MEDICARE_NO_COST_SHARE:
                pr1 = self._deductible(patient, payer, line.service_date.year, allowed)
                pr2 = mul_div(allowed - pr1, 20, 100)
            seq = mul_div(allowed - pr1 - pr2, 2, 100)  # CO-253 sequestration
            adj.append(("CO", "253", seq))
        elif payer.kind == "commercial":
            if patient.plan == "copay":
                if line.code in EM_CODES and copay_left[0]:
                    pr3 = min(copay_left[0], allowed)
                    copay_left[0] = 0
                elif line.code in PROCEDURES:
                    pr2 = mul_div(allowed, 20, 100)
            elif line.code not in PREVENTIVE:
                pr1 = self._deductible(patient, payer, line.service_date.year, allowed)
                pr2 = mul_div(allowed - pr1, 20, 100)
        adj += [("PR", "1", pr1), ("PR", "2", pr2), ("PR", "3", pr3)]
        adj = [a for a in adj if a[2]]
        return LinePay(line, allowed - pr1 - pr2 - pr3 - seq, adj, allowed)


def denied_line(line: Line, group: str, carc: str, remarks: list[str]) -> LinePay:
    return LinePay(line, 0, [(group, carc, line.charge)], None, list(remarks))


def partial_units_line(payer: Payer, line: Line, units_paid: int) -> LinePay:
    """Fewer units paid than billed: CO-151 on the unpaid units, coinsurance on the rest."""
    unpaid_charge = FEES[line.code][0] * (line.units - units_paid)
    allowed = Adjudicator.allowed(payer, line, units=units_paid)
    pr2 = mul_div(allowed, 20, 100)
    adj = [("CO", "151", unpaid_charge), ("CO", "45", line.charge - unpaid_charge - allowed), ("PR", "2", pr2)]
    return LinePay(line, allowed - pr2, adj, allowed, ["N362"], units_paid, line.units)


def secondary_line(primary: LinePay, payer: Payer, plan_g: bool) -> LinePay:
    """The secondary's view of a crossed-over line: OA-23 for what the primary settled."""
    pr1 = sum(a for g, r, a in primary.adjustments if (g, r) == ("PR", "1"))
    pr2 = sum(a for g, r, a in primary.adjustments if (g, r) == ("PR", "2"))
    prior = primary.line.charge - pr1 - pr2
    if payer.kind == "medigap" and plan_g:  # pays the coinsurance, not the Part B deductible
        adj = [("OA", "23", prior), ("PR", "1", pr1)]
        paid = pr2
    else:  # a plan-F-like Medigap, or Medicaid for a dual-eligible: deductible and coinsurance
        adj = [("OA", "23", prior)]
        paid = pr1 + pr2
    adj = [a for a in adj if a[2]]
    return LinePay(primary.line, paid, adj, None)


# --------------------------------------------------------------------------- X12 writing


@dataclass
class Remittance:
    payer: Payer
    pay_date: dt.date
    method: str  # ACH | CHK
    trace: str
    claims: list[ClaimPay]
    plb: list[tuple[str, str, int]] = field(default_factory=list)  # (reason, reference, cents)
    payer_bank: tuple[str, str] = ("", "")
    payee_bank: tuple[str, str] = ("", "")

    @property
    def amount(self) -> int:
        return sum(c.paid for c in self.claims) - sum(a for _, _, a in self.plb)


@dataclass
class Interchange:
    sender: str
    control: int
    produced: dt.date
    remittances: list[Remittance]


def segment(*elements: str) -> str:
    parts = list(elements)
    while parts and parts[-1] == "":
        parts.pop()
    return "*".join(parts) + "~\n"


def claim_segments(cp: ClaimPay) -> list[str]:
    s = cp.sign
    out = [
        segment(
            "CLP",
            cp.claim_number,
            cp.status,
            x12_amount(cp.charge),
            x12_amount(cp.paid),
            x12_amount(cp.patient_resp) if cp.patient_resp else "",
            cp.payer.filing,
            cp.icn,
            "11",
            "1",
        )
    ]
    out.append(segment("NM1", "QC", "1", cp.patient.last, cp.patient.first, "", "", "", "MI", cp.member_id))
    if cp.crossover_to:
        out.append(segment("NM1", "TT", "2", cp.crossover_to.name.upper(), "", "", "", "", "PI", cp.crossover_to.id))
    last, first, npi = PROVIDERS[cp.rendering]
    out.append(segment("NM1", "82", "1", last, first, "", "", "", "XX", npi))
    if cp.moa:
        out.append(segment("MOA", "", "", *cp.moa))
    out.append(segment("DTM", "050", d8(cp.received)))
    if cp.interest:
        out.append(segment("AMT", "I", x12_amount(cp.interest)))
    for lp in cp.lines:
        line = lp.line
        proc = ":".join(("HC", line.code) + line.modifiers)
        units = lp.units_paid if lp.units_paid is not None else line.units
        svc = ["SVC", proc, x12_amount(s * line.charge), x12_amount(s * lp.paid), "", str(s * units)]
        if lp.original_units is not None:
            svc += ["", str(s * lp.original_units)]
        out.append(segment(*svc))
        out.append(segment("DTM", "472", d8(line.service_date)))
        groups: dict[str, list[tuple[str, int]]] = {}
        for g, r, a in lp.adjustments:
            groups.setdefault(g, []).append((r, a))
        for g, items in groups.items():
            for i in range(0, len(items), 6):
                els = ["CAS", g]
                for r, a in items[i : i + 6]:
                    els += [r, x12_amount(s * a), ""]
                out.append(segment(*els))
        out.append(segment("REF", "6R", line.control))
        if lp.allowed is not None:
            out.append(segment("AMT", "B6", x12_amount(s * lp.allowed)))
        for code in lp.remarks:
            out.append(segment("LQ", "HE", code))
    return out


def transaction_segments(r: Remittance, st_control: str) -> list[str]:
    p = r.payer
    out = [segment("ST", "835", st_control)]
    if r.method == "ACH":
        out.append(
            segment(
                "BPR",
                "I",
                x12_amount(r.amount),
                "C",
                "ACH",
                "CCP",
                "01",
                r.payer_bank[0],
                "DA",
                r.payer_bank[1],
                p.tin,
                "",
                "01",
                r.payee_bank[0],
                "DA",
                r.payee_bank[1],
                d8(r.pay_date),
            )
        )
    else:
        out.append(segment("BPR", "I", x12_amount(r.amount), "C", "CHK", *([""] * 11), d8(r.pay_date)))
    out.append(segment("TRN", "1", r.trace, p.tin))
    out.append(segment("DTM", "405", d8(r.pay_date - dt.timedelta(days=2))))
    out.append(segment("N1", "PR", p.name.upper(), "XV", p.id))
    out.append(segment("N3", p.address[0]))
    out.append(segment("N4", *p.address[1:]))
    out.append(segment("PER", "BL", "EDI SUPPORT", "TE", "8005550" + p.tin[-3:]))
    out.append(segment("N1", "PE", PRACTICE["name"], "XX", PRACTICE["npi"]))
    out.append(segment("N3", PRACTICE["address"][0]))
    out.append(segment("N4", *PRACTICE["address"][1:]))
    out.append(segment("REF", "TJ", PRACTICE["tin"]))
    if r.claims:
        out.append(segment("LX", "1"))
        for cp in r.claims:
            out += claim_segments(cp)
    for i in range(0, len(r.plb), 6):
        els = ["PLB", PRACTICE["npi"], f"{r.pay_date.year}1231"]
        for reason, ref, amount in r.plb[i : i + 6]:
            els += [f"{reason}:{ref}" if ref else reason, x12_amount(amount)]
        out.append(segment(*els))
    out.append(segment("SE", str(len(out) + 1), st_control))
    return out


def interchange_text(ix: Interchange) -> str:
    produced = ix.produced
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        ix.sender.ljust(15),
        "ZZ",
        PRACTICE["edi_id"].ljust(15),
        produced.strftime("%y%m%d"),
        "0215",
        "^",
        "00501",
        f"{ix.control:09d}",
        "0",
        "P",
        ":",
    ]
    lines = [
        "*".join(isa) + "~\n",
        segment("GS", "HP", ix.sender, PRACTICE["edi_id"], d8(produced), "0215", str(ix.control), "X", "005010X221A1"),
    ]
    for k, r in enumerate(ix.remittances, start=1):
        lines += transaction_segments(r, f"{k:04d}")
    lines.append(segment("GE", str(len(ix.remittances)), str(ix.control)))
    lines.append(segment("IEA", "1", f"{ix.control:09d}"))
    return "".join(lines)


# --------------------------------------------------------------------------- the ERAs


@dataclass
class EraFile:
    name: str
    interchanges: list[Interchange]


@dataclass
class Scenario:
    file: str
    payer: str
    scenario: str
    claims: list[str]
    expect: str


def build_eras(rng: random.Random, anchor: dt.date, claims: list[Claim]):
    """Decide which claims each ERA pays and how, and return the files and the scenarios."""
    dates = [weekday_on_or_before(anchor - dt.timedelta(days=n)) for n in (60, 46, 32, 25, 11, 4)]
    d1, d2, d3, d4, d5, d6 = dates
    cutoff = {k: d - dt.timedelta(days=PAY_LAG_DAYS) for k, d in enumerate(dates, start=1)}
    last_cutoff = {
        "MCR01": cutoff[5],
        "ACM01": cutoff[2],
        "BFS01": cutoff[4],
        "UHP01": cutoff[4],
        "MCD01": cutoff[6],
        "CRC01": cutoff[6],
    }

    # A third of the claims stay unpaid: self-pay, the recently billed, and a random set of
    # older claims the payers never answered (the work queue's >90-day items).
    eligible = [c for c in claims if c.patient.primary and c.billed <= last_cutoff[c.patient.primary]]
    unpaid_now = len(claims) - len(eligible)
    target_unpaid = len(claims) // 3
    pool = [c for c in eligible if not c.tag]
    lost = set(c.number for c in rng.sample(pool, max(0, target_unpaid - unpaid_now)))
    paid_claims = [c for c in eligible if c.number not in lost]

    adj = Adjudicator()
    scenarios: list[Scenario] = []
    icn_seq = [0]

    def icn(payer: Payer, received: dt.date) -> str:
        icn_seq[0] += 1
        if payer.kind == "medicare":
            return f"11{received:%y}{received.timetuple().tm_yday:03d}{rng.randint(100, 999)}{icn_seq[0] % 1000:03d}"
        if payer.kind == "medicaid":
            return f"{received:%y}{received.timetuple().tm_yday:03d}{rng.randint(0, 10**8):08d}{icn_seq[0] % 1000:03d}"
        return f"{payer.icn_prefix}{received:%y%m%d}{rng.randint(10000, 99999)}"

    def pay_primary(c: Claim, payer: Payer, factor_pct: int = 100) -> ClaimPay:
        copay_left = [c.patient.copay]
        lines = [adj.primary_line(c.patient, payer, ln, copay_left, factor_pct) for ln in c.lines]
        received = c.billed + dt.timedelta(days=2)
        cp = ClaimPay(
            c.number, c.patient, "1", payer, c.patient.member_id, icn(payer, received), lines, c.rendering, received
        )
        if payer.kind == "medicare":
            cp.moa = ["MA01"]
            if c.patient.secondary and cp.patient_resp > 0:
                cp.status = "19"
                cp.crossover_to = PAYERS[c.patient.secondary]
                cp.moa = ["MA01", "MA18"]
        return cp

    def pay_secondary(primary: ClaimPay, claim: Claim, payer: Payer, pay_date: dt.date):
        received = pay_date - dt.timedelta(days=rng.randint(10, 16))
        lines = [secondary_line(lp, payer, claim.patient.medigap_plan == "G") for lp in primary.lines]
        return ClaimPay(
            claim.number,
            claim.patient,
            "2",
            payer,
            claim.patient.secondary_member_id,
            icn(payer, received),
            lines,
            claim.rendering,
            received,
        )

    def bank(r: Remittance) -> Remittance:
        if r.method == "ACH":
            r.payer_bank = (aba_routing(rng), str(rng.randint(10**9, 10**10 - 1)))
            r.payee_bank = (aba_routing(rng), str(rng.randint(10**7, 10**8 - 1)))
        return r

    def trace(method: str) -> str:
        if method == "CHK":
            return f"{rng.randint(10000, 99999):06d}"
        return f"{rng.randint(10**9, 10**10 - 1)}"

    def primary_batch(payer_id: str, lo: dt.date | None, hi: dt.date) -> list[Claim]:
        return [
            c for c in paid_claims if c.patient.primary == payer_id and c.billed <= hi and (lo is None or c.billed > lo)
        ]

    by_number = {c.number: c for c in claims}
    mcr, mgap, mcd = PAYERS["MCR01"], PAYERS["MGAP1"], PAYERS["MCD01"]
    acme, bfs, uhp, crc = PAYERS["ACM01"], PAYERS["BFS01"], PAYERS["UHP01"], PAYERS["CRC01"]
    files: list[EraFile] = []

    # ---- 01 Medicare, primary payments, crossovers, a medical-necessity denial, interest
    f1 = f"01_medicare_{d8(d1)}.835"
    batch = primary_batch("MCR01", None, cutoff[1])
    cps1 = []
    for c in batch:
        cp = pay_primary(c, mcr)
        if c.tag == "mcr_necessity":
            cp.lines = [
                denied_line(lp.line, "CO", "50", ["N386"]) if lp.line.code == "93000" else lp for lp in cp.lines
            ]
        cps1.append(cp)

    def plain(cp: ClaimPay) -> bool:
        c = by_number[cp.claim_number]
        return (
            not c.tag
            and cp.status == "1"
            and c.patient.group == "MCR"
            and cp.paid > 0
            and all(not lp.remarks for lp in cp.lines)
        )

    def has(cp: ClaimPay, group: str, carc: str) -> bool:
        return any((g, r) == (group, carc) for lp in cp.lines for g, r, _ in lp.adjustments)

    def pick(what: str, *tests):
        """The latest ERA 01 claim passing the most demanding of the tests that any passes."""
        for k in range(len(tests), 0, -1):
            found = [cp for cp in cps1 if all(t(cp) for t in tests[:k])]
            if found:
                return found[-1]
        raise SystemExit(f"no claim in ERA 01 for {what}: try another --anchor")

    # the claim reversed and corrected in ERA 05: coinsurance only (deductible already met)
    reversed_cp = pick("the reversal", plain, lambda cp: not has(cp, "PR", "1"), lambda cp: has(cp, "PR", "2"))
    # the claim whose first line Medicare recoups in ERA 05
    recouped_cp = pick(
        "the recoupment",
        lambda cp: plain(cp) and cp is not reversed_cp and cp.lines[0].paid > 0,
        lambda cp: cp.lines[0].line.code in ("99214", "99215"),
    )
    interest_cps = [
        cp for cp in cps1 if cp.paid > 0 and cp not in (reversed_cp, recouped_cp) and not by_number[cp.claim_number].tag
    ][:3]
    for cp in interest_cps:
        late_days = (d1 - cp.received).days - 30
        cp.interest = max(1, mul_div(cp.paid * late_days, INTEREST_RATE_PER_MILLE, 365 * 1000))
    interest_total = sum(cp.interest for cp in interest_cps)
    r1 = bank(Remittance(mcr, d1, "ACH", trace("ACH"), cps1, [("L6", "", -interest_total)]))
    files.append(EraFile(f1, [Interchange("MCR01", 101, d1 - dt.timedelta(days=2), [r1])]))
    xover = [cp for cp in cps1 if cp.status == "19"]
    ordinary = [cp for cp in cps1 if cp.status == "1" and not any(lp.remarks for lp in cp.lines)]
    scenarios += [
        Scenario(
            f1,
            "MCR01",
            "primary payments: CO-45 and CO-253 written down, PR-1 deductible "
            "and PR-2 coinsurance, labs and preventive without cost share",
            [cp.claim_number for cp in ordinary],
            "post; PR moves to the patient (no secondary)",
        ),
        Scenario(
            f1,
            "MCR01",
            "crossover, CLP02 = 19, NM1*TT names the secondary, MOA MA18",
            [cp.claim_number for cp in xover],
            "post the Medicare payment; PR-1/PR-2 move to the secondary coverage "
            "(Medigap MGAP1 or Medicaid MCD01), not the patient; mark crossed over, "
            "follow up in 30 days, do not rebill",
        ),
        Scenario(
            f1,
            "MCR01",
            "line denial CO-50 medical necessity (LQ*HE*N386) on 93000",
            [c.number for c in batch if c.tag == "mcr_necessity"],
            "the E/M line posts; the 93000 charge stays open with Medicare and opens a denial (medical necessity)",
        ),
        Scenario(
            f1,
            "MCR01",
            f"PLB L6 interest {csv_amount(-interest_total)} "
            "(= sum of AMT*I on the claims named), negative PLB amount added to BPR02",
            [cp.claim_number for cp in interest_cps],
            f"{csv_amount(interest_total)} to Medicare's unapplied as interest income, closed at once; no exception",
        ),
    ]

    # ---- 02 Acme (check): copays, deductibles, CO-97 bundling, CO-197 denial, unmatched
    f2 = f"02_acme_{d8(d2)}.835"
    batch = primary_batch("ACM01", None, cutoff[2])
    cps2, bundled = [], []
    for c in batch:
        cp = pay_primary(c, acme)
        if c.tag == "acme_auth":
            cp.status = "4"
            cp.lines = [denied_line(ln, "CO", "197", ["N54"]) for ln in c.lines]
        else:
            new_lines = []
            for lp in cp.lines:
                if lp.line.code == "36415":  # Acme never pays venipuncture separately
                    lp = denied_line(lp.line, "CO", "97", ["M15"])
                    bundled.append(c.number)
                new_lines.append(lp)
            cp.lines = new_lines
        cps2.append(cp)
    ghost = next(p for p in (c.patient for c in batch if not c.tag))
    ghost_line = Line(1, "99214", (), 1, FEES["99214"][0], d2 - dt.timedelta(days=40), f"{UNMATCHED_CLAIM}-1")
    ghost_cp = ClaimPay(
        UNMATCHED_CLAIM,
        ghost,
        "1",
        acme,
        ghost.member_id,
        icn(acme, d2 - dt.timedelta(days=30)),
        [adj.primary_line(ghost, acme, ghost_line, [0])],
        ghost.provider,
        d2 - dt.timedelta(days=30),
    )
    cps2.append(ghost_cp)
    r2 = bank(Remittance(acme, d2, "CHK", trace("CHK"), cps2))
    files.append(EraFile(f2, [Interchange("ACM01", 201, d2 - dt.timedelta(days=2), [r2])]))
    auth = [c.number for c in batch if c.tag == "acme_auth"]
    scenarios += [
        Scenario(
            f2,
            "ACM01",
            "primary payments by check: CO-45, PR-3 copay, PR-1/PR-2 on "
            "deductible plans (some paid 0, all deductible: not a denial)",
            [
                cp.claim_number
                for cp in cps2
                if cp.status == "1" and cp.claim_number not in bundled and cp.claim_number != UNMATCHED_CLAIM
            ],
            "post; PR to the patient",
        ),
        Scenario(
            f2,
            "ACM01",
            "line denial CO-97 bundling (LQ*HE*M15) on every 36415",
            sorted(set(bundled)),
            "the other lines post; 36415 stays open with Acme as a denial (bundling)",
        ),
        Scenario(
            f2,
            "ACM01",
            "full denial, CLP02 = 4, CO-197 no authorization (LQ*HE*N54) on 20610 + J7325 x48",
            auth,
            "nothing paid; the whole charge stays open with Acme; denials opened (authorization)",
        ),
        Scenario(
            f2,
            "ACM01",
            f"claim payment whose CLP01 is not in claims.csv (paid {csv_amount(ghost_cp.paid)})",
            [UNMATCHED_CLAIM],
            f"exception 'claim not found'; {csv_amount(ghost_cp.paid)} to Acme's unapplied; exit 1",
        ),
    ]

    # ---- 03 Medigap: secondary payments for ERA 01's Medigap crossovers
    f3 = f"03_medigap_{d8(d3)}.835"
    cps3 = [pay_secondary(cp, by_number[cp.claim_number], mgap, d3) for cp in xover if cp.crossover_to is mgap]
    r3 = bank(Remittance(mgap, d3, "ACH", trace("ACH"), cps3))
    files.append(EraFile(f3, [Interchange("MGAP1", 301, d3 - dt.timedelta(days=2), [r3])]))
    scenarios.append(
        Scenario(
            f3,
            "MGAP1",
            "secondary payments, CLP02 = 2, OA-23 for Medicare's impact: plan-F "
            "patients' claims paid deductible and coinsurance",
            [cp.claim_number for cp in cps3 if cp.patient.medigap_plan == "F"],
            "pays the secondary coverage; OA-23 posts nothing; the secondary balance ends at 0",
        )
    )
    scenarios.append(
        Scenario(
            f3,
            "MGAP1",
            "secondary payments, CLP02 = 2, plan-G patients: OA-23, pays the PR-2 "
            "coinsurance, PR-1 (Part B deductible) left to the patient (some paid 0)",
            [cp.claim_number for cp in cps3 if cp.patient.medigap_plan == "G"],
            "pays the secondary coverage; PR-1 moves from the secondary to the patient; the "
            "secondary balance ends at 0",
        )
    )

    # ---- 04 clearinghouse bundle: Bluefinch and Uniterra, two ST in one GS
    f4 = f"04_bluefinch_uniterra_{d8(d4)}.835"
    batch_b = primary_batch("BFS01", None, cutoff[4])
    cps4b = []
    for c in batch_b:
        cp = pay_primary(c, bfs)
        if c.tag == "bfs_missing_info":
            cp.status = "4"
            cp.lines = [denied_line(ln, "CO", "16", ["MA130", "N290"]) for ln in c.lines]
        elif c.tag == "bfs_partial":
            cp.lines = [partial_units_line(bfs, lp.line, 2) if lp.line.code == "J3301" else lp for lp in cp.lines]
        cps4b.append(cp)
    batch_u = primary_batch("UHP01", None, cutoff[4])
    cps4u = []
    for c in batch_u:
        cp = pay_primary(c, uhp)
        if c.tag == "uhp_timely":
            cp.lines = [denied_line(ln, "CO", "29", []) for ln in c.lines]
            cp.received = d4 - dt.timedelta(days=12)  # the payer's record: received too late
        cps4u.append(cp)
    r4b = bank(Remittance(bfs, d4, "ACH", trace("ACH"), cps4b))
    r4u = bank(Remittance(uhp, d4, "ACH", trace("ACH"), cps4u))
    files.append(EraFile(f4, [Interchange("PAYBRIDGECH", 401, d4 - dt.timedelta(days=2), [r4b, r4u])]))
    scenarios += [
        Scenario(
            f4,
            "BFS01",
            "primary payments (ST 0001 of two in one GS)",
            [c.number for c in batch_b if not c.tag],
            "post; PR to the patient",
        ),
        Scenario(
            f4,
            "BFS01",
            "full denial, CLP02 = 4, CO-16 with LQ*HE*MA130 and N290",
            [c.number for c in batch_b if c.tag == "bfs_missing_info"],
            "nothing paid; charge stays with Bluefinch; denial opened (missing information), correct and resubmit",
        ),
        Scenario(
            f4,
            "BFS01",
            "partial line payment: J3301 x4 billed, 2 units paid (SVC05 = 2, "
            "SVC07 = 4), CO-151 on the unpaid units, CO-45 and PR-2 on the rest",
            [c.number for c in batch_b if c.tag == "bfs_partial"],
            "the line posts its payment; CO-151 part stays open as a denial; PR-2 to the patient",
        ),
        Scenario(
            f4,
            "UHP01",
            "primary payments (ST 0002)",
            [c.number for c in batch_u if not c.tag],
            "post; PR to the patient",
        ),
        Scenario(
            f4,
            "UHP01",
            "CLP02 = 1 paid 0: every line CO-29 timely filing (DTM*050 received date late)",
            [c.number for c in batch_u if c.tag == "uhp_timely"],
            "charges stay open with Uniterra; denials opened (timely filing); appeal with proof of timely filing",
        ),
    ]

    # ---- 05 Medicare: more payments, a reversal and its correction, a recoupment
    f5 = f"05_medicare_{d8(d5)}.835"
    batch = primary_batch("MCR01", cutoff[1], cutoff[5])
    cps5 = [pay_primary(c, mcr) for c in batch]
    corrected = pay_primary(by_number[reversed_cp.claim_number], mcr, factor_pct=103)
    corrected.received = d5 - dt.timedelta(days=9)
    insert = [reversed_cp.reversal(), corrected]
    cps5 = insert + cps5  # the reversed claim is older than everything else in this file
    recoup = recouped_cp.lines[0].paid
    r5 = bank(Remittance(mcr, d5, "ACH", trace("ACH"), cps5, [("WO", recouped_cp.claim_number, recoup)]))
    files.append(EraFile(f5, [Interchange("MCR01", 501, d5 - dt.timedelta(days=2), [r5])]))
    scenarios += [
        Scenario(
            f5,
            "MCR01",
            "primary payments and crossovers (CLP02 = 1 / 19)",
            [cp.claim_number for cp in cps5[2:]],
            "post; crossed-over PR waits with the secondary (no secondary ERA yet)",
        ),
        Scenario(
            f5,
            "MCR01",
            f"reversal CLP02 = 22 of ERA 01's payment (same CLP07 "
            f"{reversed_cp.icn}, every amount negated) then the correction CLP02 = 1 "
            f"(new CLP07 {corrected.icn}, fee schedule +3 %: paid "
            f"{csv_amount(reversed_cp.paid)} -> {csv_amount(corrected.paid)})",
            [reversed_cp.claim_number],
            "the reversal pairs with the ERA 01 payment and undoes it exactly (no "
            "exception); the correction posts as a new payment; net change "
            f"{csv_amount(corrected.paid - reversed_cp.paid)} paid",
        ),
        Scenario(
            f5,
            "MCR01",
            f"PLB WO recoupment {csv_amount(recoup)} with reference "
            f"{recouped_cp.claim_number} (paid in ERA 01), reduces BPR02",
            [recouped_cp.claim_number],
            f"{csv_amount(recoup)} recorded in Medicare's unapplied and applied to "
            f"{recouped_cp.claim_number} at once (negative payment): that claim owes "
            f"{csv_amount(recoup)} again with Medicare; unapplied nets to 0",
        ),
    ]

    # ---- 06 two interchanges: Medicaid (primary + dual-eligible secondary), Crestvale
    f6 = f"06_medicaid_crestvale_{d8(d6)}.835"
    batch = primary_batch("MCD01", None, cutoff[6])
    cps6 = [pay_primary(c, mcd) for c in batch]
    sec6 = [pay_secondary(cp, by_number[cp.claim_number], mcd, d6) for cp in xover if cp.crossover_to is mcd]
    cps6 = sorted(cps6 + sec6, key=lambda cp: cp.claim_number)
    batch_c = primary_batch("CRC01", None, cutoff[6])
    cps6c = [pay_primary(c, crc) for c in batch_c]
    r6 = bank(Remittance(mcd, d6, "ACH", trace("ACH"), cps6))
    r6c = bank(Remittance(crc, d6, "CHK", trace("CHK"), cps6c))
    files.append(
        EraFile(
            f6,
            [
                Interchange("MCD01", 601, d6 - dt.timedelta(days=2), [r6]),
                Interchange("CRC01", 602, d6 - dt.timedelta(days=2), [r6c]),
            ],
        )
    )
    scenarios += [
        Scenario(
            f6,
            "MCD01",
            "Medicaid primary payments: CO-45 only, no patient share",
            [cp.claim_number for cp in cps6 if cp.status == "1"],
            "post; nothing left with anyone",
        ),
        Scenario(
            f6,
            "MCD01",
            "Medicaid as secondary for dual-eligible crossovers from ERA 01, "
            "CLP02 = 2, OA-23, pays deductible and coinsurance",
            [cp.claim_number for cp in sec6],
            "pays the secondary coverage; patient owes nothing",
        ),
        Scenario(
            f6,
            "CRC01",
            "commercial primary payments by check (second ISA in the file)",
            [cp.claim_number for cp in cps6c],
            "post; PR to the patient",
        ),
    ]
    return files, scenarios, lost


# --------------------------------------------------------------------------- self-check


def _split(text: str) -> list[list[str]]:
    if not text.startswith("ISA"):
        raise AssertionError("file does not start with ISA")
    element = text[3]
    pos = 0
    for _ in range(16):
        pos = text.index(element, pos) + 1
    component, terminator = text[pos], text[pos + 1]
    if (element, component, terminator) != ("*", ":", "~"):
        raise AssertionError(f"unexpected delimiters {element!r} {component!r} {terminator!r}")
    if len(text[: pos + 2]) != 106:
        raise AssertionError("ISA is not 106 characters")
    return [s.strip().split(element) for s in text.split(terminator) if s.strip()]


def check_balanced(path) -> dict:
    """Re-read one 835 and assert its envelopes and the three balancing rules.

    Returns counts (interchanges, transactions, claims, lines). Raises AssertionError
    naming the segment number and what does not add up.
    """
    segments = _split(Path(path).read_text(encoding="ascii"))

    def fail(i: int, msg: str):
        raise AssertionError(f"{path}: segment {i + 1} ({segments[i][0]}): {msg}")

    def amt(value: str) -> Decimal:
        return Decimal(value) if value else Decimal(0)

    counts = {"interchanges": 0, "transactions": 0, "claims": 0, "lines": 0}
    isa = gs = st = None
    n_gs = n_st = 0
    st_start = 0
    bpr02 = total_paid = total_plb = interest = plb_interest = Decimal(0)
    claim = line = None  # [charge, paid, cas total]

    def close_line(i):
        if line is not None and line[0] - line[2] != line[1]:
            fail(i, f"line SVC02 {line[0]} - CAS {line[2]} != SVC03 {line[1]}")

    def close_claim(i):
        close_line(i)
        if claim is not None and claim[0] - claim[2] != claim[1]:
            fail(i, f"claim {claim[3]}: CLP03 {claim[0]} - CAS {claim[2]} != CLP04 {claim[1]}")

    for i, seg in enumerate(segments):
        tag = seg[0]
        if tag == "ISA":
            if len(seg) != 17:
                fail(i, "ISA must have 16 elements")
            isa, n_gs = seg, 0
            counts["interchanges"] += 1
        elif tag == "GS":
            if seg[8] != "005010X221A1":
                fail(i, f"GS08 {seg[8]}")
            gs, n_st = seg, 0
            n_gs += 1
        elif tag == "ST":
            st, st_start = seg, i
            n_st += 1
            counts["transactions"] += 1
            bpr02 = total_paid = total_plb = interest = plb_interest = Decimal(0)
            claim = line = None
        elif tag == "BPR":
            bpr02 = amt(seg[2])
        elif tag == "CLP":
            close_claim(i)
            line = None
            claim = [amt(seg[3]), amt(seg[4]), Decimal(0), seg[1]]
            total_paid += claim[1]
            counts["claims"] += 1
        elif tag == "SVC":
            close_line(i)
            line = [amt(seg[2]), amt(seg[3]), Decimal(0)]
            counts["lines"] += 1
        elif tag == "CAS":
            total = sum((amt(seg[k]) for k in range(3, len(seg), 3)), Decimal(0))
            if claim is None:
                fail(i, "CAS outside a claim")
            claim[2] += total
            if line is not None:
                line[2] += total
        elif tag == "PLB":
            close_claim(i)
            claim = line = None
            total_plb += sum((amt(seg[k]) for k in range(4, len(seg), 2)), Decimal(0))
            plb_interest += sum(
                (amt(seg[k]) for k in range(4, len(seg), 2) if seg[k - 1].split(":")[0] == "L6"), Decimal(0)
            )
        elif tag == "AMT" and seg[1] == "I" and line is None:
            interest += amt(seg[2])
        elif tag == "SE":
            close_claim(i)
            claim = line = None
            if int(seg[1]) != i - st_start + 1:
                fail(i, f"SE01 {seg[1]} but {i - st_start + 1} segments")
            if st is None or seg[2] != st[2]:
                fail(i, "SE02 != ST02")
            if total_paid - total_plb != bpr02:
                fail(i, f"BPR02 {bpr02} != sum CLP04 {total_paid} - sum PLB {total_plb}")
            if interest and plb_interest != -interest:
                fail(i, f"PLB L6 {plb_interest} != -(sum AMT*I {interest})")
            st = None
        elif tag == "GE":
            if gs is None or int(seg[1]) != n_st or seg[2] != gs[6]:
                fail(i, "GE does not match its GS")
            gs = None
        elif tag == "IEA":
            if isa is None or int(seg[1]) != n_gs or seg[2] != isa[13]:
                fail(i, "IEA does not match its ISA")
            isa = None
    if isa is not None or gs is not None or st is not None:
        raise AssertionError(f"{path}: unclosed envelope")
    return counts


# --------------------------------------------------------------------------- README


def readme_text(
    anchor: dt.date, claims: list[Claim], files: list[EraFile], scenarios: list[Scenario], lost: set[str]
) -> str:
    out = io.StringIO()
    w = out.write
    n_lines = sum(len(c.lines) for c in claims)
    w("# Sample data: a demo practice\n\n")
    w(
        "Generated by `generate.py`; **do not edit these files by hand** "
        "(`tests/test_sample_data.py` regenerates them and fails on any difference).\n\n"
    )
    w(
        f"* Anchor date: **{anchor.isoformat()}**. Dates of service fall in the six months "
        "before it; every date in these files is on or before it. The demo passes it as "
        "`--posting-date` when it writes and `--as-of` when it reports.\n"
    )
    w(
        f"* Practice: {PRACTICE['name'].title()}, billing NPI {PRACTICE['npi']} (invented, "
        "Luhn-valid), place of service 11; rendering providers "
        + ", ".join(f"{first.title()} {last.title()} ({npi})" for last, first, npi in PROVIDERS)
        + ". Patients, payers and ids are invented.\n"
    )
    w(
        "* Regenerate: `python3 sample_data/generate.py` (options `--anchor YYYY-MM-DD`, "
        "`--out DIR`); the generator re-reads every ERA it wrote with `check_balanced` "
        "(envelope control counts, line, claim and transaction balancing).\n\n"
    )
    w("## claims.csv\n\n")
    w(
        f"{len(claims)} claims, {n_lines} lines, {csv_amount(sum(c.charge for c in claims))} "
        "charged; one row per claim line in the `ar-cli claims import` format.\n\n"
    )
    w("| primary payer | payer_id | claims | lines | charges |\n|---|---|---:|---:|---:|\n")
    for pid, name in [(p.id, p.name) for p in PAYERS.values()] + [("", "Self-pay")]:
        cs = [c for c in claims if (c.patient.primary or "") == pid]
        if not cs:
            continue
        w(
            f"| {name} | {pid or '(empty)'} | {len(cs)} | {sum(len(c.lines) for c in cs)} | "
            f"{csv_amount(sum(c.charge for c in cs))} |\n"
        )
    sec = {}
    for c in claims:
        if c.patient.secondary:
            sec[c.patient.secondary] = sec.get(c.patient.secondary, 0) + 1
    w(
        "\nSecondary coverage: "
        + ", ".join(f"{PAYERS[k].name} ({k}) on {v} Medicare claims" for k, v in sec.items())
        + ".\n\n"
    )
    paid_numbers = {cp.claim_number for f in files for ix in f.interchanges for r in ix.remittances for cp in r.claims}
    unpaid = [c for c in claims if c.number not in paid_numbers]
    old = [c for c in unpaid if c.billed < anchor - dt.timedelta(days=90)]
    w(
        f"Unpaid (no remittance at all): {len(unpaid)} claims, "
        f"{csv_amount(sum(c.charge for c in unpaid))}; {len(old)} of them billed more than 90 "
        f"days before the anchor ({len(lost)} are claims the payers never answered; the rest "
        "are self-pay or billed too recently to be paid).\n\n"
    )
    w("## eras/\n\n")
    w(
        "X12 5010 835 (005010X221A1), delimiters `*` `:` `~`, one segment per line. Post them "
        "in name order (the reversal in 05 needs the payment in 01).\n\n"
    )
    w("| file | ISA / ST | payer | trace (TRN02) | BPR16 | BPR02 | claims | sum CLP04 | PLB |\n")
    w("|---|---|---|---|---|---:|---:|---:|---|\n")
    for f in files:
        for ix in f.interchanges:
            for k, r in enumerate(ix.remittances, start=1):
                plb = (
                    ", ".join(f"{reason}{':' + ref if ref else ''} {csv_amount(a)}" for reason, ref, a in r.plb) or "-"
                )
                w(
                    f"| {f.name} | {ix.control:09d} / {k:04d} | {r.payer.id} | {r.trace} | "
                    f"{r.pay_date.isoformat()} | {csv_amount(r.amount)} | {len(r.claims)} | "
                    f"{csv_amount(sum(c.paid for c in r.claims))} | {plb} |\n"
                )
    w("\n## Scenarios: what each file exercises and what posting should do\n\n")
    w("| file | payer | scenario | claims | posting should |\n|---|---|---|---|---|\n")
    for s in scenarios:
        shown = (
            ", ".join(s.claims)
            if len(s.claims) <= 6
            else (f"{len(s.claims)} claims: " + ", ".join(s.claims[:4]) + ", …")
        )
        w(f"| {s.file} | {s.payer} | {s.scenario} | {shown} | {s.expect} |\n")
    w(
        "\nThe full claim lists are in `scenarios.json`. Expected exceptions from posting all six "
        f"files in order: one (claim {UNMATCHED_CLAIM} not found, ERA 02). Expected unapplied "
        "money: the ERA 01 interest (income, closed), the ERA 02 unmatched payment (open), "
        "and the ERA 05 recoupment (applied to its claim, nets to 0).\n"
    )
    return out.getvalue()


def scenarios_json(anchor: dt.date, files: list[EraFile], scenarios: list[Scenario]) -> str:
    data = {
        "anchor": anchor.isoformat(),
        "unmatched_claim": UNMATCHED_CLAIM,
        "files": [
            {
                "file": f.name,
                "transactions": [
                    {
                        "isa_control": f"{ix.control:09d}",
                        "st_control": f"{k:04d}",
                        "payer_id": r.payer.id,
                        "trn02": r.trace,
                        "trn03": r.payer.tin,
                        "bpr16": r.pay_date.isoformat(),
                        "bpr02": csv_amount(r.amount),
                        "claims": len(r.claims),
                        "sum_clp04": csv_amount(sum(c.paid for c in r.claims)),
                        "plb": [
                            {"reason": reason, "reference": ref, "amount": csv_amount(a)} for reason, ref, a in r.plb
                        ],
                    }
                    for ix in f.interchanges
                    for k, r in enumerate(ix.remittances, start=1)
                ],
            }
            for f in files
        ],
        "scenarios": [
            {"file": s.file, "payer_id": s.payer, "scenario": s.scenario, "claims": s.claims, "expect": s.expect}
            for s in scenarios
        ],
    }
    return json.dumps(data, indent=2) + "\n"


# --------------------------------------------------------------------------- main


def generate(anchor: dt.date, out: Path) -> dict:
    rng = random.Random(SEED)
    patients = make_patients(rng, anchor)
    claims = make_claims(rng, anchor, patients)
    files, scenarios, lost = build_eras(rng, anchor, claims)

    out.mkdir(parents=True, exist_ok=True)
    eras = out / "eras"
    eras.mkdir(exist_ok=True)
    for old in sorted(eras.glob("*.835")):
        old.unlink()
    (out / "claims.csv").write_text(claims_csv(claims), encoding="utf-8", newline="")
    for f in files:
        text = "".join(interchange_text(ix) for ix in f.interchanges)
        (eras / f.name).write_text(text, encoding="ascii", newline="")
    (out / "README.md").write_text(readme_text(anchor, claims, files, scenarios, lost), encoding="utf-8", newline="")
    (out / "scenarios.json").write_text(scenarios_json(anchor, files, scenarios), encoding="utf-8", newline="")

    summary = {"claims": len(claims), "lines": sum(len(c.lines) for c in claims), "eras": {}}
    for f in files:
        summary["eras"][f.name] = check_balanced(eras / f.name)
    _check_dates(out, anchor)
    return summary


def _check_dates(out: Path, anchor: dt.date) -> None:
    """Every date written is on or before the anchor."""
    limit = anchor.isoformat()
    with open(out / "claims.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if max(row["service_date"], row["billed_date"]) > limit:
                raise AssertionError(f"claims.csv: {row['claim_number']} dated after the anchor")
    for path in sorted((out / "eras").glob("*.835")):
        for seg in _split(path.read_text(encoding="ascii")):
            dates = []
            if seg[0] == "DTM":
                dates.append(seg[2])
            elif seg[0] == "BPR":
                dates.append(seg[16])
            elif seg[0] == "GS":
                dates.append(seg[4])
            for d in dates:
                if f"{d[:4]}-{d[4:6]}-{d[6:]}" > limit:
                    raise AssertionError(f"{path.name}: {seg[0]} date {d} after the anchor")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--anchor", default=DEFAULT_ANCHOR, help="the demo's 'today', YYYY-MM-DD (default %(default)s)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="folder to write into (default: sample_data/, beside this script)",
    )
    args = parser.parse_args(argv)
    try:
        anchor = dt.date.fromisoformat(args.anchor)
    except ValueError:
        parser.error(f"--anchor: not a date: {args.anchor!r}")
    summary = generate(anchor, args.out)
    print(
        f"wrote {summary['claims']} claims ({summary['lines']} lines) and "
        f"{len(summary['eras'])} ERAs to {args.out}; all ERAs balance"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
