"""CSV files for people: they open in Danish Excel as they are.

Danish Excel reads a CSV as the system's code page and splits it on semicolons, so a file
for people is UTF-8 *with a byte-order mark*, semicolon-separated, with a header row. A
cell that Excel would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is neutralised with a leading apostrophe (OWASP "CSV injection").

Every CSV export in the project goes through :func:`excel_csv_response`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text, with a leading apostrophe if Excel would run it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def excel_csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A ``text/csv`` attachment: BOM, semicolons, a header row, every cell neutralised.

    Numbers are written as they are (an int or a Decimal cannot start a formula; a
    negative number keeps its sign so Excel still reads it as a number).
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write(BOM)
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([v if isinstance(v, int | float) and not isinstance(v, bool) else neutralise(v) for v in row])
    return response
