"""Forms. The registration form keeps every § 28 field, and the rule table decides which
ones the page shows; a value in a field that does not apply is refused at that field, so
nothing is silently dropped. The rules themselves live in :mod:`registrering.regler`."""

from __future__ import annotations

import datetime
import functools
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.formsets import TOTAL_FORM_COUNT
from django.forms.utils import ErrorDict
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from . import historik, kodecache, selectors
from .datofelt import DatoFelt, i_omraadet
from .models import (
    Akasse,
    AkasseDeltagelse,
    Deltagelsesform,
    Deltagerrolle,
    Jobcenter,
    Kontaktgruppe,
    Person,
    Samtaleform,
    Samtaletype,
    SamtaletypeRegel,
    Visitationsgruppe,
    cpr_uden_skilletegn,
    valider_cpr,
)
from .regler import DELFELTER, kontaktgruppe_regler, regelsaet, samtaletyper_tilladte, valider_samtale
from .samtaledata import MAKS_TEKST, SAMTALE_FELTER, DeltagerData, SamtaleData, normaliser_tekst, tekst_laengde


@deconstructible
class TekstLaengde(MaxLengthValidator):
    """The longest text, with a message that says by how much it is too long (no silent cut)."""

    message = _("Teksten har %(show_value)d tegn, og der er plads til %(limit_value)d. Forkort den med %(over)d tegn.")

    def __call__(self, value):
        n = tekst_laengde(value)
        if n > self.limit_value:
            raise ValidationError(
                self.message,
                code="max_length",
                params={"show_value": n, "limit_value": self.limit_value, "over": n - self.limit_value},
            )


class Langtekst(forms.CharField):
    """Free text of at most ``MAKS_TEKST`` characters. No ``maxlength`` in the page, where the
    browser would cut a pasted text silently: the page counts down instead (``data-maks``,
    static/js/app.js), and a longer text is refused at the field. A line break counts as one
    character, as the browser shows it, though it posts two (samtaledata.tekst_laengde); the
    text is stored as entered."""

    def __init__(self, *, max_length: int = MAKS_TEKST, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
        self.validators.append(TekstLaengde(max_length))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        attrs["data-maks"] = str(self.max_length)
        return attrs


class ShownLazily:
    """A text computed the first time it is shown. (Django's ``lazy`` does not do for a help
    text: every BoundField tests the help text's truth, which would compute it on every
    submit; this one is always true and computes only in ``str()``.)"""

    def __init__(self, compute):
        self._compute = compute

    def __bool__(self) -> bool:
        return True

    @functools.cached_property
    def _text(self) -> str:
        return str(self._compute())

    def __str__(self) -> str:
        return self._text


class KodeValg(forms.ModelChoiceField):
    """A choice from a code list, posted as its code (CONTRACT.md), shown by its name.

    A posted code is looked up in the process's copy of the code list (kodecache.py), not
    with a query per field: any entry of the list when the queryset is the whole list, one
    in force on the date given to :meth:`gyldige_paa` otherwise. A field given some other
    filtered queryset is checked against it with a query, as Django does.
    """

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "kode")
        kwargs.setdefault("error_messages", {"invalid_choice": _("Vælg en gyldig værdi fra listen.")})
        super().__init__(queryset, **kwargs)
        self.gyldig_paa: datetime.date | None = None

    def gyldige_paa(self, dato: datetime.date) -> None:
        self.queryset = self.queryset.model.objects.gyldige(dato)
        self.gyldig_paa = dato

    def to_python(self, value):
        model = self.queryset.model
        if self.gyldig_paa is None and self.queryset.query.has_filters():
            return super().to_python(value)
        if value in self.empty_values:
            return None
        valgt = kodecache.alle(model).get(str(value))
        if valgt is None or (self.gyldig_paa is not None and valgt not in kodecache.gyldige(model, self.gyldig_paa)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return valgt


def cpr_normaliser(vaerdi: str) -> str:
    """§ 28 nr. 1: ten ASCII digits once spaces, full stops and dashes are taken out (the
    separators search accepts too, ``models.CPR_SKILLETEGN``), with a real birth date
    (``models.valider_cpr``). A fullwidth or Arabic-Indic digit is refused, not converted:
    the number is typed again from the source."""
    tal = cpr_uden_skilletegn(vaerdi)
    valider_cpr(tal)
    return tal


class PersonForm(forms.Form):
    # No max_length: the browser would cut "13 03 95 43 21" to eleven characters and the
    # form would then refuse what it cut (issue 20). The validator bounds it.
    cpr = forms.CharField(label=_("CPR-nummer"), help_text=_("10 cifre, med eller uden bindestreg eller mellemrum."))
    navn = forms.CharField(label=_("Navn"), max_length=200)
    kontaktgruppe = KodeValg(
        Kontaktgruppe.objects.none(), label=_("Kontaktgruppe"), empty_label=_("Vælg kontaktgruppe")
    )
    akasse = KodeValg(
        Akasse.objects.none(),
        label=_("A-kasse"),
        required=False,
        empty_label=_("Ingen a-kasse"),
        help_text=_("Skal udfyldes for dagpengemodtagere (kontaktgruppe 1)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        idag = selectors.idag()
        self.fields["kontaktgruppe"].gyldige_paa(idag)
        self.fields["akasse"].gyldige_paa(idag)
        self.fields["cpr"].widget.attrs.update({"autocomplete": "off", "inputmode": "numeric"})

    def clean_cpr(self):
        # A number already registered is refused by borgere.person_opret, which logs the
        # attempt with the user (issue 15, probing across jobcentres).
        return cpr_normaliser(self.cleaned_data["cpr"])

    def clean(self):
        data = super().clean()
        kg = data.get("kontaktgruppe")
        if kg is not None:
            regler = kontaktgruppe_regler(kontaktgruppe=kg, dato=selectors.idag())
            if regler["akasse_videregivelse"] and not data.get("akasse"):
                self.add_error(
                    "akasse", _("Vælg borgerens a-kasse: oplysningerne videregives til a-kassen (§ 28 stk. 5).")
                )
        return data


class SamtaleForm(forms.Form):
    dato = DatoFelt(
        label=_("Dato for samtalen"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"],
    )
    samtaletype = KodeValg(Samtaletype.objects.all(), label=_("Samtaletype"), empty_label=_("Vælg samtaletype"))
    samtaleform = KodeValg(Samtaleform.objects.all(), label=_("Samtaleform"), empty_label=_("Vælg samtaleform"))
    aftale = Langtekst(label=_("Aftale"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    saerlig_indsats = Langtekst(label=_("Særlig indsats"), required=False)
    akasse_deltagelse = KodeValg(
        AkasseDeltagelse.objects.all(), label=_("A-kassens deltagelse"), required=False, empty_label=_("Vælg status")
    )
    praktiske_aftaler = Langtekst(
        label=_("Praktiske aftaler om det videre forløb"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kun praktiske aftaler. Aftaler, der er bindende for borgeren, må ikke stå her (§ 28 nr. 8)."),
    )
    visitationsgruppe = KodeValg(
        Visitationsgruppe.objects.all(),
        label=_("Visitationsgruppe"),
        required=False,
        empty_label=_("Ingen ny vurdering"),
    )
    tidlig_opfoelgning = forms.BooleanField(
        label=_("Borgeren anmoder om tidlig opfølgning (fast track)"),
        required=False,
        help_text=_("Registreres som persongruppemarkeringen »Tidlig opfølgning - fast track« (§ 28 stk. 3)."),
    )
    cv_ikke_fyldestgoerende = forms.BooleanField(
        label=_("CV-oplysningerne er ikke længere fyldestgørende"),
        required=False,
        help_text=_("Jobcentrets vurdering (§ 28 stk. 4)."),
    )
    # Issue 18: this form's one-time key (a new one per page, kept on re-renders): sent again,
    # it answers "already registered". Also the key app.js keeps the typed input under.
    formularnoegle = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, person: Person, samtale=None, **kwargs):
        self.person = person
        self.samtale = samtale
        super().__init__(*args, **kwargs)
        samtaletype = self._code_value("samtaletype", Samtaletype)
        dato = self.samtaledato()
        # DFDG order § 16: the rules of the kontaktgruppe the citizen had on the form's date.
        kontaktgruppe = self.kontaktgruppe_paa(dato)
        self.regler = regelsaet(kontaktgruppe=kontaktgruppe, samtaletype=samtaletype, dato=dato)
        self._regler_dato = dato
        # The lists shown are those valid on the form's date. A callable is kept lazy by
        # Django (CallableChoiceIterator): read only when the page is rendered, once, so a
        # valid submit never reads them.
        self.fields["samtaletype"].widget.choices = functools.cache(
            lambda: self._choices_with_current(
                samtaletyper_tilladte(kontaktgruppe=kontaktgruppe, dato=dato), samtaletype, _("Vælg samtaletype")
            )
        )
        self.fields["samtaleform"].widget.choices = functools.cache(
            lambda: self._choices_with_current(kodecache.gyldige(Samtaleform, dato), None, _("Vælg samtaleform"))
        )
        self.fields["akasse_deltagelse"].widget.choices = functools.cache(
            lambda: self._choices_with_current(kodecache.gyldige(AkasseDeltagelse, dato), None, _("Vælg status"))
        )
        self.fields["visitationsgruppe"].widget.choices = [("", _("Ingen ny vurdering"))] + [
            (g.kode, g.navn) for g in self.regler.visitationsgrupper
        ]
        if self.regler.aftale == SamtaletypeRegel.Aftale.FLEKSJOB:
            self.fields["aftale"].label = _("Aftale om det fortsatte fleksjobforløb (§ 28 nr. 6)")
        else:
            self.fields["aftale"].label = _("Bindende aftale om det fortsatte kontaktforløb (§ 28 nr. 5)")
            self.fields["aftale"].help_text = _(
                "Alle aftaler, der er forpligtende for borgeren fremadrettet, skal stå her. "
                "Feltet starter med den gældende aftale."
            )
        # Parts the rule table requires for this type are marked like required fields
        # (the rule, not the field, decides, so the message stays the law's own).
        for felt, kraevet in (
            ("aftale", bool(self.regler.aftale)),
            ("akasse_deltagelse", self.regler.akasse_deltagelse),
        ):
            if kraevet:
                self.fields[felt].label = f"{self.fields[felt].label}*"
                self.fields[felt].widget.attrs["aria-required"] = "true"
        if self.regler.visitation:
            # Read only when the page is shown, not on a valid submit.
            self.fields["visitationsgruppe"].help_text = ShownLazily(self._visitation_hjaelp)
        self.order_fields(["dato", "samtaletype", "samtaleform"])

    def kontaktgruppe_paa(self, dato: datetime.date):
        return selectors.stilling_paa_dato(person=self.person, dato=dato).kontaktgruppe

    def _visitation_hjaelp(self) -> str:
        gaeldende = selectors.visitation_i_kraft_siden(person=self.person, dato=selectors.idag())
        if gaeldende is None:
            return str(_("Borgeren har ingen registreret visitationsgruppe."))
        # § 28 nr. 9 reports only a new group, but every assessment is kept (issue 18): the
        # caseworker records the result of the assessment, also when it is the same group.
        return str(
            _(
                "Nuværende: %(gruppe)s fra %(dato)s. Vælg resultatet af visitationsvurderingen, også hvis det er "
                "samme gruppe; kun en ny gruppe indberettes."
            )
        ) % {
            "gruppe": gaeldende.gruppe_navn,
            "dato": gaeldende.gyldig_fra.strftime("%d.%m.%Y"),
        }

    @staticmethod
    def _choices_with_current(qs, valgt, tom):
        valg = [("", tom)] + [(o.kode, str(o)) for o in qs]
        if valgt is not None and valgt.kode not in {k for k, _n in valg}:
            valg.append((valgt.kode, str(valgt)))
        return valg

    def _raw(self, navn):
        if self.is_bound:
            return self.data.get(self.add_prefix(navn))
        return self.initial.get(navn)

    def _code_value(self, navn, model):
        vaerdi = self._raw(navn)
        if isinstance(vaerdi, model):
            return vaerdi
        if not vaerdi:
            return None
        return kodecache.alle(model).get(str(vaerdi))

    def samtaledato(self) -> datetime.date:
        """The conversation's date as entered (today when none or none readable): the date
        whose code lists and rules the page is built from."""
        vaerdi = self._raw("dato")
        if isinstance(vaerdi, datetime.date):
            return vaerdi
        for fmt in self.fields["dato"].input_formats:
            try:
                dato = datetime.datetime.strptime(str(vaerdi), fmt).date()
            except (TypeError, ValueError):
                continue
            if i_omraadet(dato):
                return dato
        return selectors.idag()

    def vis(self, felt: str) -> bool:
        """Show a § 28 part's field when it applies, or when it holds a value or an error
        (so a refused value is never hidden from the caseworker)."""
        if self.regler.gaelder.get(felt, True):
            return True
        if self.is_bound and (self.data.get(self.add_prefix(felt)) or felt in self.errors):
            return True
        return False

    @property
    def synlige_delfelter(self):
        return [self[f] for f in DELFELTER if self.vis(f)]

    def samtale_data(self, deltagere: list[DeltagerData]) -> SamtaleData:
        return SamtaleData.from_values(self.cleaned_data, deltagere=deltagere)

    # --- where the page starts from, and what a re-render keeps ---------------------------

    @functools.cached_property
    def aftale_gaeldende(self):
        """The citizen's current binding agreement (§ 28 nr. 5), read once per form."""
        return selectors.aftale_gaeldende(person=self.person)

    @property
    def starter_fra_gaeldende_aftale(self) -> bool:
        """§ 28 nr. 5: a new registration of a type with the binding agreement starts from the
        current one, so no obligation is silently dropped by the next conversation. (The
        fleksjob agreement, nr. 6, is its own; a correction starts from what it corrects.)"""
        return self.samtale is None and self.regler.aftale == SamtaletypeRegel.Aftale.BINDENDE

    @classmethod
    def blank(cls, *, person: Person, samtaletype: str = "") -> SamtaleForm:
        """A fresh registration form, of ``samtaletype`` (a code) if given. The date starts
        empty and has the focus: the caseworker takes a position on it (issue 25; STAR asks
        that no system fills in the conversation's date for them)."""
        form = cls(initial={"samtaletype": samtaletype, "formularnoegle": uuid.uuid4()}, person=person)
        form.fields["dato"].widget.attrs["autofocus"] = True
        if form.starter_fra_gaeldende_aftale and form.aftale_gaeldende is not None:
            form.initial["aftale"] = form.aftale_gaeldende.aftale
        return form

    @classmethod
    def for_correction(cls, *, samtale) -> SamtaleForm:
        """The form starting from a registered conversation's values."""
        initial = {f.name: f.as_initial(getattr(samtale, f.name)) for f in SAMTALE_FELTER}
        visitation = selectors.samtale_visitation(samtale=samtale)
        initial["visitationsgruppe"] = visitation.visitationsgruppe.kode if visitation else ""
        initial["sekvens"] = samtale.sekvens
        initial["formularnoegle"] = uuid.uuid4()
        return cls(initial=initial, person=samtale.person, samtale=samtale)

    @classmethod
    def rerendered(cls, data, *, person: Person, samtale=None) -> SamtaleForm:
        """The form as typed, for another date or samtaletype (a re-render, not a submit: no
        error messages), with the agreement field following the type."""
        form = cls(data, person=person, samtale=samtale)
        gaeldende = form.aftale_gaeldende
        if gaeldende is not None:
            if form.starter_fra_gaeldende_aftale and "aftale" not in data:
                # The agreement field was not on the page before this type was chosen: start
                # it from the current binding agreement, as a fresh page would.
                data = data.copy()
                data["aftale"] = gaeldende.aftale
                form = cls(data, person=person, samtale=samtale)
            elif not form.regler.aftale and data.get("aftale", "").strip() == gaeldende.aftale.strip():
                # Switching to a type without an agreement: the untouched copy of the current
                # agreement goes away with the field. Text the caseworker wrote stays, and is
                # refused at the field on submit, so nothing typed is silently dropped.
                data = data.copy()
                data.pop("aftale", None)
                form = cls(data, person=person, samtale=samtale)
            form.aftale_gaeldende = gaeldende
        form.without_errors()
        return form

    def without_errors(self) -> None:
        """Show the bound form as entered, without error messages."""
        self._errors = ErrorDict()

    def clean(self):
        cleaned = super().clean()
        if self.errors or "dato" not in cleaned:
            return cleaned
        # The rules in force on the entered date and type (read again only if they differ
        # from what the page was built from).
        if (cleaned.get("samtaletype"), cleaned["dato"]) != (self.regler.samtaletype, self._regler_dato):
            self.regler = regelsaet(
                kontaktgruppe=self.kontaktgruppe_paa(cleaned["dato"]),
                samtaletype=cleaned.get("samtaletype"),
                dato=cleaned["dato"],
            )
        data = self.samtale_data([])
        for felt, beskeder in valider_samtale(
            person=self.person,
            data=data,
            regler=self.regler,
            samtale=self.samtale,
            engangsnoegle=cleaned.get("formularnoegle") if self.samtale is None else None,
        ).items():
            for besked in beskeder:
                self.add_error(felt if felt in self.fields else None, besked)
        return cleaned


def sekvens_felt() -> forms.IntegerField:
    """The version a form was opened on (CONTRACT.md "Corrections never overwrite each
    other"). Optional: a post without it (an integrator's) is not checked."""
    return forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class SamtaleRetForm(SamtaleForm):
    begrundelse = Langtekst(
        label=_("Begrundelse for rettelsen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv en begrundelse for rettelsen.")},
    )
    sekvens = sekvens_felt()


class DeltagerForm(forms.Form):
    navn = forms.CharField(label=_("Navn"), max_length=200, error_messages={"required": _("Skriv deltagerens navn.")})
    rolle = KodeValg(
        Deltagerrolle.objects.none(),
        label=_("Rolle"),
        empty_label=_("Vælg rolle"),
        error_messages={
            "required": _("Vælg deltagerens rolle."),
            "invalid_choice": _("Vælg en gyldig rolle fra listen."),
        },
    )
    deltagelsesform = KodeValg(
        Deltagelsesform.objects.none(),
        label=_("Deltagelsesform"),
        empty_label=_("Vælg form"),
        error_messages={
            "required": _("Vælg formen for deltagelsen."),
            "invalid_choice": _("Vælg en gyldig deltagelsesform fra listen."),
        },
    )

    def __init__(self, *args, dato: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        dato = dato or selectors.idag()
        self.fields["rolle"].gyldige_paa(dato)
        self.fields["deltagelsesform"].gyldige_paa(dato)

    def deltager_data(self) -> DeltagerData:
        d = self.cleaned_data
        return DeltagerData(navn=d["navn"], rolle=d["rolle"], deltagelsesform=d["deltagelsesform"])


class BaseDeltagerFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _("Der kan højst være %(num)s deltagere i en samtale."),
    }

    def _for_mange(self) -> bool:
        return (
            self.is_bound
            and self.management_form.is_valid()
            and self.management_form.cleaned_data[TOTAL_FORM_COUNT] > self.max_num
        )

    def total_form_count(self):
        # More rows than a conversation may have (deltagere-TOTAL_FORMS=5000): the post is
        # refused as a whole before a single form is built, not after building a thousand
        # (Django's own cap is max_num + 1000), so the refusal costs nothing (issue 19,
        # finding 8). full_clean adds the error: absolute_max is max_num.
        if self._for_mange():
            return 0
        return super().total_form_count()

    def _construct_form(self, i, **kwargs):
        # Every row may be left empty (an empty row is no participant), also rows that were
        # re-rendered from a previous post.
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def deltagere(self) -> list[DeltagerData]:
        return [
            f.deltager_data()
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not self._should_delete_form(f)
        ]


MAKS_DELTAGERE = 30
DeltagerFormSet = forms.formset_factory(
    DeltagerForm,
    formset=BaseDeltagerFormSet,
    extra=0,
    can_delete=True,
    max_num=MAKS_DELTAGERE,
    absolute_max=MAKS_DELTAGERE,
    validate_max=True,
)
DELTAGERE_PREFIX = "deltagere"
_DELTAGER_FELTER = ("navn", "rolle", "deltagelsesform")


def _with_management_form(data):
    """Integrators may post participants as ``deltagere-N-navn`` … without Django's
    management fields (or no participants at all): count the rows instead of refusing."""
    if f"{DELTAGERE_PREFIX}-TOTAL_FORMS" in data:
        return data
    numre = [int(m.group(1)) for k in data for m in [re.match(rf"^{DELTAGERE_PREFIX}-([0-9]+)-", k)] if m]
    data = data.copy()
    # Rows beyond the maximum are refused with the rest (the formset), not silently dropped.
    data[f"{DELTAGERE_PREFIX}-TOTAL_FORMS"] = str(max(numre) + 1 if numre else 0)
    data[f"{DELTAGERE_PREFIX}-INITIAL_FORMS"] = "0"
    return data


def _posted_rows(data) -> list[dict]:
    """The participant rows as posted, without validating them (for a re-render)."""
    try:
        antal = min(int(data.get(f"{DELTAGERE_PREFIX}-TOTAL_FORMS", 0)), MAKS_DELTAGERE)
    except ValueError:
        antal = 0
    return [
        {f: data.get(f"{DELTAGERE_PREFIX}-{i}-{f}", "") for f in _DELTAGER_FELTER}
        for i in range(antal)
        if not data.get(f"{DELTAGERE_PREFIX}-{i}-DELETE")
    ]


def _heltal(vaerdi) -> int:
    try:
        return int(vaerdi)
    except (TypeError, ValueError):
        return 0


def _som_postet(vaerdi) -> str:
    """A value as the form posts it, to compare a posted value with a stored one: a date in
    ISO form, a checkbox "on" or nothing, text with the browser's line ends made plain."""
    if vaerdi is None or vaerdi is False:
        return ""
    if vaerdi is True:
        return "on"
    if isinstance(vaerdi, datetime.date):
        return vaerdi.isoformat()
    return normaliser_tekst(str(vaerdi))


# Buttons that re-render the registration form without saving (htmx and no-JavaScript alike).
OPDATER = "_opdater"
TILFOEJ_DELTAGER = "_tilfoej_deltager"
FJERN_DELTAGER = "_fjern_deltager"


class SamtaleFormular:
    """The registration page's forms: the conversation (:class:`SamtaleForm`, or
    :class:`SamtaleRetForm` for a correction) and its participants. A page is fresh (GET),
    a re-render (a change of date or type, a participant added or removed: the fields as
    typed, no error messages) or a submit (validated, errors shown)."""

    def __init__(
        self, form: SamtaleForm, formset: BaseDeltagerFormSet, *, submit: bool = False, rerender: bool = False
    ):
        self.form, self.formset, self.submit, self.rerender = form, formset, submit, rerender
        # After a refused stale correction: the fields both people changed (efter_konflikt).
        self.begge_aendret: list[str] = []

    @staticmethod
    def _form_class(samtale):
        return SamtaleRetForm if samtale is not None else SamtaleForm

    @classmethod
    def fresh(cls, *, person: Person, samtale=None, samtaletype: str = "") -> SamtaleFormular:
        if samtale is not None:
            form = SamtaleRetForm.for_correction(samtale=samtale)
            rows = [
                {"navn": d.navn, "rolle": d.rolle.kode, "deltagelsesform": d.deltagelsesform.kode}
                for d in selectors.deltagere_aktive(samtale=samtale)
            ]
        else:
            form, rows = SamtaleForm.blank(person=person, samtaletype=samtaletype), []
        return cls(
            form, DeltagerFormSet(initial=rows, form_kwargs={"dato": form.samtaledato()}, prefix=DELTAGERE_PREFIX)
        )

    @classmethod
    def posted(cls, data, *, person: Person, samtale=None) -> SamtaleFormular:
        data = _with_management_form(data)
        if not any(knap in data for knap in (OPDATER, TILFOEJ_DELTAGER, FJERN_DELTAGER)):
            form = cls._form_class(samtale)(data, person=person, samtale=samtale)
            formset = DeltagerFormSet(data, form_kwargs={"dato": form.samtaledato()}, prefix=DELTAGERE_PREFIX)
            return cls(form, formset, submit=True)
        form = cls._form_class(samtale).rerendered(data, person=person, samtale=samtale)
        rows = _posted_rows(data)
        if FJERN_DELTAGER in data:
            try:
                del rows[int(data[FJERN_DELTAGER])]
            except (ValueError, IndexError):
                pass
        if TILFOEJ_DELTAGER in data:
            rows.append(dict.fromkeys(_DELTAGER_FELTER, ""))
        formset = DeltagerFormSet(initial=rows, form_kwargs={"dato": form.samtaledato()}, prefix=DELTAGERE_PREFIX)
        return cls(form, formset, rerender=True)

    @classmethod
    def efter_konflikt(cls, data, *, samtale) -> SamtaleFormular:
        """A correction refused because the conversation changed meanwhile (a stale
        ``sekvens``): the form again, now on the stored version, with the caseworker's own
        changes on top. A field the caseworker left as it was when the form was opened
        takes the other person's value, so saving again loses neither change; a field both
        changed keeps the caseworker's (listed in ``begge_aendret``). Participants are one
        field here. The hidden ``sekvens`` is the stored one: saving again is a decision."""
        data = _with_management_form(data).copy()
        base = historik.samtale_version(samtale=samtale, sekvens=_heltal(data.get("sekvens")))
        nu = SamtaleRetForm.for_correction(samtale=samtale).initial
        nu_deltagere = [
            {"navn": d.navn, "rolle": d.rolle.kode, "deltagelsesform": d.deltagelsesform.kode}
            for d in selectors.deltagere_aktive(samtale=samtale)
        ]
        begge = []
        for navn in [*(f.name for f in SAMTALE_FELTER), "visitationsgruppe"]:
            mit, nyt = _som_postet(data.get(navn)), _som_postet(nu.get(navn))
            if base is None or mit == nyt:
                continue
            if mit == _som_postet(base.felter.get(navn)):
                if nu.get(navn) in (None, "", False):
                    data.pop(navn, None)
                else:
                    data[navn] = nyt
            elif _som_postet(base.felter.get(navn)) != nyt:
                begge.append(navn)
        deltagere = [r for r in _posted_rows(data) if any(r.values())]
        mine_deltagere = tuple(sorted(tuple(r[f] for f in _DELTAGER_FELTER) for r in deltagere))
        if base is not None and mine_deltagere == base.deltagere:
            deltagere = nu_deltagere
        for k in [k for k in data if k.startswith(f"{DELTAGERE_PREFIX}-")]:
            data.pop(k)
        data["sekvens"] = str(samtale.sekvens)
        form = SamtaleRetForm.rerendered(data, person=samtale.person, samtale=samtale)
        formset = DeltagerFormSet(initial=deltagere, form_kwargs={"dato": form.samtaledato()}, prefix=DELTAGERE_PREFIX)
        formular = cls(form, formset, rerender=True)
        formular.begge_aendret = [str(form.fields[n].label).rstrip("*") for n in begge if n in form.fields]
        return formular

    @property
    def sekvens(self) -> int | None:
        return self.form.cleaned_data.get("sekvens")

    @property
    def engangsnoegle(self):
        return self.form.cleaned_data.get("formularnoegle")

    def is_valid(self) -> bool:
        return self.submit and self.form.is_valid() and self.formset.is_valid()

    def samtale_data(self) -> SamtaleData:
        return self.form.samtale_data(self.formset.deltagere())

    @property
    def begrundelse(self) -> str:
        return self.form.cleaned_data.get("begrundelse", "")

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every error of a refused submit, each linking to its field (WCAG 3.3.1)."""
        if not self.submit:
            return []
        form, formset = self.form, self.formset
        oversigt = [("", "", e) for e in form.non_field_errors()]
        for navn, fejl in form.errors.items():
            if navn != "__all__" and navn in form.fields:
                oversigt += [(form[navn].id_for_label, str(form.fields[navn].label).rstrip("*"), e) for e in fejl]
        oversigt += [("", "", e) for e in formset.non_form_errors()]
        for nr, f in enumerate(formset.forms, start=1):
            for navn, fejl in f.errors.items():
                if navn in f.fields:
                    etiket = str(_("Deltager %(nr)s: %(felt)s")) % {"nr": nr, "felt": str(f.fields[navn].label).lower()}
                    oversigt += [(f[navn].id_for_label, etiket, e) for e in fejl]
        return oversigt


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form: at its field where the form has one."""
    if hasattr(error, "error_dict"):
        for felt, beskeder in error.message_dict.items():
            for besked in beskeder:
                form.add_error(felt if felt in form.fields else None, besked)
    else:
        for besked in error.messages:
            form.add_error(None, besked)


class BegrundelseForm(forms.Form):
    begrundelse = Langtekst(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv en begrundelse for annulleringen.")},
    )
    sekvens = sekvens_felt()


class VisitationPaaDatoForm(forms.Form):
    dato = DatoFelt(
        label=_("Visitationsgruppe på dato"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class PersonRetForm(forms.Form):
    """DFDG order § 16: a new period of kontaktgruppe and a-kasse from a date."""

    kontaktgruppe = KodeValg(Kontaktgruppe.objects.all(), label=_("Kontaktgruppe"), empty_label=_("Vælg kontaktgruppe"))
    akasse = KodeValg(
        Akasse.objects.all(),
        label=_("A-kasse"),
        required=False,
        empty_label=_("Ingen a-kasse"),
        help_text=_("Skal udfyldes, når oplysningerne videregives til a-kassen (kontaktgruppe 1, § 28 stk. 5)."),
    )
    beskyttet = forms.BooleanField(
        label=_("Navne- og adressebeskyttelse i CPR"),
        required=False,
        help_text=_(
            "Borgeren er registreret med navne- og adressebeskyttelse. Kun medarbejdere med særlig rettighed "
            "kan da se borgeren."
        ),
    )
    gyldig_fra = DatoFelt(
        label=_("Gælder fra"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"],
        help_text=_("Den dag borgeren skiftede. Samtaler afholdt før denne dag bedømmes efter den tidligere periode."),
    )
    begrundelse = Langtekst(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv en begrundelse for ændringen.")},
    )
    # The number of periods the page was opened with (a version, as ``sekvens`` on a
    # conversation): a period registered by somebody else meanwhile refuses this one.
    sekvens = sekvens_felt()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        idag = selectors.idag()
        # The lists shown are today's; a posted code is checked against the chosen date by
        # the service (a code may have ended since).
        self.fields["kontaktgruppe"].widget.choices = [("", _("Vælg kontaktgruppe"))] + [
            (k.kode, str(k)) for k in kodecache.gyldige(Kontaktgruppe, idag)
        ]
        self.fields["akasse"].widget.choices = [("", _("Ingen a-kasse"))] + [
            (a.kode, a.navn) for a in kodecache.gyldige(Akasse, idag)
        ]

    @classmethod
    def for_person(cls, data=None, *, person: Person) -> PersonRetForm:
        """The form starting from the period in force (CONTRACT.md): its kontaktgruppe and
        a-kasse; the date the new one starts from is the caseworker's to choose."""
        perioder = selectors.perioder(person=person)
        initial = {"sekvens": len(perioder)}
        if perioder:
            gaeldende = perioder[0]
            initial["kontaktgruppe"] = gaeldende.kontaktgruppe.kode
            initial["akasse"] = gaeldende.akasse.kode if gaeldende.akasse else ""
            initial["beskyttet"] = gaeldende.beskyttet
        return cls(data, initial=initial)

    def clean_gyldig_fra(self):
        dato = self.cleaned_data["gyldig_fra"]
        if dato > selectors.idag():
            raise ValidationError(_("Datoen ligger i fremtiden. Registrér ændringen, når den er trådt i kraft."))
        return dato


class PersonFlytForm(forms.Form):
    jobcenter = forms.ModelChoiceField(
        Jobcenter.objects.all(),
        to_field_name="kode",
        label=_("Nyt jobcenter"),
        empty_label=_("Vælg jobcenter"),
        error_messages={
            "invalid_choice": _("Vælg et jobcenter fra listen."),
            "required": _("Vælg det jobcenter, borgeren flytter til."),
        },
    )
    begrundelse = Langtekst(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv en begrundelse for flytningen.")},
    )
