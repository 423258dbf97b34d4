"""The one list of a conversation's § 28 fields (registrering/samtaledata.py): the services,
the registration form and the report all read it, so each name on it must be a field of the
conversation, a field of the form (CONTRACT.md's names) and, where reported as entered, an
element of the report's schema."""

from indberetning import dokument
from registrering.forms import SamtaleForm
from registrering.models import Samtale
from registrering.samtaledata import SAMTALE_FELTER, SamtaleData


def test_feltlisten_er_samtalens_formularens_og_indberetningens_felter():
    navne = [f.name for f in SAMTALE_FELTER]
    assert set(navne) <= {f.name for f in Samtale._meta.get_fields()}
    assert set(navne) <= set(SamtaleForm.base_fields)
    assert set(navne) <= set(SamtaleData.__dataclass_fields__)
    indberettet = {f.report_element for f in SAMTALE_FELTER if f.report_element}
    assert indberettet and indberettet <= set(dokument.SAMTALE_FELTER)
