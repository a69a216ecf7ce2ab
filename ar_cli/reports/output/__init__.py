"""The one way ar-cli writes a file (CSV, XLSX, JSON, HTML, a folder of them).

Every command and report that writes goes through this package, so each file gets the
same four things:

- `files`: where it goes and how it lands. `resolve_file` reads `--output` one way
  everywhere (a path ending in `/` or naming a folder is a folder, created when
  missing; the file is then named by the caller's default); `StagedFile` and
  `staged_folder` write under a temporary name in the target's own folder and rename
  into place, so there is never half a file; an existing file is never replaced
  unless the user said `--overwrite`; a file holding PHI is mode 0600 (0644 else).
- `cells`: what a cell holds. `mask_cell` is the one PHI masker (by column);
  `csv_formatter` writes a CSV cell with money as a plain number and the
  spreadsheet-formula guard (domain/spreadsheet_safety.py) on every text cell;
  `xlsx_formatter` types a workbook cell (money a number, dates real dates, text always a
  string cell, never a formula).
- `tabular`: whole files from columns and rows: `write_csv`, `write_xlsx`,
  `report_csv`, `report_json`, `report_rows` (a Report's rows as lists, masked as
  asked) and `json_with_money` (amounts as numbers with two decimals).
"""

from ar_cli.reports.output.cells import csv_cell, csv_formatter, mask_cell, mask_report
from ar_cli.reports.output.files import StagedFile, resolve_file, resolve_folder, staged_folder, write_bytes, write_text
from ar_cli.reports.output.tabular import (
    json_with_money,
    money_number,
    report_csv,
    report_json,
    report_rows,
    report_xlsx,
    reports_json,
    write_csv,
    write_xlsx,
)

__all__ = [
    "StagedFile",
    "csv_cell",
    "csv_formatter",
    "json_with_money",
    "mask_cell",
    "mask_report",
    "money_number",
    "report_csv",
    "report_json",
    "report_rows",
    "report_xlsx",
    "reports_json",
    "resolve_file",
    "resolve_folder",
    "staged_folder",
    "write_bytes",
    "write_csv",
    "write_text",
    "write_xlsx",
]
