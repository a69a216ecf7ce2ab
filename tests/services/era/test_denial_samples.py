"""The shared sample 835s that deny money open exactly the denials their CLP/CAS
segments say: one per denial-treatment adjustment, with its group, code, remarks,
category, amount and line; a CLP02 = 4 adds none of its own. Expectations written by
hand from each file's segments (quoted beside them)."""

from datetime import date

import pytest
from sqlalchemy import select

from ar_cli.services.era.files import post_era_file
from ar_cli.store.tables import ClaimLineRow, ClaimRow, DenialRow
from conftest import POSTING

EXPECTED = {
    # CLP*2005555A*4*915.39*0  (BPR16 20041028: + 180 days = 2005-04-26)
    #   SVC*HC:T1005*500.04*0 CAS*CO*16*500.04 LQ*HE*N14  → missing information
    #   SVC*HC:T1005*127.8*0  CAS*OA*A7*127.8  LQ*HE*N14  → A7 deactivated: other
    #   SVC*HC:T1005*287.55*0 CAS*OA*A7*287.55 LQ*HE*N14
    "azoner__pyx12__pyx12__tests__835_mult_loops.txt": [
        ("2005555A", 1, "CO", "16", "N14", "missing_info", 50004, date(2005, 4, 26)),
        ("2005555A", 2, "OA", "A7", "N14", "other", 12780, date(2005, 4, 26)),
        ("2005555A", 3, "OA", "A7", "N14", "other", 28755, date(2005, 4, 26)),
    ],
    # Claim-level CAS*CO*A2*50.00 and CAS*CO*A2*55.00 (A2 deactivated: other); BPR16
    # 2000231 is not a date, so the clock starts at DTM*405 20020314.
    "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__managed-care.835": [
        ("5554555444", None, "CO", "A2", "", "other", 5000, date(2002, 9, 10)),
        ("8765432112", None, "CO", "A2", "", "other", 5500, date(2002, 9, 10)),
    ],
    # CLP*0001000053*2: second SVC (585.00) CAS*CO*42*85.00; OA-23 and PR are not denials.
    "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__secondary-payment.835": [
        ("0001000053", 2, "CO", "42", "", "other", 8500, date(2005, 10, 9))
    ],
    # First SVC (59430) CAS*CO*42*34.6, but the third SVC has neither SVC02 nor SVC03
    # (both required): the claim payment is held, so nothing is denied.
    "keironstoddart__edi-835-parser__tests__test_edi_835_files__blue_cross_nc_sample.txt": [],
    # CO-29 and CO-251 deny lines of the 2nd and 3rd CLP, but they repeat the first
    # CLP01 for other patients: they are held as exceptions, so nothing is denied.
    "keironstoddart__edi-835-parser__tests__test_edi_835_files__emedny_sample.txt": [],
    # Paid claims, no denial adjustment.
    "albmarin__badX12__tests__files__edi__X221-multiple-claims-single-check.edi": [],
    "LinuxForHealth__x12__src__tests__resources__835_005010X221A1__medicare-part-a.835": [],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_835_opens_exactly_the_denials_its_segments_say(ledger, actor, shared_x12, name):
    post_era_file(
        ledger, shared_x12 / name, actor=actor, posting_date=POSTING, dry_run=False, force=False, create_claims=True
    )
    with ledger.read() as session:
        found = session.execute(
            select(
                ClaimRow.claim_number,
                ClaimLineRow.line_number,
                DenialRow.adjustment_group,
                DenialRow.reason_code,
                DenialRow.remark_codes,
                DenialRow.category,
                DenialRow.amount,
                DenialRow.appeal_deadline,
            )
            .join(ClaimRow, ClaimRow.id == DenialRow.claim_id)
            .outerjoin(ClaimLineRow, ClaimLineRow.id == DenialRow.line_id)
            .order_by(DenialRow.id)
        ).all()
        assert [tuple(row) for row in found] == EXPECTED[name]
        assert set(session.execute(select(DenialRow.status, DenialRow.level, DenialRow.responsibility)).all()) <= {
            ("open", 0, 1)
        }
