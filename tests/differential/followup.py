"""A second remittance from the payer of a generated 835 (benchmarks/make_large_835.py),
written from that file's own claims so it is as deterministic as they are:

- claim 1, 11, 21, …: a reversal (CLP02 22, every amount negated, naming the original's
  payer claim control number) and the same claim paid again (a correction);
- claim 3, 43, 83, …: a reversal alone (the payment taken back);
- claim 5, 15, 25, …: paid a second time (CLP02 1 again, a new control number);
- every denied claim (CLP02 4): paid on appeal (80% allowed, CO-45 written down);
- two PLBs: interest paid (L6, negative: raises the payment) and a recoupment (WO).

BPR02 is the sum of the claim payments less the PLB amounts, as the 835 requires.
"""

from __future__ import annotations

from pathlib import Path

TRACE = "EFT0000002"
PAID_ON = "20250411"


def _cents(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    whole, _, part = text.lstrip("-").partition(".")
    return sign * (int(whole or "0") * 100 + int((part + "00")[:2]))


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def _negate(amount: str) -> str:
    return _money(-_cents(amount)) if amount else amount


def _reversed(block: list[str]) -> list[str]:
    out = []
    for segment in block:
        e = segment.split("*")
        if e[0] == "CLP":
            e[2] = "22"
            e[3], e[4], e[5] = _negate(e[3]), _negate(e[4]), _negate(e[5])
        elif e[0] == "SVC":
            e[2], e[3] = _negate(e[2]), _negate(e[3])
        elif e[0] == "CAS":
            for i in range(3, len(e), 3):
                e[i] = _negate(e[i])
        elif e[0] == "AMT":
            e[2] = _negate(e[2])
        out.append("*".join(e))
    return out


def _renumbered(block: list[str], suffix: str) -> list[str]:
    first = block[0].split("*")
    first[7] = first[7] + suffix
    return ["*".join(first), *block[1:]]


def _paid_on_appeal(block: list[str]) -> list[str]:
    """A denied claim paid: each line 80% allowed, the rest CO-45; nothing for the patient."""
    out: list[str] = []
    total_charge = total_paid = 0
    for segment in block:
        e = segment.split("*")
        if e[0] == "CAS" or e[0] == "AMT":
            continue
        if e[0] == "SVC":
            charge = _cents(e[2])
            paid = charge * 80 // 100
            total_charge, total_paid = total_charge + charge, total_paid + paid
            e[3] = _money(paid)
            out.append("*".join(e))
            continue
        if e[0] == "REF" and e[1] == "6R":
            line_charge = _cents(out[-2].split("*")[2]) if out[-2].startswith("SVC") else 0
            line_paid = _cents(out[-2].split("*")[3]) if out[-2].startswith("SVC") else 0
            out.append(f"CAS*CO*45*{_money(line_charge - line_paid)}")
        out.append(segment)
    clp = out[0].split("*")
    clp[2], clp[4], clp[5], clp[7] = "1", _money(total_paid), "", clp[7] + "A"
    out[0] = "*".join(clp)
    return out


def write_followup(remit: Path, out: Path, seed: int) -> Path:
    segments = [s.strip() for s in remit.read_text(encoding="ascii").split("~") if s.strip()]
    first_claim = next(i for i, s in enumerate(segments) if s.startswith("CLP*"))
    end = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    header, body = segments[:first_claim], segments[first_claim:end]
    claims: list[list[str]] = []
    for segment in body:
        if segment.startswith("CLP*"):
            claims.append([])
        claims[-1].append(segment)
    new_body: list[str] = []
    for index, block in enumerate(claims, 1):
        status = block[0].split("*")[2]
        if status == "4":
            new_body += _paid_on_appeal(block)
        elif index % 10 == 1:
            new_body += _reversed(block) + _renumbered(block, "C")
        elif index % 40 == 3:
            new_body += _reversed(block)
        elif index % 10 == 5:
            new_body += _renumbered(block, "B")
    payee = next(s.split("*")[4] for s in header if s.startswith("N1*PE*"))
    plb = [f"PLB*{payee}*20251231*L6:INT{seed}*-3.17", f"PLB*{payee}*20251231*WO:{claims[1][0].split('*')[1]}*12.50"]
    paid = sum(_cents(s.split("*")[4]) for s in new_body if s.startswith("CLP*"))
    total = paid - sum(_cents(s.split("*")[-1]) for s in plb)
    new_header = []
    for segment in header:
        e = segment.split("*")
        if e[0] == "ISA":
            e[13] = "000000002"
        elif e[0] == "BPR":
            e[2], e[16] = _money(total), PAID_ON
        elif e[0] == "TRN":
            e[2] = TRACE
        elif e[0] == "DTM" and e[1] == "405":
            e[2] = PAID_ON
        new_header.append("*".join(e))
    st = next(i for i, s in enumerate(new_header) if s.startswith("ST*"))
    transaction = new_header[st:] + new_body + plb
    trailer = [f"SE*{len(transaction) + 1}*0001", "GE*1*1", "IEA*1*000000002"]
    out.write_text("~\n".join(new_header + new_body + plb + trailer) + "~\n", encoding="ascii")
    return out
