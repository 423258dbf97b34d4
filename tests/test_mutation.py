"""``make mutation`` (issue 26): its module table names files and functions that exist, and
its selection of mutants leaves out only what no test can tell apart.

The run itself (cosmic-ray over the modules, half an hour) is not part of the suite; a
module table that points at a renamed test file or function would make it report
nonsense, so that is checked here.
"""

import ast
import importlib.util
from dataclasses import dataclass
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent


def _run():
    spec = importlib.util.spec_from_file_location("mutation_run", ROD / "mutation" / "run.py")
    modul = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(modul)
    return modul


@dataclass
class Mutation:
    operator_name: str
    start_pos: tuple


def test_modultabellen_peger_paa_filer_og_funktioner_der_findes():
    run = _run()
    moduler = run.moduler()
    assert {"regler", "services", "outbox", "batches", "levering", "perioder"} <= set(moduler)
    for navn, cfg in moduler.items():
        funktioner = set()
        for kilde in cfg["kilde"]:
            assert (ROD / kilde).is_file(), f"{navn}: {kilde}"
            funktioner |= {name for _fra, _til, name in run._Kort((ROD / kilde).read_text()).funktioner}
        for test in cfg["test"]:
            fil, _, enkelt = test.partition("::")
            assert (ROD / fil).is_file(), f"{navn}: {test}"
            assert not enkelt or f"def {enkelt}(" in (ROD / fil).read_text(), f"{navn}: {test}"
        for funktion in [*cfg.get("kun", ()), *cfg.get("uden", ())]:
            assert funktion in funktioner, f"{navn}: {funktion}"


KILDE = """\
from __future__ import annotations


def f(*, a: int | None, b) -> int | None:
    if a is None:
        logger.info("a er %s", a is None)
        return b + 1
    return a
"""


def _position(kilde: str, tekst: str, linje_nr: int) -> tuple:
    linje = kilde.splitlines()[linje_nr - 1]
    return (linje_nr, linje.index(tekst))


def test_udvalget_springer_annoteringer_logkald_og_stjernen_over_men_beholder_logikken():
    run = _run()
    kort = run._Kort(KILDE)
    ast.parse(KILDE)

    def behold(operator, tekst, linje, **cfg):
        return run._behold(Mutation(f"core/{operator}", _position(KILDE, tekst, linje)), kort, cfg)

    assert behold("ReplaceComparisonOperator_Is_IsNot", "is None", 5)  # the condition
    assert behold("ReplaceBinaryOperator_Add_Sub", "+", 7)  # the arithmetic
    assert not behold("ReplaceBinaryOperator_BitOr_BitAnd", "|", 4)  # an annotation
    assert not behold("ReplaceBinaryOperator_Mul_Div", "*", 4)  # the keyword-only marker
    assert not behold("ReplaceComparisonOperator_Is_IsNot", "is None", 6)  # inside a log call
    assert not behold("ReplaceComparisonOperator_Is_Gt", "is None", 5)  # not in the operator set
    assert not behold("ReplaceComparisonOperator_Is_IsNot", "is None", 5, kun=["g"])
    assert not behold("ReplaceComparisonOperator_Is_IsNot", "is None", 5, uden=["f"])


def test_hver_aekvivalent_mutant_har_en_grund_og_peger_paa_en_linje_der_findes():
    """An equivalent mutant is written down with the reason; an entry whose line is gone from
    the source is stale (the survivor it explained must be judged again)."""
    run = _run()
    for e in run.ekvivalente():
        assert e["grund"].strip(), e
        kilde = " ".join((ROD / e["fil"]).read_text().split())
        assert run._normaliser([e["foer"]]) in kilde, e
