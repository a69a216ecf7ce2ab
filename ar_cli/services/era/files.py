"""`post era`: 835 files into the ledger, each file one transaction.

A file that cannot be read (not X12, truncated, damaged) changes nothing. Inside a
readable file each remittance transaction posts, is skipped as a repeat, is held as
a conflict, or is rejected whole when it does not balance (poster.RemittancePosting).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ar_cli.domain.errors import ArError, InputError
from ar_cli.domain.remittance.advice import ClaimPayment, RemittanceEnded, RemittanceStarted
from ar_cli.services.collection_pauses import fewer_collections
from ar_cli.services.context import Actor, Progress, no_progress
from ar_cli.services.era.poster import RemittancePosting
from ar_cli.services.era.remittance import PostingRun
from ar_cli.services.era.results import EraFileResult
from ar_cli.services.source_files import file_facts
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.periods_repo import ensure_period_open
from ar_cli.store.tables import SourceFileRow


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after it was computed."""


def era_files(paths: list[Path]) -> list[Path]:
    """The files to post: each path, or every file in a directory (sorted by name)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not found:
                raise InputError(f"{path}: the directory has no files")
            files.extend(found)
        else:
            files.append(path)
    return files


def post_era_files(
    ledger: Ledger,
    paths: list[Path],
    *,
    actor: Actor,
    posting_date: date,
    dry_run: bool = False,
    force: bool = False,
    create_claims: bool = False,
    progress: Progress = no_progress,
) -> list[EraFileResult]:
    """Post each file in its own transaction; a file that fails is reported, the rest go on.
    A posting date in a closed month is refused once, before any file is read."""
    from ar_cli.services.periods import refuse_closed_period

    refuse_closed_period(ledger, posting_date)
    files = era_files(paths)
    results = []
    with fewer_collections():
        for number, path in enumerate(files, 1):
            try:
                results.append(
                    post_era_file(
                        ledger,
                        path,
                        actor=actor,
                        posting_date=posting_date,
                        dry_run=dry_run,
                        force=force,
                        create_claims=create_claims,
                    )
                )
            except ArError as exc:
                if exc.exit_code != 2 or len(files) == 1:
                    raise
                results.append(EraFileResult(file=str(path), error=str(exc)))
            progress("files", number, len(files))
    return results


def post_era_file(
    ledger: Ledger, path: Path, *, actor: Actor, posting_date: date, dry_run: bool, force: bool, create_claims: bool
) -> EraFileResult:
    from ar_cli.services.codes import load_code_knowledge
    from ar_cli.x12.remittance_835 import read_835

    facts = file_facts(path)
    result = EraFileResult(file=str(path), dry_run=dry_run)
    try:
        with ledger.write() as session:
            ensure_period_open(session, posting_date)
            rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
            source_id = rec.insert_one(
                SourceFileRow,
                {
                    "kind": "era",
                    "name": path.name,
                    "sha256": facts.sha256,
                    "byte_size": facts.byte_size,
                    "posting_date": posting_date,
                    "read_at": actor.now,
                    "read_by": actor.user,
                },
            )
            run = PostingRun(
                session=session,
                rec=rec,
                actor=actor,
                posting_date=posting_date,
                source_id=source_id,
                table=load_code_knowledge(session),
                force=force,
                create_claims=create_claims,
            )
            remittance = None  # the transaction being posted (read_835 starts one first)
            for event in read_835(path):
                if isinstance(event, ClaimPayment):
                    remittance.claim(event)
                elif isinstance(event, RemittanceStarted):
                    remittance = RemittancePosting.start(run, event.header)
                    result.remittances.append(remittance.result)
                elif isinstance(event, RemittanceEnded):
                    result.remittances[-1] = remittance.end(event)
            if not result.remittances:
                raise InputError(f"{path}: no remittance (ST*835) in the file")
            if dry_run:
                raise _DryRun()
            rec.finish(
                action="post.era",
                entity="source_file",
                entity_key=facts.sha256,
                source=str(path),
                details={"remittances": [[r.trace_number, r.status, r.amount] for r in result.remittances]},
            )
    except _DryRun:
        pass
    return result
