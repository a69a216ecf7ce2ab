"""`ar-cli era show`: a remittance read like a paper EOB, nothing posted."""

import json
import os
import stat
from pathlib import Path

import pytest

from support import write_csv

MANAGED_CARE = "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__managed-care.835"
MULTIPLE = "albmarin__badX12__tests__files__edi__X221-multiple-claims-single-check.edi"
SIMPLE_4010 = "azoner__pyx12__test__files__835_simple.txt"
PART_A = "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__medicare-part-a.835"
EMEDNY = "keironstoddart__edi-835-parser__tests__test_edi_835_files__emedny_sample.txt"
DENIAL = "azoner__pyx12__pyx12__tests__835_mult_loops.txt"
# The 835s of ../shared/x12 (its MANIFEST): every one is read.
SHARED_835 = [
    MANAGED_CARE,
    MULTIPLE,
    SIMPLE_4010,
    PART_A,
    EMEDNY,
    DENIAL,
    "CHS-CDS-AIML__edi-835-parser__tests__test_edi_835_files__test.835",
    "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__cob-contractural-adjustment.835",
    "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__secondary-payment.835",
    "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__tertiary-payment.835",
    "albmarin__badX12__tests__files__edi__X221-dollars-and-data-sent-separate.edi",
    "albmarin__badX12__tests__files__edi__X221-dollars-and-data-sent-together.edi",
    "albmarin__badX12__tests__files__edi__X221-secondary-payment-with-higher-fee-schedule.edi",
    "albmarin__badX12__tests__files__edi__X221-secondary-payments.edi",
    "albmarin__badX12__tests__files__edi__X221-tertiary-payments.edi",
    "slott56__TigerShark__tests__835-example.txt",
    "keironstoddart__edi-835-parser__tests__test_edi_835_files__blue_cross_nc_sample.txt",
    "affect-therapeutics__edi-835-parser__tests__test_edi_835_files__exhaustive_sample.txt",
]


def small_835() -> str:
    """One check paying one claim: a contractual line, and a CO-16 line whose MA130 is
    at claim level (MOA) while the line carries N290 (LQ)."""
    isa = (
        "ISA*00*"
        + " " * 10
        + "*00*"
        + " " * 10
        + "*ZZ*"
        + "PAYER".ljust(15)
        + "*ZZ*"
        + "CLINIC".ljust(15)
        + "*260601*1200*^*00501*000000001*0*P*:~"
    )
    body = [
        "ST*835*0001",
        "BPR*I*100*C*CHK" + "*" * 12 + "20260601",
        "TRN*1*CHK123*1999999999",
        "DTM*405*20260601",
        "N1*PR*TEST PAYER",
        "N1*PE*TEST CLINIC*XX*1234567893",
        "LX*1",
        "CLP*C100*1*250*100*0*12*PCN1",
        "NM1*QC*1*DOE*JANE****MI*M123456",
        "MOA***MA130",
        "SVC*HC:99213:25*150*100**1",
        "DTM*472*20260510",
        "CAS*CO*45*50",
        "SVC*HC:99214*100*0**1",
        "DTM*472*20260510",
        "CAS*CO*16*100",
        "LQ*HE*N290",
    ]
    body.append(f"SE*{len(body) + 1}*0001")
    return (
        "\n".join(
            [
                isa,
                "GS*HP*PAYER*CLINIC*20260601*1200*1*X*005010X221A1~",
                *(s + "~" for s in body),
                "GE*1*1~",
                "IEA*1*000000001~",
            ]
        )
        + "\n"
    )


def _json(cli, path: Path, *extra: str) -> dict:
    result = cli("era", "show", str(path), "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", SHARED_835)
def test_every_shared_835_is_shown(sqlite_cli, shared_x12, name):
    for fmt in ("json", "csv", "table"):
        result = sqlite_cli("era", "show", str(shared_x12 / name), "--format", fmt)
        assert result.exit_code == 0, (fmt, result.output)


def test_structure_of_shared_files(cli, shared_x12):
    (managed,) = _json(cli, shared_x12 / MANAGED_CARE)["remittances"]
    assert (managed["payer"]["name"], managed["trace_number"], managed["method"], managed["amount"]) == (
        "RUSHMORE LIFE",
        "7170066655",
        "ACH",
        945.0,
    )
    assert managed["payment_date"] is None and managed["payment_date_text"] == "20002316"
    assert managed["production_date"] == "2002-03-14"
    assert [
        (c["claim_number"], c["status"], c["charge"], c["paid"], c["patient_responsibility"]) for c in managed["claims"]
    ] == [("5554555444", "1", 800.0, 450.0, 300.0), ("8765432112", "1", 1200.0, 495.0, 600.0)]
    line_adjustments = [
        (a["code"], a["amount"], a["treatment"]) for a in managed["claims"][1]["lines"][0]["adjustments"]
    ]
    assert line_adjustments == [("PR-1", 600.0, "patient"), ("CO-45", 50.0, "contractual")]
    assert managed["balancing"] == {
        "payment": 945.0,
        "claim_payments": 945.0,
        "provider_adjustments": 0.0,
        "difference": 0.0,
        "balances": True,
    }

    (multiple,) = _json(cli, shared_x12 / MULTIPLE)["remittances"]
    assert len(multiple["claims"]) == 9 and sum(len(c["lines"]) for c in multiple["claims"]) == 33
    assert multiple["balancing"]["balances"] and all(c["balancing"]["balances"] for c in multiple["claims"])
    assert multiple["totals"]["paid"] == multiple["amount"]

    (simple,) = _json(cli, shared_x12 / SIMPLE_4010)["remittances"]
    assert [c["status"] for c in simple["claims"]] == ["22", "1", "22"]
    assert simple["balancing"] == {
        "payment": 5950.21,
        "claim_payments": -510.25,
        "provider_adjustments": -977.94,
        "difference": 5482.52,
        "balances": False,
    }
    reversal = simple["claims"][0]["lines"][0]["adjustments"][0]
    assert (reversal["group_as_sent"], reversal["group"], reversal["amount"], reversal["treatment"]) == (
        "CR",
        "CO",
        -100.0,
        "contractual",
    )  # a negative amount undoes its treatment

    (part_a,) = _json(cli, shared_x12 / PART_A)["remittances"]
    assert [(p["reason_code"], p["amount"]) for p in part_a["provider_adjustments"]] == [("CV", -1.27)]
    assert part_a["amount"] == 150000.0 and part_a["balancing"]["balances"]

    (emedny,) = _json(cli, shared_x12 / EMEDNY)["remittances"]
    assert len({c["claim_number"] for c in emedny["claims"]}) == 1 and len(emedny["claims"]) == 3
    denied = [
        (a["code"], a["treatment"], a["category"], [m["code"] for m in ln["remark_codes"]])
        for c in emedny["claims"]
        for ln in c["lines"]
        for a in ln["adjustments"]
    ]
    assert ("CO-29", "denial", "timely_filing", []) in denied
    assert ("CO-251", "denial", "missing_info", ["N206"]) in denied


def test_remark_codes_and_money_in_json(cli, tmp_path):
    path = tmp_path / "one.835"
    path.write_text(small_835())
    text = cli("era", "show", str(path), "--format", "json").stdout
    assert '"amount": 100.00,' in text  # two decimals, as bills print them
    (r,) = json.loads(text)["remittances"]
    assert (r["payee"], r["payment_date"]) == ({"name": "TEST CLINIC", "npi": "1234567893", "tax_id": ""}, "2026-06-01")
    (claim,) = r["claims"]
    assert claim["remark_codes"][0]["code"] == "MA130"
    first, second = claim["lines"]
    assert (first["procedure"], first["modifiers"], first["units"], first["service_from"]) == (
        "99213",
        ["25"],
        1,
        "2026-05-10",
    )
    (denial,) = second["adjustments"]
    assert (denial["code"], denial["treatment"], denial["category"], denial["rule"]) == (
        "CO-16",
        "denial",
        "missing_info",
        "CO-16 with MA130 (built-in treatments.csv)",
    )


def test_override_changes_what_era_show_says(cli, tmp_path):
    path = tmp_path / "one.835"
    path.write_text(small_835())
    table = write_csv(tmp_path / "t.csv", "group,carc,treatment,category", "CO,45,denial,coding")
    assert cli("codes", "treatments", str(table)).exit_code == 0
    (adjustment,) = _json(cli, path)["remittances"][0]["claims"][0]["lines"][0]["adjustments"]
    assert (adjustment["treatment"], adjustment["category"], adjustment["rule"]) == (
        "denial",
        "coding",
        "CO-45 (treatments.override)",
    )


def test_csv_has_one_row_per_adjustment(cli, shared_x12, tmp_path):
    out = tmp_path / "adj.csv"
    assert (
        cli(
            "era",
            "show",
            str(shared_x12 / "slott56__TigerShark__tests__835-example.txt"),
            "--format",
            "csv",
            "--output",
            str(out),
        ).exit_code
        == 0
    )
    lines = out.read_text().splitlines()
    assert lines[0] == (
        "file,trace_number,payer,kind,claim_number,patient_name,status,line,procedure,"
        "service_from,code,reference,amount,remark_codes,treatment,category"
    )
    kinds = [line.split(",")[3] for line in lines[1:]]
    assert kinds.count("provider_adjustment") == 1 and "line_adjustment" in kinds
    assert lines[-1].split(",")[10:13] == ["WO", "12104411559120820 001GAL295513", "-361.19"]


def test_phi_masked_in_files_unless_asked(sqlite_cli, tmp_path):
    path = tmp_path / "one.835"
    path.write_text(small_835())
    masked, plain = tmp_path / "masked.json", tmp_path / "plain.json"
    assert sqlite_cli("era", "show", str(path), "--format", "json", "--output", str(masked)).exit_code == 0
    claim = json.loads(masked.read_text())["remittances"][0]["claims"][0]
    assert (claim["patient_name"], claim["patient_id"]) == ("D***, J***", "*****56")
    assert "JANE" not in masked.read_text() and "M123456" not in masked.read_text()
    # PHI written to a file is an audit event: with no ledger to record it in, refused.
    refused = sqlite_cli("era", "show", str(path), "--format", "json", "--include-phi", "--output", str(plain))
    assert refused.exit_code == 2 and "--include-phi: writing PHI is recorded" in refused.stderr
    assert not plain.exists()
    assert sqlite_cli("db", "init").exit_code == 0
    assert (
        sqlite_cli("era", "show", str(path), "--format", "json", "--include-phi", "--output", str(plain)).exit_code == 0
    )
    claim = json.loads(plain.read_text())["remittances"][0]["claims"][0]
    assert (claim["patient_name"], claim["patient_id"]) == ("DOE, JANE", "M123456")
    assert stat.S_IMODE(os.stat(plain).st_mode) == 0o600  # a file holding PHI is private
    table = sqlite_cli("era", "show", str(path)).stdout  # not a terminal: masked too
    assert "D***, J***" in table and "DOE" not in table


def test_table_reads_like_an_eob(sqlite_cli, sqlite_url, tmp_path):
    path = tmp_path / "one.835"
    path.write_text(small_835())
    out = sqlite_cli("era", "show", str(path)).stdout
    for expected in (
        "Check/EFT number  CHK123",
        "Amount            $100.00",
        "Balancing         balances",
        "Claim C100 · status 1: Processed as primary",
        "CO-16 $100.00 denial · missing or invalid information",
        "CO-45 $50.00 contractual",
        "Codes on this remittance",
    ):
        assert expected in out, expected
    assert not Path(sqlite_url).exists()  # nothing to read from a ledger that is not there


def test_bad_files_exit_2(cli, shared_x12, tmp_path):
    not_x12 = tmp_path / "notes.txt"
    not_x12.write_text("hello\n")
    truncated = tmp_path / "cut.835"
    truncated.write_text(small_835().split("SVC*HC:99214")[0])
    claims_file = shared_x12 / "albmarin__badX12__tests__files__edi__X222-commercial-health-insurance.edi"
    for path, message in [
        (not_x12, "error: notes.txt: segment 1: ISA: not an X12 interchange (expected 'ISA' at the start)"),
        (tmp_path / "none.835", "error: none.835: cannot be read (No such file or directory)"),
        (claims_file, f"error: {claims_file.name}: segment 3: ST01: transaction set '837' is not an 835 remittance"),
        (truncated, "error: cut.835: segment "),
    ]:
        result = cli("era", "show", str(path), "--format", "json")
        assert result.exit_code == 2, path
        assert result.stdout == "" and result.stderr.startswith(message), result.stderr
        assert len(result.stderr.splitlines()) == 1
