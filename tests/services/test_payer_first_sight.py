"""A payer the ledger has not seen is created by one rule (store/payers_repo.create_payers),
whether a charge file or an 835 names it first: the 835's claim filing indicator (CLP06)
decides its class when it names one, else its name; Medicare files within 12 months,
every other class within 365 days (DESIGN.md, New payers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from ar_cli.domain.payers import FinancialClass, FirstSight, first_sight_class
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_files
from ar_cli.store.tables import PayerAliasRow, PayerRow
from conftest import POSTING
from ledger_checks import assert_audit_chain_intact
from support import CLAIMS_HEADER, write_csv


def _era(path: Path, *, payer_code: str, payer_name: str, filing_indicator: str) -> Path:
    """One remittance paying one claim (F1, which the ledger may not have), N1*PR naming
    the payer, CLP06 = `filing_indicator`."""
    body = [
        "ST*835*0001",
        "BPR*I*80*C*CHK************20260601",
        f"TRN*1*TR{filing_indicator}1*1{payer_code}",
        "DTM*405*20260601",
        f"N1*PR*{payer_name}*XV*{payer_code}",
        "N1*PE*CLINIC*XX*1999999984",
        "LX*1",
        f"CLP*F1*1*100*80**{filing_indicator}*PCN1*11*1",
        "NM1*QC*1*DOE*JANE****MI*M1",
        "SVC*HC:99213*100*80**1",
        "DTM*472*20260501",
        "CAS*CO*45*20",
        "REF*6R*F1-1",
    ]
    body.append(f"SE*{len(body) + 1}*0001")
    path.write_text(
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*PRACTICE       *260601*0900*^*00501*"
        "000000001*0*T*:~GS*HP*SENDER*PRACTICE*20260601*0900*1*X*005010X221A1~"
        + "~".join(body)
        + "~GE*1*1~IEA*1*000000001~"
    )
    return path


def _charges(path: Path, *, payer_code: str, payer_name: str) -> Path:
    return write_csv(
        path,
        CLAIMS_HEADER,
        f'F1,P1,"DOE, JANE",1950-01-01,{payer_code},{payer_name},2026-05-01,2026-05-02,99213,,1,100.00,M1,,,,F1-1',
    )


def _payer(ledger, code: str) -> tuple[str, str]:
    with ledger.read() as session:
        row = session.execute(select(PayerRow).where(PayerRow.code == code)).scalar_one()
        return row.financial_class, f"{row.timely_filing_count}{row.timely_filing_unit}"


def test_clp06_mb_makes_a_payer_an_835_creates_medicare(ledger, actor, tmp_path):
    # The name says nothing of Medicare: CLP06 MB decides.
    post_era_files(
        ledger,
        [_era(tmp_path / "a.835", payer_code="NORID1", payer_name="NORIDIAN JF", filing_indicator="MB")],
        actor=actor,
        posting_date=POSTING,
    )
    assert _payer(ledger, "NORID1") == ("medicare", "12m")
    with ledger.read() as session:
        aliases = session.execute(select(PayerAliasRow.alias, PayerAliasRow.kind)).all()
        assert sorted(aliases) == [("1NORID1", "remittance"), ("NORID1", "remittance")]
        assert_audit_chain_intact(session)
    # Known now: a charge file naming it changes nothing.
    import_claims(
        ledger,
        _charges(tmp_path / "c.csv", payer_code="NORID1", payer_name="Noridian JF"),
        actor=actor,
        posting_date=POSTING,
    )
    assert _payer(ledger, "NORID1") == ("medicare", "12m")


@pytest.mark.parametrize(
    "indicator,expected", [("MC", ("medicaid", "365d")), ("CI", ("commercial", "365d")), ("ZZ", ("other", "365d"))]
)
def test_clp06_classes_other_payers_an_835_creates(ledger, actor, tmp_path, indicator, expected):
    post_era_files(
        ledger,
        [_era(tmp_path / "a.835", payer_code="PAY1", payer_name="SOME PLAN", filing_indicator=indicator)],
        actor=actor,
        posting_date=POSTING,
    )
    assert _payer(ledger, "PAY1") == expected


@pytest.mark.parametrize("first", ["charge_file", "era"])
def test_the_same_payer_gets_the_same_class_and_limit_whichever_names_it_first(ledger, actor, tmp_path, first):
    charges = _charges(tmp_path / "c.csv", payer_code="MCR01", payer_name="Medicare Part B")
    era = _era(tmp_path / "a.835", payer_code="MCR01", payer_name="MEDICARE PART B", filing_indicator="MB")
    steps = [
        lambda: import_claims(ledger, charges, actor=actor, posting_date=POSTING),
        lambda: post_era_files(ledger, [era], actor=actor, posting_date=POSTING),
    ]
    for step in steps if first == "charge_file" else reversed(steps):
        step()
        assert _payer(ledger, "MCR01") == ("medicare", "12m")
    with ledger.read() as session:
        assert len(session.execute(select(PayerRow)).all()) == 1


def test_first_sight_rule():
    assert first_sight_class("NORIDIAN", "MB") == first_sight_class("MEDICARE PART B") == FinancialClass.MEDICARE
    assert first_sight_class("MEDICARE PART B", "MC") == FinancialClass.MEDICAID  # CLP06 wins over the name
    assert first_sight_class("MEDICARE PART B", "ZZ") == FinancialClass.MEDICARE  # an unknown code: the name
    assert first_sight_class("ACME", "") == FinancialClass.OTHER
    assert str(FirstSight(code="X", name="ACME", filing_indicator="MA").timely_filing) == "12m"
    assert str(FirstSight(code="X", name="ACME", filing_indicator="HM").timely_filing) == "365d"
    sight = FirstSight.from_remittance("X1", name="", payer_ids=("x1", " 1234 ", ""), filing_indicator="MB")
    assert (sight.name, sight.aliases, sight.alias_kind) == ("X1", ["1234", "X1"], "remittance")
