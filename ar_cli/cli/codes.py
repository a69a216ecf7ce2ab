"""`ar-cli codes`: explain adjustment, remark, group and claim status codes; load the
official code lists a practice holds; load its own treatment-table override.

Two load commands, not one with a switch: a code list (`codes load`) and a treatment
table (`codes treatments`) have different columns, different checks (a table warns
about unknown codes, a list defines them) and different options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import creates_ledger, reads_ledger_if_any
from ar_cli.cli.options import FormatOption, OutputOption, OverwriteOption
from ar_cli.cli.state import CliState, state

app = typer.Typer(
    help="Codes: explain CARC, RARC, group and claim status codes; load lists and the treatment-table override.",
    no_args_is_help=True,
)

ShowSetOption = Annotated[
    str | None,
    typer.Option(
        "--code-set",
        help="Read the codes only in this set: carc, rarc, group or claim_status "
        "(default: by their shape, and digits as both a CARC and a claim status).",
    ),
]
LoadSetOption = Annotated[
    str | None,
    typer.Option(
        "--code-set", help="The set a file without a code_set column holds: carc, rarc, group or claim_status."
    ),
]

_SET_LABELS = {
    "carc": "reason code (CARC)",
    "rarc": "remark code (RARC)",
    "group": "group code",
    "claim_status": "claim status (CLP02)",
}


def knowledge_for(st: CliState):
    """The code knowledge in use: the ledger's when there is one, else the built-in.

    A local ledger file that does not exist yet is not created just to read codes
    (`codes show` and `era show` change nothing); any other ledger is opened as usual,
    so a server that does not answer is an error rather than a silent fall-back that
    would ignore the practice's override.
    """
    from ar_cli.services.codes import builtin_knowledge, load_code_knowledge

    location = st.location()
    if location.sqlite_path is not None and not location.sqlite_path.exists():
        return builtin_knowledge()
    with st.ledger().read() as session:
        return load_code_knowledge(session)


def _code_set(text: str | None):
    from ar_cli.domain.codes.book import CodeSet
    from ar_cli.domain.errors import InputError

    if text is None:
        return None
    try:
        return CodeSet(text.strip().lower().replace("-", "_"))
    except ValueError:
        raise InputError(f"--code-set: {text!r} is not one of {', '.join(s.value for s in CodeSet)}") from None


@app.command("show")
@reads_ledger_if_any
def show(
    ctx: typer.Context,
    codes: Annotated[
        list[str],
        typer.Argument(
            metavar="CODE",
            help="Codes as a remittance shows them: 45, CO-45, CO45, MA130, N14, CO, 22. "
            "Remark codes given with a reason code refine its treatment (CO-16 MA130).",
        ),
    ],
    code_set: ShowSetOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Explain codes, and say what posting does with an adjustment code.

    A code no loaded list knows is shown raw ("not in the loaded code lists"): the lists
    change three times a year, so that is never an error.
    """
    from ar_cli.cli.render import emit
    from ar_cli.services.codes import explain_codes

    answers = explain_codes(knowledge_for(state(ctx)), codes, code_set=_code_set(code_set))
    if fmt == OutputFormat.table and output is None:
        blocks = ["\n".join(_answer_lines(a)) for a in answers]
        typer.echo("\n\n".join(blocks))
        return
    emit(_answers_report(answers), fmt=fmt, output=output, include_phi=False, overwrite=overwrite)


def _answer_lines(answer) -> list[str]:
    """One code as a short block of plain lines (read on a terminal, pinned by tests)."""
    from ar_cli.services.codes import NOT_LOADED

    found = answer.explanation
    if found is None:
        lines = [f"{answer.asked}: {NOT_LOADED}"]
    else:
        retired = f" (stop date {found.stop_date.isoformat()})" if found.stop_date else ""
        lines = [f"{answer.asked}: {_SET_LABELS[answer.code_set.value]} {found.code}{retired}"]
        if found.official:
            lines.append(f"  official ({found.source}): {found.official}")
            if found.plain:
                lines.append(f"  ours: {found.plain}")
        else:
            lines.append(f"  {found.plain}")
    if answer.group:
        group = answer.group_explanation
        lines.append(f"  group {answer.group}: {group.text}" if group else f"  group {answer.group}")
    if len(answer.treatments) == 1:
        rule = answer.treatments[0]
        lines.append(f"  treatment: {_treatment(rule)}")
        lines.append(f"  next action: {rule.next_action}")
        lines.append(f"  rule: {_rule_source(rule)}")
    else:
        for rule in answer.treatments:
            fallback = " (no table row: by its group)" if rule.is_fallback else ""
            lines.append(f"  under {rule.group}: {_treatment(rule)}{fallback}")
    return lines


def _treatment(rule) -> str:
    return f"{rule.treatment.value} · {rule.category.label}" if rule.category else rule.treatment.value


def _rule_source(rule) -> str:
    if rule.is_fallback:
        return f"{rule.origin} — {rule.note}"
    key = f"{rule.group}-{rule.carc}" + (f" with {rule.rarc}" if rule.rarc else "")
    return f"{key} ({rule.origin})" + (f" — {rule.note}" if rule.note else "")


def _answers_report(answers):
    """The same answers as rows for CSV and JSON: one row per treatment (a reason code
    without a group has four: CO, OA, PI, PR), one row for any other code."""
    from ar_cli.reports.report import Column, Kind, Report

    rows = []
    for a in answers:
        e = a.explanation
        base = {
            "asked": a.asked,
            "code_set": a.code_set.value if a.code_set else None,
            "code": a.code,
            "known": e is not None,
            "description": e.text if e else "",
            "official": e.official if e else "",
            "plain": e.plain if e else "",
            "source": e.source if e else "",
            "start_date": e.start_date if e else None,
            "stop_date": e.stop_date if e else None,
            "remarks": " ".join(a.remarks),
            "group": a.group or None,
            "treatment": None,
            "category": None,
            "next_action": None,
            "rule": None,
        }
        if not a.treatments:
            rows.append(base)
        for rule in a.treatments:
            rows.append(
                {
                    **base,
                    "group": rule.group,
                    "treatment": rule.treatment.value,
                    "category": rule.category.value if rule.category else None,
                    "next_action": rule.next_action,
                    "rule": _rule_source(rule),
                }
            )
    text = ("asked", "code_set", "code", "group", "known", "description", "official", "plain", "source")
    columns = [Column(key=k, title=k, kind=Kind.ID if k in ("asked", "code") else Kind.TEXT) for k in text]
    columns += [
        Column(key="start_date", title="start_date", kind=Kind.DATE),
        Column(key="stop_date", title="stop_date", kind=Kind.DATE),
    ]
    columns += [Column(key=k, title=k) for k in ("remarks", "treatment", "category", "next_action", "rule")]
    return Report(name="codes", title="Codes", columns=columns, rows=rows)


@app.command("load")
@creates_ledger
def load(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="Official code list CSV: code, description, optional start_date, stop_date and code_set columns."
        ),
    ],
    code_set: LoadSetOption = None,
) -> None:
    """Load an official code list into the ledger (audited); it replaces the list of its set.

    Our plain explanations stay beside the official wording. A file with any bad row
    changes nothing and every bad row is named (exit 2).
    """
    from ar_cli.domain.errors import InputProblems, Problem
    from ar_cli.services.codes import load_code_lists

    chosen = _code_set(code_set)
    st = state(ctx)
    try:
        result = load_code_lists(st.ledger(), file, code_set=chosen, actor=st.actor())
    except InputProblems as exc:
        if chosen is None and any("code_set" in p.message for p in exc.problems):
            hint = Problem(
                source=file.name,
                message="without a code_set column, say which set the "
                "file holds with --code-set (carc, rarc, group or claim_status)",
            )
            raise InputProblems([*exc.problems, hint], more=exc.more) from None
        raise
    for loaded_set, count in result.counts.items():
        again = " (replaces the list loaded before)" if loaded_set in result.replaced else ""
        typer.echo(f"{loaded_set.value}: {count} codes loaded from {result.file}{again}")


@app.command("treatments")
@creates_ledger
def treatments(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="Treatment table CSV: group, carc, treatment, optional rarc, category, next_action, note."),
    ],
) -> None:
    """Load the practice's treatment-table override (audited); it replaces any earlier one.

    Its rows win over the built-in rows with the same group, CARC and RARC; posting,
    denials, `era show` and `codes show` all use it. A row naming a code the loaded lists
    do not know is loaded with a warning. A file that does not parse changes nothing
    (exit 2). Remove the override with `ar-cli config set treatments.override ''`.
    """
    import sys

    from ar_cli.services.codes import load_treatment_override

    st = state(ctx)
    result = load_treatment_override(st.ledger(), file, actor=st.actor())
    for warning in result.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    again = " (replaces the override loaded before)" if result.replaced else ""
    typer.echo(f"treatment override: {result.rules} rules loaded from {result.file}{again}")
