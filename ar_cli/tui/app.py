"""`ar-cli work`: the work queue as an interactive terminal app (Textual).

The list is the queue (reports/queue/build.py through reports/queue/report.py, the same ranking and
"why" as `ar-cli queue`); beside it the selected claim's detail and timeline. Keys act
on the selected claim through the same services as the commands — note, follow-up,
appeal (services/denials/work.py), assign — and each act is one audited transaction; bad
input shows one line and changes nothing. After an act the queue is read again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from ar_cli.domain.errors import ArError, InputError
from ar_cli.domain.field_limits import date_out_of_range
from ar_cli.domain.money import format_money
from ar_cli.reports.queue.build import QueueFilter, QueueItem
from ar_cli.services.context import Actor
from ar_cli.store.database import Ledger


@dataclass(frozen=True, kw_only=True)
class WorkContext:
    """What the app needs from the command line: the ledger, the date, who acts."""

    ledger: Ledger
    flt: QueueFilter
    as_of: date
    today: date
    actor: Callable[[], Actor]


class Ask(ModalScreen[str | None]):
    """One line of input: Enter gives it, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    Ask { align: center middle; }
    Ask > Vertical { width: 80; height: auto; border: round $accent; padding: 1 2; background: $panel; }
    """

    def __init__(self, prompt: str, value: str = "") -> None:
        super().__init__()
        self.prompt, self.value = prompt, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield Input(value=self.value, id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class WorkApp(App):
    TITLE = "ar-cli work"
    CSS = """
    #queue { width: 3fr; }
    #side { width: 2fr; }
    #detail { height: auto; padding: 0 1; }
    #timeline { height: 1fr; }
    #status { height: 1; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "note", "Note"),
        Binding("f", "follow_up", "Follow-up"),
        Binding("p", "appeal", "Appeal"),
        Binding("a", "assign", "Assign"),
        Binding("j", "next", "Next"),
        Binding("r", "reload", "Reload"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, context: WorkContext) -> None:
        super().__init__()
        self.context = context
        self.items: list[QueueItem] = []
        self.message = ""

    # -- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
            with Vertical(id="side"):
                yield Static(id="detail")
                yield DataTable(id="timeline", cursor_type="none")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#queue", DataTable)
        table.add_columns("#", "Kind", "Claim / item", "Owed by", "Payer", "Amount", "Score", "Why")
        self.query_one("#timeline", DataTable).add_columns("Date", "What", "By", "Detail", "Amount")
        self.reload()
        table.focus()

    # -- data ------------------------------------------------------------------------
    def reload(self, keep: str | None = None) -> None:
        from ar_cli.reports.queue.report import load_queue

        self.items = load_queue(self.context.ledger, self.context.flt, as_of=self.context.as_of).items
        table = self.query_one("#queue", DataTable)
        table.clear()
        for rank, item in enumerate(self.items, 1):
            table.add_row(
                str(rank),
                item.kind.value,
                item.ref,
                item.owed_by,
                item.payer,
                format_money(item.amount),
                str(item.score),
                item.why,
                key=self._key(item),
            )
        self.sub_title = f"as of {self.context.as_of.isoformat()} · {len(self.items)} items"
        if keep is not None:
            rows = [self._key(i) for i in self.items]
            if keep in rows:
                table.move_cursor(row=rows.index(keep))
        self.show_selected()

    @staticmethod
    def _key(item: QueueItem) -> str:
        return f"{item.kind.value}:{item.ref}:{item.responsibility}"

    @property
    def selected(self) -> QueueItem | None:
        table = self.query_one("#queue", DataTable)
        if not self.items or table.cursor_row is None or not 0 <= table.cursor_row < len(self.items):
            return None
        return self.items[table.cursor_row]

    def show_selected(self) -> None:
        from ar_cli.reports.claims.timeline import claim_timeline

        item = self.selected
        detail = self.query_one("#detail", Static)
        timeline = self.query_one("#timeline", DataTable)
        timeline.clear()
        if item is None:
            detail.update("Nothing to work: no item matches.")
            return
        lines = [
            f"{item.kind.value} {item.ref}"
            + (f" · owed by {item.owed_by}" if item.owed_by else "")
            + (f" · {item.payer}" if item.payer else ""),
            f"{format_money(item.amount)} · score {item.score}",
            f"why: {item.why}",
        ]
        if item.extra.get("patient_name"):
            lines.insert(1, f"patient {item.extra['patient_name']}")
        if item.extra.get("assignee"):
            lines.append(f"assigned to {item.extra['assignee']}")
        if item.extra.get("follow_up"):
            lines.append(f"follow-up {item.extra['follow_up'].isoformat()}: {item.extra.get('follow_up_action', '')}")
        detail.update("\n".join(lines))
        if item.claim_id is None:
            return
        with self.context.ledger.read() as session:
            report = claim_timeline(session, item.claim_id)
        for row in report.rows:
            timeline.add_row(
                row["date"].isoformat(),
                row["event"],
                row["by"],
                row["detail"],
                "" if row["amount"] is None else format_money(row["amount"]),
            )

    # -- no screenshots ----------------------------------------------------------------
    # Textual offers a "Screenshot" command (command palette, `screenshot` action) that
    # saves the screen as an SVG into the current folder: patients' names and all, no
    # masking, no audit event. The queue holds PHI, so the app offers none.
    def get_system_commands(self, screen):
        return (command for command in super().get_system_commands(screen) if command.title != "Screenshot")

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.say("Screenshots are off: the screen holds patients' names (use `ar-cli queue --output`).")

    def deliver_screenshot(self, *args, **kwargs) -> None:
        self.action_screenshot()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "queue":
            self.show_selected()

    def say(self, text: str) -> None:
        self.message = text
        self.query_one("#status", Static).update(text)

    # -- acts ------------------------------------------------------------------------
    def _ask_about_claim(self, prompt: str, act: Callable[[QueueItem, str], str], *, prefill_from: str = "") -> None:
        """Ask one line about the selected claim ({claim} in `prompt` is its number, the
        answer starts as its `prefill_from` detail), then `act` on the answer through
        `_act`; Escape does nothing."""
        item = self.selected
        if item is None or item.claim_id is None:
            self.say("error: select a claim first (exceptions and unapplied money have their own commands)")
            return

        def done(text: str | None) -> None:
            if text is not None:
                self._act(item, lambda: act(item, text))

        prefill = item.extra.get(prefill_from, "") if prefill_from else ""
        self.push_screen(Ask(prompt.format(claim=item.claim_number), prefill), done)

    def _act(self, item: QueueItem, work: Callable[[], str]) -> None:
        try:
            said = work()
        except ArError as exc:
            self.say(f"error: {str(exc).splitlines()[0]}")
            return
        self.say(said)
        self.reload(keep=self._key(item))

    def action_note(self) -> None:
        self._ask_about_claim("Note on {claim}:", self._note)

    def action_follow_up(self) -> None:
        self._ask_about_claim("Follow-up on {claim}: DATE what to do (e.g. 2026-07-15 call payer)", self._follow_up)

    def action_appeal(self) -> None:
        self._ask_about_claim("Appeal the denials on {claim}: what the appeal sends", self._appeal)

    def action_assign(self) -> None:
        self._ask_about_claim("Assign {claim} to user:", self._assign, prefill_from="assignee")

    def _note(self, item: QueueItem, text: str) -> str:
        from ar_cli.services.work_notes import add_note

        note_id = add_note(self.context.ledger, item.claim_number, text, actor=self.context.actor())
        return f"claim {item.claim_number}: note {note_id} added"

    def _follow_up(self, item: QueueItem, text: str) -> str:
        from ar_cli.services.work_notes import add_follow_up

        when, _, action = text.strip().partition(" ")
        try:
            due = date.fromisoformat(when)
        except ValueError:
            raise InputError(f"follow-up: {when!r} is not a date (YYYY-MM-DD)") from None
        problem = date_out_of_range(due)  # as every date option (cli/state.parse_date)
        if problem:
            raise InputError(f"follow-up: {due.isoformat()} {problem}; check the year")
        set_ = add_follow_up(
            self.context.ledger,
            item.claim_number,
            due_on=due,
            action=action,
            actor=self.context.actor(),
            today=self.context.today,
        )
        return f"claim {set_.claim_number}: follow up on {set_.due_on.isoformat()}: {set_.action}"

    def _appeal(self, item: QueueItem, text: str) -> str:
        from ar_cli.services.denials.work import appeal

        worked = appeal(
            self.context.ledger,
            item.claim_number,
            note=text,
            line=None,
            filed_on=self.context.today,
            actor=self.context.actor(),
        )
        deadline = f", deadline {worked.deadline.isoformat()}" if worked.deadline else ""
        return (
            f"claim {worked.claim_number}: appealed at level {worked.level} "
            f"({len(worked.denial_ids)} denial(s) from {worked.payer}{deadline})"
        )

    def _assign(self, item: QueueItem, text: str) -> str:
        from ar_cli.services.work_notes import assign

        (a,) = assign(self.context.ledger, [item.claim_number], [text.strip()], actor=self.context.actor())
        return f"claim {a.claim_number}: assigned to {a.user}"

    def action_next(self) -> None:
        table = self.query_one("#queue", DataTable)
        if self.items and table.cursor_row < len(self.items) - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_reload(self) -> None:
        item = self.selected
        self.reload(keep=self._key(item) if item else None)
        self.say("queue read again")
