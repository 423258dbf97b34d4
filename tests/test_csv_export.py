"""Files for people open in Danish Excel, and a cell can never run as a formula there."""

import csv
import io

from samtaler_site.csv_export import excel_csv_response


def _laes(svar):
    tekst = svar.content.decode("utf-8")
    assert tekst.startswith("\ufeff"), "Danish Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(tekst[1:]), delimiter=";"))


def test_csv_har_bom_semikolon_og_overskrift():
    svar = excel_csv_response(filename="x.csv", header=["kode", "antal"], rows=[["7", 12], ["Ærø; Å", 3]])
    assert svar["Content-Type"].startswith("text/csv")
    assert svar["Cache-Control"] == "no-store"
    assert _laes(svar) == [["kode", "antal"], ["7", "12"], ["Ærø; Å", "3"]]


def test_celler_der_ligner_formler_neutraliseres():
    farlige = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    svar = excel_csv_response(filename="x.csv", header=["v"], rows=[[v] for v in farlige] + [[-5]])
    celler = [r[0] for r in _laes(svar)[1:]]
    assert celler[:-1] == ["'" + v for v in farlige]
    assert celler[-1] == "-5", "a real number keeps its sign"
