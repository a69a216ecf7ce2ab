"""`payers`, `config` and `db` commands."""

import json

from support import CLAIMS_HEADER, write_csv

ROW = 'C1,A1,"DOE, JANE",1950-02-03,MCR01,Medicare Part B,2026-05-01,2026-05-03,99213,,1,145.00,1EG4,,,,'


def test_payers_set_alias_and_list(cli, tmp_path):
    cli("claims", "import", str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW)))
    done = cli(
        "payers",
        "set",
        "MCR01",
        "--timely-filing",
        "12m",
        "--appeal-window",
        "1=125",
        "--appeal-window",
        "2=180",
        "--financial-class",
        "medicare",
    )
    assert done.exit_code == 0, done.output
    assert cli("payers", "alias", "medicare part b", "1234567890").exit_code == 0
    (payer,) = json.loads(cli("payers", "list", "--format", "json").stdout)["payers"]
    assert payer["appeal_windows"] == "1=125 2=180 3=180"
    assert payer["aliases"] == "1234567890" and payer["owed"] == 145.0 and payer["claims"] == 1


def test_payers_bad_input(cli, tmp_path):
    cli("claims", "import", str(write_csv(tmp_path / "c.csv", CLAIMS_HEADER, ROW)))
    for args, message in [
        (
            ("payers", "set", "MCR01", "--timely-filing", "ninety"),
            "--timely-filing: 'ninety' is not a limit like 90d or 12m",
        ),
        (
            ("payers", "set", "MCR01", "--appeal-window", "1:120"),
            "--appeal-window: '1:120' is not LEVEL=DAYS, e.g. 1=120",
        ),
        (("payers", "set", "MCR01", "--financial-class", "gold"), "--financial-class: 'gold' is not one of"),
        (("payers", "set", "NOPE", "--timely-filing", "90d"), "payer 'NOPE' is not in the ledger"),
        (("payers", "set", "MCR01"), "payers set: nothing to change"),
    ]:
        result = cli(*args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith(f"error: {message}"), result.stderr


def test_config_round_trip_and_refusals(cli):
    assert cli("config", "get", "aging.buckets").stdout.strip() == "30,60,90,120"
    assert (
        cli("config", "set", "aging.buckets", "30, 60,90,120,180").stdout.strip() == "aging.buckets = 30,60,90,120,180"
    )
    assert cli("config", "get", "aging.buckets").stdout.strip() == "30,60,90,120,180"
    bad = cli("config", "set", "aging.buckets", "60,30")
    assert bad.exit_code == 2 and "strictly increasing" in bad.stderr
    unknown = cli("config", "set", "no.such", "1")
    assert unknown.exit_code == 2 and "unknown key 'no.such'" in unknown.stderr


def test_db_commands(sqlite_cli, sqlite_url):
    assert sqlite_cli("db", "path").stdout.strip() == sqlite_url
    assert "(none: not created yet)" in sqlite_cli("db", "current").stdout
    from ar_cli.store.schema import HEAD_REVISION

    assert "no ledger here" in sqlite_cli("db", "upgrade").stderr  # `db init` makes one
    assert sqlite_cli("db", "init").stderr == f"created a new ledger at {sqlite_url}\n"
    assert f"already at {HEAD_REVISION}" in sqlite_cli("db", "upgrade").stdout
    assert "(up to date)" in sqlite_cli("db", "current").stdout
