"""`ar-cli post era` on edited copies of the sample remittances (made in tmp_path):
a file whose last segment has no terminator posts as the whole file does, with a
warning; header loops repeated after the claims post nothing twice; a remittance with
no trace number is named by its transaction, not 'trace :'."""

from pathlib import Path

from conftest import REPO
from support import Cli

CLAIMS = REPO / "sample_data" / "claims.csv"
MEDIGAP = REPO / "sample_data" / "eras" / "03_medigap_20260529.835"


def _segments() -> list[str]:
    return [s.strip() for s in MEDIGAP.read_text().split("~") if s.strip()]


def _write(folder: Path, segments: list[str], *, last_terminator: bool = True) -> Path:
    """era.835 in its own folder (one name: the summary table's widths follow it)."""
    folder.mkdir()
    path = folder / "era.835"
    path.write_text("~\n".join(segments) + ("~\n" if last_terminator else ""))
    return path


def _ledger_state(cli: Cli) -> tuple[str, str]:
    claims = cli("claims", "list", "--format", "csv")
    aging = cli("aging", "--as-of", "2026-06-30", "--format", "csv")
    assert claims.exit_code == 0 and aging.exit_code == 0
    return claims.stdout, aging.stdout


def _posted(tmp_path: Path, name: str, era: Path):
    cli = Cli(str(tmp_path / f"{name}.sqlite"))
    assert cli("claims", "import", str(CLAIMS), "--posting-date", "2026-06-30").exit_code == 0
    return cli, cli("post", "era", str(era), "--posting-date", "2026-06-30")


def test_a_file_without_its_last_terminator_posts_like_the_whole_file(tmp_path):
    clean_cli, clean = _posted(tmp_path, "clean", _write(tmp_path / "clean", _segments()))
    cut_cli, cut = _posted(tmp_path, "cut", _write(tmp_path / "cut", _segments(), last_terminator=False))
    assert cut.exit_code == clean.exit_code, cut.output
    assert cut.stdout.replace(str(tmp_path / "cut"), str(tmp_path / "clean")) == clean.stdout
    number = len(_segments())
    assert cut.stderr == (
        f"warning: era.835: segment {number}: IEA: no segment terminator '~' after the last "
        "segment; the end of the file ends it\n"
    )
    assert _ledger_state(cut_cli) == _ledger_state(clean_cli)


def test_header_loops_after_the_claims_post_no_claim_twice(tmp_path):
    segments = _segments()
    lx = next(i for i, s in enumerate(segments) if s.startswith("LX"))
    header = [s for s in segments[:lx] if s.split("*")[0] in ("N1", "N3", "N4", "PER", "REF")]
    clps = [i for i, s in enumerate(segments) if s.startswith("CLP")]
    se = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    count, control = segments[se].split("*")[1:3]
    edited = [
        *segments[: clps[1]],
        *header,
        *segments[clps[1] : se],
        *header,
        f"SE*{int(count) + 2 * len(header)}*{control}",
        *segments[se + 1 :],
    ]
    clean_cli, clean = _posted(tmp_path, "clean", _write(tmp_path / "clean", segments))
    loops_cli, loops = _posted(tmp_path, "loops", _write(tmp_path / "loops", edited))
    assert loops.exit_code == clean.exit_code
    assert loops.stdout.replace(str(tmp_path / "loops"), str(tmp_path / "clean")) == clean.stdout
    first = clps[1] + 1
    assert loops.stderr.splitlines()[0] == (
        f"warning: era.835: segment {first}: N1: a payer loop (N1*PR) after the claims began; header loops "
        "come before the first claim: not read"
    )
    assert "N1: a payee loop (N1*PE)" in loops.stderr
    assert _ledger_state(loops_cli) == _ledger_state(clean_cli)
    again = loops_cli("post", "era", str(tmp_path / "loops" / "era.835"), "--posting-date", "2026-06-30")
    assert "already posted; skipped" in again.stdout
    assert _ledger_state(loops_cli) == _ledger_state(clean_cli)


def test_a_rejected_remittance_with_no_trace_number_is_named_by_its_transaction(tmp_path):
    segments = [s for s in _segments() if not s.startswith("TRN")]
    se = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    count, control = segments[se].split("*")[1:3]
    segments[se] = f"SE*{int(count) - 1}*{control}"
    bpr = next(i for i, s in enumerate(segments) if s.startswith("BPR"))
    parts = segments[bpr].split("*")
    parts[2] = "1.00"  # no longer the claims' total: rejected
    segments[bpr] = "*".join(parts)
    era = _write(tmp_path / "notrace", segments)
    _, result = _posted(tmp_path, "notrace", era)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(era))]
    assert len(lines) == 2
    assert lines[0].startswith(f"{era}: transaction '0001' (no trace number): rejected, does not balance by ")
    assert "trace :" not in result.stdout
    assert result.stderr == "warning: era.835: segment 14: TRN: the remittance has no trace number (TRN)\n"
