"""`ar-cli post era`: exit codes and messages."""

from conftest import REPO

ERAS = REPO / "sample_data" / "eras"
CLAIMS = REPO / "sample_data" / "claims.csv"


def test_post_sample_eras_then_again(cli):
    assert cli("claims", "import", str(CLAIMS), "--posting-date", "2026-06-30").exit_code == 0
    first = cli("post", "era", str(ERAS), "--posting-date", "2026-06-30")
    assert first.exit_code == 1, first.output  # the unmatched claim is work for a person
    assert "trace 095190: 1 exception(s) to work" in first.stdout
    again = cli("post", "era", str(ERAS), "--posting-date", "2026-06-30")
    assert again.exit_code == 0, again.output
    assert again.stdout.count("already posted; skipped") == 8


def test_dry_run_posts_nothing(sqlite_cli):
    sqlite_cli("claims", "import", str(CLAIMS))
    result = sqlite_cli("post", "era", "--dry-run", str(ERAS / "01_medicare_20260501.835"))
    assert result.exit_code == 0 and "dry run: nothing was posted" in result.stdout
    again = sqlite_cli("post", "era", str(ERAS / "01_medicare_20260501.835"))
    assert "already posted" not in again.stdout


def test_bad_file_is_exit_2_and_changes_nothing(sqlite_cli, tmp_path):
    bad = tmp_path / "junk.835"
    bad.write_text("this is not X12 at all")
    result = sqlite_cli("post", "era", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: junk.835: segment 1:")
    assert "Traceback" not in result.output


def test_one_bad_file_among_good_ones_still_posts_the_rest(sqlite_cli, tmp_path):
    sqlite_cli("claims", "import", str(CLAIMS))
    bad = tmp_path / "junk.835"
    bad.write_text("ISA*00*")
    result = sqlite_cli("post", "era", str(ERAS / "03_medigap_20260529.835"), str(bad))
    assert result.exit_code == 1
    assert "error: junk.835: segment 1: ISA" in result.stderr


def test_empty_directory_and_missing_file(sqlite_cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = sqlite_cli("post", "era", str(tmp_path / "empty"))
    assert result.exit_code == 2 and "the directory has no files" in result.stderr
    missing = sqlite_cli("post", "era", str(tmp_path / "nope.835"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
