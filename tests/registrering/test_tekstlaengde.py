"""The server's side of issue 18.6: a text over the limit is refused at its field with a
Danish message (never cut), by the form and by the service alike, counting a line break as
one character as the page's counter does."""

import pytest
from django.core.exceptions import ValidationError

from registrering import services
from registrering.models import Samtale
from registrering.samtaledata import MAKS_TEKST
from tests import factories
from tests.factories import fejl_ved, url

pytestmark = pytest.mark.django_db


def test_for_lang_aftale_afvises_ved_feltet_med_antal_tegn(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    svar = klient.post(url("samtale-opret", person_pk=person.pk), factories.formular(aftale="x" * (MAKS_TEKST + 1)))
    assert svar.status_code == 200
    assert fejl_ved(svar, "aftale") == "Teksten har 4001 tegn, og der er plads til 4000. Forkort den med 1 tegn."
    assert "maxlength" not in svar.content.decode().split('name="aftale"')[1].split(">")[0]
    assert not Samtale.objects.exists()


def test_linjeskift_taeller_som_et_tegn_som_i_browseren(klient, jobcenter):
    """A browser posts a line break as CR LF; the page counts (and shows) it as one, and so
    does the server: 4,000 characters on the page are 4,000 here."""
    person = factories.person(jc=jobcenter)
    linjer = ["y" * 39] * 100  # 100 lines of 39: 3,999 characters with 99 line breaks
    svar = klient.post(url("samtale-opret", person_pk=person.pk), factories.formular(aftale="\r\n".join(linjer)))
    assert svar.status_code == 302
    assert Samtale.objects.get().aftale == "\r\n".join(linjer)  # stored as entered, not cut


def test_tjenesten_afviser_for_lang_tekst_uden_formularen(sagsbehandler):
    with pytest.raises(ValidationError) as e:
        factories.registrer(factories.person(), sagsbehandler, samtaletype="4", aftale="", praktiske_aftaler="z" * 4001)
    assert "Forkort den med 1 tegn" in e.value.message_dict["praktiske_aftaler"][0]
    with pytest.raises(ValidationError):
        services.samtale_registrer(
            person=factories.person(), data=factories.data(aftale="a" * 5000), bruger=sagsbehandler
        )


def test_tjenesten_tager_en_tekst_paa_praecis_graensen(sagsbehandler):
    """The limit is a room of MAKS_TEKST characters: a text that fills it exactly is kept
    whole, by the service as by the page's counter."""
    resultat = services.samtale_registrer(
        person=factories.person(), data=factories.data(aftale="a" * MAKS_TEKST), bruger=sagsbehandler
    )
    assert resultat.samtale.aftale == "a" * MAKS_TEKST
