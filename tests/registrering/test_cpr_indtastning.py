"""A CPR number is read the same way wherever it is typed (issue 20): person-opret took
"13 03 95 43 21" only up to its ``maxlength`` of 11 and then refused what it had cut,
while search found the citizen; search read "130395–4321" (an en dash, as a word
processor writes it) as a name. Both now take the same separators
(``models.CPR_SKILLETEGN``)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registrering import selectors
from registrering.forms import PersonForm, cpr_normaliser
from registrering.models import Person
from tests import factories

pytestmark = pytest.mark.django_db

SKREVET = [
    "1303954321",
    "130395-4321",
    "130395 4321",
    "13 03 95 43 21",
    "13.03.95-4321",
    "130395\u20134321",  # en dash
    "130395\u20144321",  # em dash
    "130395\u20104321",  # hyphen
    "130395\u20114321",  # non-breaking hyphen
    "130395\u22124321",  # minus sign
    " 130395 \u2013 4321 ",
]


@pytest.mark.parametrize("cpr", SKREVET)
def test_opret_og_soegning_laeser_cpr_nummeret_ens(cpr):
    assert cpr_normaliser(cpr) == "1303954321"
    assert selectors.soegning_fortolk(cpr) == selectors.Soegning("cpr", "1303954321")


def test_cpr_feltet_klipper_ikke_i_browseren():
    """No ``maxlength``: the browser would cut "13 03 95 43 21" (14 characters) to eleven."""
    html = str(PersonForm()["cpr"])
    assert "maxlength" not in html


@pytest.mark.parametrize("cpr", ["13 03 95 43 21", "130395\u20134321"])
def test_borgeren_oprettes_med_cpr_skrevet_med_mellemrum_eller_tankestreg(klient, cpr):
    svar = klient.post(
        reverse("registrering:person-opret"), {"cpr": cpr, "navn": "Maja Mellemrum", "kontaktgruppe": "2"}
    )
    assert svar.status_code == 302, svar.context["form"].errors if svar.context else svar
    assert Person.objects.get().cpr == "1303954321"


@pytest.mark.parametrize("q", ["130395\u20134321", "130395\u22124321", "13 03 95 43 21"])
def test_soegning_med_tankestreg_finder_borgeren(klient, jobcenter, q):
    p = factories.person(jc=jobcenter, navn="Maja Mellemrum")
    Person.objects.filter(pk=p.pk).update(cpr="1303954321")
    svar = klient.post(reverse("registrering:person-soeg"), {"q": q})  # one citizen: straight there (issue 25)
    assert svar["Location"] == reverse("registrering:person-detalje", kwargs={"pk": p.pk})


def test_andre_tegn_er_stadig_ikke_skilletegn():
    """The no-break space stays refused in both (issue 15): one rule, not two."""
    assert selectors.soegning_fortolk("130395\u00a04321").art != "cpr"
    with pytest.raises(ValidationError):
        cpr_normaliser("130395\u00a04321")
