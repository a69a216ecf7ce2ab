"""Past figures do not move: every report over a past range reads the ledger as of the
range's end (posting date ≤ --to). The sample practice is posted in June; each range
report is taken; July then posts an ERA whose check is dated in June (a reversal of a
June denial and a first payment with a new denial), applies June's unapplied money,
posts a paper EOB dated in June and appeals a June denial; every report is taken again
and must be the same, byte for byte. The June close pack, closed before July and
again (after a reopen) once July has posted, holds the same files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from support import Cli

SAMPLE = REPO / "sample_data"
JUNE = ("--from", "2026-06-01", "--to", "2026-06-30")
HALF = ("--from", "2026-01-01", "--to", "2026-06-30")

HEADER = [
    "ST*835*0001",
    "BPR*I*150.00*C*CHK************20260629",
    "TRN*1*JULY0629*1990000404",
    "DTM*405*20260627",
    "N1*PR*ACME HEALTH PLAN*XV*ACM01",
    "N1*PE*LARKSPUR HOLLOW FAMILY MEDICINE*XX*1648293714",
    "LX*1",
]
# CLM100182 was denied in full in June (CO-197, 02_acme): the payer reverses that claim payment.
REVERSAL = [
    "CLP*CLM100182*22*-1524*0**12*AHP26041574293*11*1",
    "NM1*QC*1*HAZELWICK*VERA****MI*AHP89662073",
    "SVC*HC:20610:RT*-180*0**1",
    "DTM*472*20260410",
    "CAS*CO*197*-180",
    "REF*6R*CLM100182-1",
    "SVC*HC:J7325*-1344*0**48",
    "DTM*472*20260410",
    "CAS*CO*197*-1344",
    "REF*6R*CLM100182-2",
]
# CLM100224 (billed in May, no answer by June 30): first adjudicated by this check, one line denied.
FIRST_ANSWER = [
    "CLP*CLM100224*1*220*150*20*12*AHP26062900001*11*1",
    "NM1*QC*1*VALEWHISTLE*GEORGE****MI*AHP45912016",
    "SVC*HC:99213*145*100**1",
    "DTM*472*20260504",
    "CAS*CO*45*25",
    "CAS*PR*2*20",
    "REF*6R*CLM100224-1",
    "SVC*HC:36415*20*15**1",
    "DTM*472*20260504",
    "CAS*CO*45*5",
    "REF*6R*CLM100224-2",
    "SVC*HC:80053*55*35**1",
    "DTM*472*20260504",
    "CAS*CO*197*20",
    "REF*6R*CLM100224-3",
]


def july_era(folder: Path) -> Path:
    body = [*HEADER, *REVERSAL, *FIRST_ANSWER]
    body.append(f"SE*{len(body) + 1}*0001")
    path = folder / "acme_20260629.835"
    path.write_text(
        "ISA*00*          *00*          *ZZ*ACM01          *ZZ*LARKSPURFM     *260701*0215*^*00501*000000701*0*P*:~"
        "GS*HP*ACM01*LARKSPURFM*20260701*0215*701*X*005010X221A1~" + "~".join(body) + "~GE*1*701~IEA*1*000000701~"
    )
    return path


def reports(cli: Cli, folder: Path, tag: str) -> dict[str, bytes]:
    """Every range report over June (and January–June) in every format, as bytes."""
    out: dict[str, bytes] = {}

    def run(name: str, *args: str) -> None:
        result = cli(*args)
        assert result.exit_code == 0, (name, result.output)
        out[name] = result.stdout.encode()

    for span, dates in (("june", JUNE), ("half", HALF)):
        run(f"kpis-{span}-table", "kpis", *dates)
        for fmt in ("csv", "json"):
            run(f"kpis-{span}-{fmt}", "kpis", *dates, "--format", fmt)
            run(f"kpis-{span}-{fmt}-rows", "kpis", *dates, "--rows", "--format", fmt)
        for by in ("category", "payer", "month"):
            for fmt in ("csv", "json"):
                run(f"trends-{span}-{by}-{fmt}", "denials", "trends", "--by", by, *dates, "--format", fmt)
        for kind in ("ledger", "remittances"):
            target = folder / f"{tag}-{span}-{kind}.csv"
            result = cli("export", kind, *dates, "--output", str(target))
            assert result.exit_code == 0, result.output
            out[f"export-{span}-{kind}"] = target.read_bytes()
    return out


def pack_files(folder: Path) -> dict[str, bytes]:
    """The close pack's data files (the manifests say when they were made, so they differ)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".csv"}


@pytest.fixture
def june(cli: Cli) -> Cli:
    assert cli("claims", "import", str(SAMPLE / "claims.csv"), "--posting-date", "2026-06-30").exit_code == 0
    assert cli("post", "era", str(SAMPLE / "eras"), "--posting-date", "2026-06-30").exit_code == 1
    return cli


def post_july(cli: Cli, folder: Path) -> None:
    era = cli("post", "era", str(july_era(folder)), "--posting-date", "2026-07-02")
    assert era.exit_code in (0, 1), era.output
    assert "JULY0629" in era.stdout and "rejected" not in era.stdout
    (held,) = json.loads(cli("unapplied", "list", "--format", "json").stdout)["unapplied"]
    applied = cli(
        "unapplied", "apply", held["id"], "--claim", "CLM100009", "--amount", "62.10", "--posting-date", "2026-07-01"
    )
    assert applied.exit_code == 0, applied.output
    paper = cli(
        "post",
        "payment",
        "CLM100141",
        "--amount",
        "150.00",
        "--method",
        "check",
        "--reference",
        "PAPER0625",
        "--date",
        "2026-06-25",
        "--payer",
        "ACM01",
        "--adjust",
        "CO-45=60.00",
        "--posting-date",
        "2026-07-03",
    )
    assert paper.exit_code == 0, paper.output
    appeal = cli("denials", "appeal", "CLM100182", "--note", "authorization on file", "--date", "2026-07-06")
    assert appeal.exit_code in (0, 2), appeal.output  # its denials may be superseded by the reversal


def test_past_ranges_do_not_move_after_later_postings(june: Cli, tmp_path: Path) -> None:
    before = reports(june, tmp_path, "before")
    assert june("period", "close", "2026-06", "--output", str(tmp_path)).exit_code == 0
    post_july(june, tmp_path)
    after = reports(june, tmp_path, "after")
    moved = [name for name in before if before[name] != after[name]]
    assert june("period", "reopen", "2026-06", "--reason", "test: close again after July").exit_code == 0
    assert june("period", "close", "2026-06", "--output", str(tmp_path)).exit_code == 0
    first, second = pack_files(tmp_path / "close-2026-06"), pack_files(tmp_path / "close-2026-06.2")
    assert list(first) == [
        "aging_2026-06-30.csv",
        "ledger_2026-06-01_2026-06-30.csv",
        "remittances_2026-06-01_2026-06-30.csv",
    ]
    moved += [f"pack:{name}" for name in first if first[name] != second[name]]
    assert moved == [], moved


def test_july_did_move_july(june: Cli, tmp_path: Path) -> None:
    """The same reports over June–July do see July: the test above cannot pass by
    posting nothing."""
    span = ("--from", "2026-06-01", "--to", "2026-07-31")
    kpis = json.loads(june("kpis", *span, "--format", "json").stdout)
    trends = june("denials", "trends", *span, "--format", "csv").stdout
    remittances = tmp_path / "r.csv"
    june("export", "remittances", *span, "--output", str(remittances))
    before = (kpis, trends, remittances.read_bytes())
    post_july(june, tmp_path)
    kpis = json.loads(june("kpis", *span, "--format", "json").stdout)
    trends = june("denials", "trends", *span, "--format", "csv").stdout
    assert june("export", "remittances", *span, "--output", str(remittances), "--overwrite").exit_code == 0
    after = (kpis, trends, remittances.read_bytes())
    assert [b != a for b, a in zip(before, after)] == [True, True, True]
