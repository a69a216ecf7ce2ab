"""`ar-cli post payment --payer` on a denied line: the line it prints when the paper EOB
overturns the payer's denial, and `denials list` agreeing (SQLite and PostgreSQL)."""

import json

from denial_eras import claim, claims_csv, era, line


def test_a_paper_eob_paying_a_denied_line_says_it_overturned_the_denial(cli, tmp_path):
    assert cli("claims", "import", str(claims_csv(tmp_path)), "--posting-date", "2026-06-30").exit_code == 0
    denied = era(
        tmp_path / "e1.835",
        "ACME1",
        "T1",
        "20260510",
        claim("D2", "4", 20000, 0, "PCN-D2-A", "AC222", [line("99214", 20000, 0, "D2-1", ("CO", "197", 20000))]),
    )
    assert cli("post", "era", str(denied), "--posting-date", "2026-06-30").exit_code == 0
    result = cli(
        "post",
        "payment",
        "D2",
        "--payer",
        "ACME1",
        "--line",
        "1",
        "--amount",
        "120.00",
        "--method",
        "check",
        "--reference",
        "PAPER-1",
        "--date",
        "2026-06-12",
        "--adjust",
        "CO-45=80.00",
        "--posting-date",
        "2026-06-30",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "claim D2: check PAPER-1 from ACME1: paid 120.00 on the primary; written down 80.00; "
        "overturned 1 denial of ACME1 (recovered 120.00)\n"
    )
    rows = json.loads(cli("denials", "list", "--status", "all", "--format", "json").stdout)["denials"]
    assert [(r["claim"], r["status"]) for r in rows] == [("D2", "overturned")]
