"""Thin views: parse, call a selector or a service, render.

The registration form's rules (where it starts from, what a re-render keeps) live in the
form (forms.SamtaleFormular), the citizen's rendered rows in raekker.py, the reads in
selectors.py."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from samtaler_site.csv_export import excel_csv_response

from . import beskyttelse, borgere, historik, indsigt, raekker, selectors, services
from . import statistik as statistikmodul
from .forms import (
    BegrundelseForm,
    PersonFlytForm,
    PersonForm,
    PersonRetForm,
    SamtaleFormular,
    VisitationPaaDatoForm,
    add_validation_error,
)
from .models import Adgangslog, Samtale, SamtaletypeRegel
from .regler import aftaletyper

medarbejder_paakraevet = permission_required("registrering.add_samtale", raise_exception=True)

SAMTALER_PR_SIDE = 20
SOEG_GRAENSE = 50


def _person(request: HttpRequest, pk):
    person = get_object_or_404(selectors.personer_synlige(bruger=request.user), pk=pk)
    beskyttelse.kraev_adgang(bruger=request.user, person=person, side=request.resolver_match.url_name)
    return person


def _log(request: HttpRequest, person, handling: str, detaljer: str) -> None:
    services.adgang_log(bruger=request.user, personer=[person], handling=handling, detaljer=detaljer)


@login_required
@permission_required("registrering.view_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_soeg(request: HttpRequest) -> HttpResponse:
    # The page's own form posts, so a CPR number never lands in a URL or an access log;
    # GET ?q= is kept for integrators (CONTRACT.md).
    q = (request.POST.get("q") if request.method == "POST" else request.GET.get("q", "")) or ""
    resultater, antal = (
        selectors.person_soeg_side(bruger=request.user, q=q, graense=SOEG_GRAENSE) if q.strip() else (None, 0)
    )
    if resultater:
        services.adgang_log(
            bruger=request.user,
            personer=resultater,
            handling=Adgangslog.Handling.SOEG,
            detaljer=_("Fundet ved søgning"),
        )
    if videre := _direkte_til_borger(request, q, resultater):
        return videre
    return render(
        request,
        "registrering/person_soeg.html",
        {
            "q": q,
            "soegning": selectors.soegning_fortolk(q),
            "resultater": beskyttelse.personer_masker(resultater, bruger=request.user) if resultater else resultater,
            "antal": antal,
            "vis_jobcenter": request.user.has_perm("registrering.se_alle_jobcentre"),
        },
    )


def _direkte_til_borger(request: HttpRequest, q: str, resultater) -> HttpResponse | None:
    """Issue 25: a whole CPR number typed in the page's own search box (a POST) that finds
    exactly one citizen of the user's own jobcenter goes straight to the citizen's page, by
    its id (the CPR number stays out of the URL). A name, a birth date, a citizen of another
    jobcenter (an auditor's search), a protected citizen the user may not see, or a GET from
    an integrator keeps the list."""
    soegning = selectors.soegning_fortolk(q)
    if request.method != "POST" or soegning is None or soegning.art != "cpr" or len(resultater or ()) != 1:
        return None
    if request.user.jobcenter_id is None or resultater[0].jobcenter_id != request.user.jobcenter_id:
        return None
    if beskyttelse.er_skjult(bruger=request.user, person=resultater[0]):
        return None  # issue 24: a protected citizen is the masked row, not a page that refuses
    return redirect("registrering:person-detalje", pk=resultater[0].pk)


@login_required
@medarbejder_paakraevet
@require_http_methods(["GET", "POST"])
def person_opret(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = borgere.person_opret(bruger=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_validation_error(form, e)
        else:
            messages.success(request, _("Borgeren %(navn)s er oprettet.") % {"navn": person.navn})
            return redirect("registrering:person-detalje", pk=person.pk)
    return render(request, "registrering/person_opret.html", {"form": form})


@login_required
@permission_required("registrering.view_person", raise_exception=True)
@require_safe  # read-only: 405 to anything but GET and HEAD, before anything is logged
def person_detalje(request: HttpRequest, pk) -> HttpResponse:
    person = _person(request, pk)
    kan_registrere = request.user.has_perm("registrering.add_samtale")
    _log(request, person, Adgangslog.Handling.VIS, _("Borgerens side"))
    filtre = _samtale_filtre(request.GET)
    side = selectors.borgerside(person=person, **filtre)
    return render(
        request,
        "registrering/person_detalje.html",
        side
        | {
            "person": person,
            "filtre": filtre,
            "flere_url": _flere_url(request, filtre),
            "samtale_raekker": raekker.samtale_raekker_html(side["side"].raekker, kan_registrere=kan_registrere),
            "kan_registrere": kan_registrere,
            "kan_flytte": _kan_flytte(request.user, person),
            "Aftale": SamtaletypeRegel.Aftale,
        },
    )


def _samtale_filtre(get) -> dict:
    """The citizen's page's filter (``type``: a samtaletype code, ``aar``) and how many of the
    newest to show (``antal``, in steps of the page size, at most 1,000)."""

    def heltal(navn):
        try:
            return int(get.get(navn, ""))
        except ValueError:
            return None

    antal = heltal("antal") or SAMTALER_PR_SIDE
    return {
        "samtaletype": (get.get("type") or "").strip()[:40] or None,
        "aar": heltal("aar"),
        "antal": min(max(antal, SAMTALER_PR_SIDE), 1000),
    }


def _flere_url(request: HttpRequest, filtre: dict) -> str:
    parametre = request.GET.copy()
    parametre["antal"] = str(filtre["antal"] + SAMTALER_PR_SIDE)
    return f"?{parametre.urlencode()}#samtaler-overskrift"


def _samtale_save(request: HttpRequest, formular: SamtaleFormular, *, person, samtale=None) -> services.Resultat:
    data = formular.samtale_data()
    if samtale is not None:
        return services.samtale_ret(
            samtale=samtale,
            data=data,
            begrundelse=formular.begrundelse,
            bruger=request.user,
            sekvens=formular.sekvens,
        )
    return services.samtale_registrer(
        person=person, data=data, bruger=request.user, engangsnoegle=formular.engangsnoegle
    )


def _samtale_side(request: HttpRequest, *, person, samtale=None) -> HttpResponse:
    """Register (or correct) a conversation: a fresh page, a re-render for another date or
    type (htmx gets the fields only), or a submit (SamtaleFormular says which). A stale
    correction comes back merged on the stored version, with the other person's change."""
    if request.method != "POST":
        detaljer = _("Rettelse af %(s)s") % {"s": samtale} if samtale else _("Registrering af samtale")
        _log(request, person, Adgangslog.Handling.VIS, detaljer)
        formular = SamtaleFormular.fresh(person=person, samtale=samtale, samtaletype=request.GET.get("samtaletype", ""))
    else:
        formular = SamtaleFormular.posted(request.POST, person=person, samtale=samtale)
    konflikt = None
    if formular.is_valid():
        try:
            resultat = _samtale_save(request, formular, person=person, samtale=samtale)
        except services.SamtidigAendring as e:
            konflikt, formular = e, SamtaleFormular.efter_konflikt(request.POST, samtale=samtale)
        except ValidationError as e:
            add_validation_error(formular.form, e)
        else:
            _beskeder(request, resultat, rettet=samtale is not None)
            return redirect("registrering:person-detalje", pk=person.pk)
    skabelon = (
        "registrering/_samtale_felter.html" if request.htmx and formular.rerender else "registrering/samtale_form.html"
    )
    context = {"person": person, "samtale": samtale, "form": formular.form, "formset": formular.formset}
    context |= {"konflikt": konflikt, "begge_aendret": formular.begge_aendret}
    context |= _valghjaelp(request, formular, samtale=samtale)
    return render(request, skabelon, context | {"fejloversigt": formular.error_summary()})


def _valghjaelp(request: HttpRequest, formular: SamtaleFormular, *, samtale) -> dict:
    """Fewer actions without guessing (issue 25): the date's shortcuts (today, yesterday),
    and the samtaleform this caseworker usually uses as a suggestion to confirm with one
    press while the field is empty. Nothing is filled in until the caseworker chooses it."""
    idag = selectors.idag()
    forslag = None
    if samtale is None and not formular.form["samtaleform"].value():
        forslag = selectors.samtaleform_saedvanlig(
            bruger=request.user, dato=formular.form.samtaledato(), samtaletype=formular.form.regler.samtaletype
        )
    return {"idag": idag, "igaar": idag - datetime.timedelta(days=1), "samtaleform_forslag": forslag}


def _beskeder(request, resultat: services.Resultat, *, rettet: bool) -> None:
    samtale = resultat.samtale
    if resultat.allerede_gemt and not rettet:
        messages.info(request, _allerede_registreret(samtale))
        return
    if resultat.ingen_aendring:
        besked = (
            _("Samtalen %(samtale)s indeholder allerede din rettelse. Den er ikke gemt eller indberettet igen.")
            if resultat.allerede_gemt
            else _("Du har ikke ændret noget i samtalen %(samtale)s. Den er ikke rettet og ikke indberettet igen.")
        )
        messages.info(request, besked % {"samtale": samtale})
        return
    besked = _("Samtalen %(samtale)s er rettet.") if rettet else _("Samtalen %(samtale)s er registreret.")
    messages.success(request, besked % {"samtale": samtale})
    for info in _visitation_beskeder(resultat):
        messages.info(request, info)
    if resultat.markering is not None:
        messages.info(request, _("Persongruppemarkeringen »Tidlig opfølgning - fast track« er registreret."))


def _allerede_registreret(samtale):
    """The registration form was sent again (issue 18): nothing new, a link to what is there."""
    return format_html(
        '{} <a href="{}">{}</a>',
        _("Samtalen %(samtale)s er allerede registreret fra denne formular, så den er ikke registreret igen.")
        % {"samtale": samtale},
        reverse("registrering:person-detalje", kwargs={"pk": samtale.person_id}) + f"#samtale-raekke-{samtale.pk}",
        _("Se samtalen"),
    )


def _visitation_beskeder(resultat: services.Resultat) -> list[str]:
    beskeder = [_visitation_besked(resultat)] if _visitation_besked(resultat) else []
    return beskeder + [
        _(
            "Visitationsvurderingen ved %(samtale)s er indberettet igen, fordi vurderingen før den er ændret "
            "(§ 28 nr. 9)."
        )
        % {"samtale": senere}
        for senere in resultat.genindberettet
    ]


def _visitation_besked(resultat: services.Resultat) -> str:
    if resultat.visitation is not None:
        return _("Visitationsgruppen er nu %(gruppe)s med virkning fra %(dato)s (§ 28 stk. 2).") % {
            "gruppe": resultat.visitation.visitationsgruppe.navn,
            "dato": resultat.visitation.gyldig_fra.strftime("%d.%m.%Y"),
        }
    if resultat.visitation_fjernet:
        gaeldende = resultat.gaeldende_visitation
        return _(
            "Samtalens visitationsvurdering er fjernet. Gældende visitationsgruppe er nu %(gruppe)s (§ 28 nr. 9)."
        ) % {"gruppe": gaeldende.visitationsgruppe.navn if gaeldende else _("ingen")}
    if resultat.visitation_uaendret:
        return _(
            "Visitationsgruppen er uændret. Vurderingen er gemt ved samtalen, men indberettes ikke som en ny "
            "visitationsgruppe (§ 28 nr. 9)."
        )
    return ""


@login_required
@medarbejder_paakraevet
@require_http_methods(["GET", "POST"])
def samtale_opret(request: HttpRequest, person_pk) -> HttpResponse:
    return _samtale_side(request, person=_person(request, person_pk))


def _samtale(request: HttpRequest, pk) -> Samtale:
    samtale = get_object_or_404(selectors.samtaler_synlige(bruger=request.user), pk=pk)
    beskyttelse.kraev_adgang(bruger=request.user, person=samtale.person, side=request.resolver_match.url_name)
    return samtale


@login_required
@permission_required("registrering.change_samtale", raise_exception=True)
@require_http_methods(["GET", "POST"])
def samtale_ret(request: HttpRequest, pk) -> HttpResponse:
    samtale = _samtale(request, pk)
    if samtale.er_annulleret:
        messages.error(request, _("Samtalen er annulleret og kan ikke rettes."))
        return redirect("registrering:person-detalje", pk=samtale.person_id)
    return _samtale_side(request, person=samtale.person, samtale=samtale)


@login_required
@permission_required("registrering.change_samtale", raise_exception=True)
@require_http_methods(["GET", "POST"])
def samtale_annuller(request: HttpRequest, pk) -> HttpResponse:
    samtale = _samtale(request, pk)
    form = BegrundelseForm(request.POST or None, initial={"sekvens": samtale.sekvens})
    if samtale.er_annulleret:
        messages.error(request, _("Samtalen er allerede annulleret."))
        return redirect("registrering:person-detalje", pk=samtale.person_id)
    konflikt = None
    if request.method == "POST" and form.is_valid():
        try:
            services.samtale_annuller(samtale=samtale, bruger=request.user, **form.cleaned_data)
        except ValidationError as e:
            samtale.refresh_from_db()
            konflikt, form = _konflikt(form, e, sekvens=samtale.sekvens)
        else:
            messages.success(request, _("Samtalen %(samtale)s er annulleret.") % {"samtale": samtale})
            return redirect("registrering:person-detalje", pk=samtale.person_id)
    if request.method == "GET":  # the conversation's content is shown: a read like any other
        _log(request, samtale.person, Adgangslog.Handling.VIS, _("Annullering af samtale"))
    # What is being cancelled, as the citizen's page shows it (without its buttons).
    indhold = raekker.samtale_raekke_html(samtale=samtale)
    return render(
        request,
        "registrering/samtale_annuller.html",
        {"samtale": samtale, "person": samtale.person, "form": form, "indhold": indhold, "konflikt": konflikt},
    )


def _konflikt(form, fejl: ValidationError, *, sekvens: int):
    """A refused post on a simple form: a stale version (``SamtidigAendring``) comes back
    with what the caseworker typed, the other person's change and the stored version in the
    hidden ``sekvens`` (saving again is then a decision); other refusals at their fields."""
    if not isinstance(fejl, services.SamtidigAendring):
        add_validation_error(form, fejl)
        return None, form
    data = form.data.copy()
    data["sekvens"] = str(sekvens)
    return fejl, type(form)(data)


@login_required
@medarbejder_paakraevet
@require_http_methods(["GET", "POST"])
def person_ret(request: HttpRequest, pk) -> HttpResponse:
    """DFDG order § 16: a new period of the citizen's kontaktgruppe and a-kasse from a date."""
    person = _person(request, pk)
    form = PersonRetForm.for_person(request.POST or None, person=person)
    konflikter, konflikt = [], None
    if request.method == "POST" and form.is_valid():
        try:
            periode = borgere.person_ret(person=person, bruger=request.user, **form.cleaned_data)
        except borgere.PeriodeKonflikt as e:
            konflikter = e.konflikter
            add_validation_error(form, e)
        except ValidationError as e:
            person._perioder = None
            konflikt, form = _konflikt(form, e, sekvens=len(selectors.perioder(person=person)))
        else:
            _periode_beskeder(request, periode)
            if beskyttelse.er_skjult(bruger=request.user, person=person):
                return redirect("registrering:person-soeg")  # protected now: not for this user
            return redirect("registrering:person-detalje", pk=person.pk)
    elif request.method == "GET":
        _log(request, person, Adgangslog.Handling.VIS, _("Ændring af kontaktgruppe og a-kasse"))
    context = {"person": person, "form": form, "konflikter": konflikter, "konflikt": konflikt}
    return render(request, "registrering/person_ret.html", context | {"perioder": selectors.perioder(person=person)})


def _periode_beskeder(request: HttpRequest, periode) -> None:
    fra = periode.gyldig_fra.strftime("%d.%m.%Y")
    messages.success(request, _("Kontaktgruppe og a-kasse er ændret fra %(dato)s.") % {"dato": fra})
    if periode.videresendelser:
        # § 28 stk. 5 over time: what the period re-routed, for the caseworker and team lead.
        messages.info(
            request,
            _("Samtaler i perioden er indberettet igen: %(liste)s")
            % {"liste": " ".join(periode.videresendelser_tekster())},
        )


def _kan_flytte(bruger, person) -> bool:
    """An administrator (every jobcenter), or a team lead of the citizen's current jobcenter."""
    if not bruger.has_perm("registrering.flyt_person"):
        return False
    return bruger.has_perm("registrering.se_alle_jobcentre") or (
        bruger.jobcenter_id is not None and bruger.jobcenter_id == person.jobcenter_id
    )


@login_required
@permission_required("registrering.view_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_flyt(request: HttpRequest, pk) -> HttpResponse:
    person = _person(request, pk)
    if not _kan_flytte(request.user, person):
        raise PermissionDenied
    form = PersonFlytForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            borgere.person_flyt(person=person, bruger=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_validation_error(form, e)
        else:
            messages.success(
                request,
                _("%(navn)s er flyttet til %(jc)s.") % {"navn": person.navn, "jc": form.cleaned_data["jobcenter"]},
            )
            if selectors.person_synlig(bruger=request.user, pk=person.pk):
                return redirect("registrering:person-detalje", pk=person.pk)
            return redirect("registrering:person-soeg")
    elif request.method == "GET":
        _log(request, person, Adgangslog.Handling.VIS, _("Flytning til andet jobcenter"))
    return render(request, "registrering/person_flyt.html", {"person": person, "form": form})


@login_required
@require_safe
def forside(request: HttpRequest) -> HttpResponse:
    """Citizens go to their own conversations; staff see their own latest registrations,
    the citizens they viewed recently, and the search box."""
    if request.user.person_id is not None:
        return redirect("registrering:mine-samtaler")
    if not request.user.has_perm("registrering.view_person"):
        raise PermissionDenied
    egne = selectors.samtaler_registreret_af(bruger=request.user)
    set_ = selectors.personer_set_nylig(bruger=request.user)
    viste = list(dict.fromkeys([r["person_id"] for r in egne] + [r["person_id"] for r in set_]))
    if viste:
        # Their names are citizen data read again: logged, under their own action, so the
        # start page does not feed its own list of recently viewed citizens.
        services.adgang_log(
            bruger=request.user, personer=viste, handling=Adgangslog.Handling.OVERSIGT, detaljer=_("Forsiden")
        )
    egne = beskyttelse.raekker_masker(egne, bruger=request.user, navn="person_navn")
    set_ = beskyttelse.raekker_masker(set_, bruger=request.user)
    return render(request, "registrering/forside.html", {"egne": egne, "set": set_})


@login_required
@permission_required("registrering.view_person", raise_exception=True)
@require_safe
def aftale_udskriv(request: HttpRequest, pk) -> HttpResponse:
    """The citizen's current agreement on paper, to hand to the citizen."""
    person = _person(request, pk)
    _log(request, person, Adgangslog.Handling.EKSPORT, _("Udskrift af gældende aftale"))
    arter = aftaletyper(kontaktgruppe=person.kontaktgruppe, dato=selectors.idag())
    return render(
        request,
        "registrering/aftale_udskriv.html",
        {
            "person": person,
            "aftaler": selectors.aftaler_gaeldende(person=person, aftaletyper=arter),
            "idag": selectors.idag(),
            "Aftale": SamtaletypeRegel.Aftale,
        },
    )


@login_required
@permission_required("registrering.se_historik", raise_exception=True)
@require_safe
def person_historik(request: HttpRequest, pk) -> HttpResponse:
    person = _person(request, pk)
    dato_form = VisitationPaaDatoForm(request.GET or None)
    paa_dato = None
    if dato_form.is_valid():
        paa_dato = selectors.visitation_i_kraft_siden(person=person, dato=dato_form.cleaned_data["dato"])
    _log(request, person, Adgangslog.Handling.HISTORIK, _("Revisionsspor"))
    return render(
        request,
        "registrering/person_historik.html",
        {
            "person": person,
            "poster": historik.historik_for_person(person=person),
            "dato_form": dato_form,
            "paa_dato": paa_dato,
            "adgange": selectors.adgangslog_for_person(person=person)[:50],
        },
    )


@login_required
@permission_required("registrering.se_historik", raise_exception=True)
@require_safe
def person_adgangslog(request: HttpRequest, pk) -> HttpResponse:
    """The access log for one citizen as CSV for Danish Excel (csv_export: BOM, semicolons,
    formula cells neutralised); the export is itself logged (and included).

    The name is the user's name when the row was written; rows from before that column
    existed show today's name, marked so."""
    person = _person(request, pk)
    _log(request, person, Adgangslog.Handling.EKSPORT, _("Adgangslog eksporteret som CSV"))
    return excel_csv_response(
        filename=f"adgangslog-{person.pk}.csv",
        header=[_("Tidspunkt"), _("Bruger"), _("Navn"), _("Handling"), _("Formål"), _("Detaljer")],
        rows=_adgangslog_csv_rows(person),
    )


def _adgangslog_csv_rows(person):
    nuvaerende = _("(nuværende navn)")
    return (
        [
            timezone.localtime(r.tidspunkt).strftime("%Y-%m-%d %H:%M:%S"),
            r.bruger.username,
            r.bruger_navn or f"{r.bruger.get_full_name()} {nuvaerende}".strip(),
            capfirst(r.get_handling_display()),
            r.formaal,
            r.detaljer,
        ]
        for r in selectors.adgangslog_for_person(person=person).iterator(chunk_size=2000)
    )


@login_required
@require_safe
def mine_samtaler(request: HttpRequest) -> HttpResponse:
    """§ 28 stk. 6: the citizen's own held conversations and current agreement, as on Jobnet."""
    person = request.user.person
    if person is None:
        raise PermissionDenied
    _log(request, person, Adgangslog.Handling.INDSIGT, _("Mine samtaler"))
    return render(
        request,
        "registrering/mine_samtaler.html",
        {
            "person": person,
            "samtaler": selectors.samtaler_for_borger(person=person),
            "aftale": selectors.aftale_gaeldende(person=person),
        },
    )


@login_required
@require_safe
def borger_indsigt(request: HttpRequest) -> HttpResponse:
    """GDPR art. 15: the logged-in citizen's insight (registrering/indsigt.py); logged
    first, like any read, so the page shows this view too. ``?format=json``: all of it."""
    person = request.user.person
    if person is None:
        raise PermissionDenied
    som_json = request.GET.get("format") == "json"
    _log(request, person, Adgangslog.Handling.INDSIGT, _("Indsigt (JSON)") if som_json else _("Indsigt"))
    data = indsigt.borger_indsigt(person=person)
    if som_json:
        svar = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        svar["Content-Disposition"] = 'attachment; filename="mine-data.json"'
        return svar
    return render(request, "registrering/borger_indsigt.html", data)


@login_required
@permission_required("registrering.se_statistik", raise_exception=True)
@require_http_methods(["GET", "HEAD"])
def statistik(request: HttpRequest) -> HttpResponse:
    """The team lead's statistics for their own jobcenter; auditors and administrators may
    choose one (or all). Counts only, no citizen: nothing for the access log. A CSV asked
    for with a period the form refuses is refused too (400, the page with the error at the
    field), never the default period's figures under the asked-for name."""
    form = statistikmodul.StatistikForm(request.GET or None, bruger=request.user, idag=selectors.idag())
    if not form.vaelg_jobcenter and request.user.jobcenter_id is None:
        raise PermissionDenied
    fra, til = form.periode()
    valgt = form.jobcenter_valgt()
    s = statistikmodul.statistik(jobcenter_id=valgt.pk if valgt else None, fra=fra, til=til)
    csv = request.GET.get("format") == "csv"
    if csv and not (form.is_bound and form.errors):
        return excel_csv_response(
            filename=f"samtaler-pr-samtaletype-{fra:%Y%m%d}-{til:%Y%m%d}.csv",
            header=["samtaletype", "navn", "antal"],
            rows=[(t["kode"], t["navn"], t["antal"]) for t in s.pr_type],
        )
    context = {"form": form, "s": s, "jobcenter": valgt, "diagram": statistikmodul.soejler(s.uger)}
    context["csv_query"] = form.csv_query(fra=fra, til=til, jobcenter=valgt)
    return render(request, "registrering/statistik.html", context, status=400 if csv else 200)
