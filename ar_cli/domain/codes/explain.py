"""Explaining codes as a person types them ('CO-45', '45', 'MA130', 'CO 16 MA130'):
every reading of each against a CodeKnowledge (`ar-cli codes show`), and the order
in which an adjustment's remark codes reach the treatment lookup (posting and
`era show` alike)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ar_cli.domain.codes.adjustments import CodeKnowledge
from ar_cli.domain.codes.book import (
    GROUP_CODES,
    LEGACY_GROUP,
    CodeSet,
    Explanation,
    looks_like,
    normalize_carc,
    normalize_group,
)
from ar_cli.domain.codes.treatment_table import ALL_GROUPS
from ar_cli.domain.codes.treatments import TreatmentRule

#: How a code no loaded list knows is described, wherever it is shown.
NOT_LOADED = "not in the loaded code lists"
_GROUP_AND_CODE = re.compile(r"(CO|OA|PI|PR|CR)-?([A-Z0-9]+)")


@dataclass(frozen=True, kw_only=True)
class CodeAnswer:
    """One reading of a code as the user typed it.

    asked: the text as typed. code_set: the list it belongs to (None: no code has that
    shape). code: normalized ('45'); for an unknown shape, the text upper-cased.
    explanation: the book's entry, None when not in the loaded lists.
    group / group_explanation: the group typed with a CARC ('CO' in 'CO-45'), or ''.
    treatments: what the table does with it — for a CARC with a group, that group's
    rule; for a CARC alone, one rule per group (CO, OA, PI, PR); else none.
    remarks: the remark codes given alongside, used by the table lookup.
    """

    asked: str
    code_set: CodeSet | None
    code: str
    explanation: Explanation | None
    group: str = ""
    group_explanation: Explanation | None = None
    treatments: tuple[TreatmentRule, ...] = ()
    remarks: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.explanation is not None


def explain_codes(
    knowledge: CodeKnowledge, codes: Sequence[str], *, code_set: CodeSet | None = None
) -> list[CodeAnswer]:
    """Every reading of each code. Remark codes among `codes` are given to the
    treatment lookup of every reason code among them ('CO-16 MA130'), as a remittance
    sends them together. A code no list knows is an answer with no explanation."""
    remarks = tuple(_squash(c) for c in codes if _shape(_squash(c))[0] is CodeSet.RARC)
    answers: list[CodeAnswer] = []
    for asked in codes:
        raw = _squash(asked)
        shape, group, code = _shape(raw) if code_set is None else (code_set, *_split(raw, code_set))
        explanation = knowledge.explain(raw, shape) if shape is not None else None
        if shape is CodeSet.CARC:
            groups = (group,) if group else ALL_GROUPS
            answers.append(
                CodeAnswer(
                    asked=asked.strip(),
                    code_set=shape,
                    code=code,
                    explanation=explanation,
                    group=group,
                    group_explanation=knowledge.explain(group, CodeSet.GROUP) if group else None,
                    treatments=tuple(knowledge.lookup(g, code, remarks) for g in groups),
                    remarks=remarks,
                )
            )
        else:
            answers.append(CodeAnswer(asked=asked.strip(), code_set=shape, code=code, explanation=explanation))
        # Claim statuses share the digits of CARCs: '4' is both, so show both readings.
        if code_set is None and shape is CodeSet.CARC and not group and raw.isdigit():
            status = knowledge.explain(raw, CodeSet.CLAIM_STATUS)
            if status is not None:
                answers.append(
                    CodeAnswer(asked=asked.strip(), code_set=CodeSet.CLAIM_STATUS, code=status.code, explanation=status)
                )
    return answers


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _shape(raw: str) -> tuple[CodeSet | None, str, str]:
    """(code set, group, code) as the shape of `raw` says; (None, '', raw) for no shape."""
    if raw in GROUP_CODES or raw == LEGACY_GROUP:
        return CodeSet.GROUP, "", raw
    if looks_like(CodeSet.RARC, raw):
        return CodeSet.RARC, "", raw
    group, code = _split(raw, CodeSet.CARC)
    if looks_like(CodeSet.CARC, code):
        return CodeSet.CARC, group, code
    return None, "", raw


def _split(raw: str, code_set: CodeSet) -> tuple[str, str]:
    """(group, code) for a CARC typed with or without its group; ('', code) otherwise."""
    if code_set is CodeSet.CARC:
        found = _GROUP_AND_CODE.fullmatch(raw)
        if found is not None:
            return normalize_group(found.group(1)), normalize_carc(found.group(2))
        return "", normalize_carc(raw)
    if code_set is CodeSet.CLAIM_STATUS:
        return "", normalize_carc(raw)
    return "", raw


def remarks_for_adjustment(claim_remarks: Sequence[str], line_remarks: Sequence[str] = ()) -> tuple[str, ...]:
    """The remark codes the treatment lookup sees for one adjustment: the line's own
    (LQ) first, then the claim's (MOA/MIA), because a payer often sends MA130 at claim
    level with CO-16 on the lines. Posting and `era show` both use this order."""
    return (*line_remarks, *(r for r in claim_remarks if r not in line_remarks))
