"""Working a claim: notes, follow-up dates, users and assignment. Each is one audited
transaction; bad input (unknown claim or user, an empty note, a follow-up date in the
past) raises before anything is written.

A new follow-up replaces the claim's open ones (they are marked `replaced`): a claim
waits on one date at a time, the one a person set last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ar_cli.domain.errors import InputError, NotFoundError
from ar_cli.services.context import Actor
from ar_cli.store import Session, claims_repo
from ar_cli.store.audit.chain import ChangeRecorder
from ar_cli.store.database import Ledger
from ar_cli.store.queries import work
from ar_cli.store.rows import save
from ar_cli.store.tables import FollowUpRow, NoteRow, UserRow

MAX_NOTE = 4000
MAX_ACTION = 400
_USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,79}$")


@dataclass(frozen=True, kw_only=True)
class FollowUpSet:
    claim_number: str
    due_on: date
    action: str
    replaced: int  # open follow-ups this one replaced


@dataclass(frozen=True, kw_only=True)
class Assignment:
    claim_number: str
    user: str  # who has it now
    previous: str  # '' when nobody had it
    kept: bool = False  # left with its owner (`previous`): it had one and keep_assigned was asked


def add_note(ledger: Ledger, claim_number: str, text: str, *, actor: Actor) -> int:
    body = text.strip()
    if not body:
        raise InputError("note: the text is empty; write what was done or learned")
    if len(body) > MAX_NOTE:
        raise InputError(f"note: the text is {len(body)} characters; at most {MAX_NOTE}")
    with ledger.write() as session:
        claim = claims_repo.get_claim(session, claim_number)
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        note_id = rec.insert_one(
            NoteRow, {"claim_id": claim.id, "text": body, "created_at": actor.now, "created_by": actor.user}
        )
        rec.finish(action="note.add", entity="claim", entity_key=claim.claim_number, details={"note_id": note_id})
    return note_id


def add_follow_up(
    ledger: Ledger, claim_number: str, *, due_on: date, action: str, actor: Actor, today: date, user: str | None = None
) -> FollowUpSet:
    what = action.strip()
    if not what:
        raise InputError('--action: say what to do on that date (e.g. "call payer")')
    if len(what) > MAX_ACTION:
        raise InputError(f"--action: {len(what)} characters; at most {MAX_ACTION}")
    if due_on < today:
        raise InputError(f"--on: {due_on.isoformat()} is in the past (today is {today.isoformat()})")
    with ledger.write() as session:
        claim = claims_repo.get_claim(session, claim_number)
        user_id = _user_id(session, user) if user else None
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        open_ids = work.replace_open_follow_ups(session, claim.id, actor.now)
        if open_ids:
            for fid in open_ids:
                rec.note_update("follow_up", fid, {"status": ["open", "replaced"]})
        follow_id = rec.insert_one(
            FollowUpRow,
            {
                "claim_id": claim.id,
                "due_on": due_on,
                "action": what,
                "assigned_user_id": user_id,
                "status": "open",
                "created_at": actor.now,
                "created_by": actor.user,
            },
        )
        rec.finish(
            action="follow_up.set",
            entity="claim",
            entity_key=claim.claim_number,
            details={"follow_up_id": follow_id, "due_on": due_on, "replaced": open_ids},
        )
    return FollowUpSet(claim_number=claim.claim_number, due_on=due_on, action=what, replaced=len(open_ids))


def add_user(ledger: Ledger, name: str, *, full_name: str, actor: Actor) -> None:
    clean = name.strip()
    if not _USER_NAME.match(clean):
        raise InputError(f"users add: {name!r} is not a user name (letters, digits and . _ @ -, up to 80, no spaces)")
    with ledger.write() as session:
        if work.user_exists(session, clean):
            raise InputError(f"users add: user {clean!r} already exists")
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        rec.insert_one(
            UserRow, {"name": clean, "full_name": full_name.strip()[:200], "active": True, "created_at": actor.now}
        )
        rec.finish(action="users.add", entity="user", entity_key=clean)


def assign(
    ledger: Ledger, claim_numbers: list[str], users: list[str], *, actor: Actor, keep_assigned: bool = False
) -> list[Assignment]:
    """Assign the claims, in the order given, to the users in turn (one user: all of them).

    keep_assigned: leave a claim that already has an assignee with them (`kept`), and
    split only the others — `assign` with filters does, unless --reassign. Read in the
    write transaction, so a claim someone took meanwhile is left with them too. One
    audit event for the claims assigned; none when every claim was left with its owner
    (nothing changed)."""
    if not users:
        raise InputError("--to: name at least one user")
    if not claim_numbers:
        raise InputError("assign: no claim to assign (name one, or widen the filters)")
    done: list[Assignment] = []
    with ledger.write() as session:
        ids = [_user_id(session, name) for name in users]
        names = work.user_names(session)
        claims = claims_repo.claims_by_number(session, claim_numbers)
        missing = [n for n in claim_numbers if n.strip() not in claims]
        if missing:
            raise NotFoundError(f"claim {missing[0]!r} is not in the ledger")
        rec = ChangeRecorder(session, actor=actor.user, now=actor.now)
        turn = 0
        for number in dict.fromkeys(c.strip() for c in claim_numbers):
            claim_id = claims[number].id
            previous = work.assignee_of(session, claim_id)
            if keep_assigned and previous is not None:
                owner = names.get(previous, "")
                done.append(Assignment(claim_number=number, user=owner, previous=owner, kept=True))
                continue
            new = ids[turn % len(ids)]
            turn += 1
            done.append(Assignment(claim_number=number, user=names[new], previous=names.get(previous, "")))
            if previous == new:
                continue
            work.set_assignee(session, claim_id, new)
            rec.note_update("claim", claim_id, {"assigned_user_id": [previous, new]})
        assigned = [a for a in done if not a.kept]
        if not assigned:
            return done
        save(session)
        details = {"users": [names[i] for i in ids], "claims": [a.claim_number for a in assigned][:1000]}
        kept = len(done) - len(assigned)
        if kept:
            details["left_with_owner"] = kept
        rec.finish(
            action="claims.assign",
            entity="claim",
            entity_key=assigned[0].claim_number if len(assigned) == 1 else f"{len(assigned)} claims",
            details=details,
        )
    return done


def _user_id(session: Session, name: str) -> int:
    return work.active_user_id(session, name)
