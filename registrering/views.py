"""Thin views: parse, call a selector or a service, render."""

from __future__ import annotations

import re
import uuid
import zlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from samtaler_site.csv_export import excel_csv_response

from samtaler_site.csv_export import excel_csv_response

from . import kodecache, selectors, services
from .forms import (
    DELTAGERE_PREFIX,
    VisitationPaaDatoForm,
    BegrundelseForm,
    DeltagerFormSet,
    PersonFlytForm,
    PersonForm,
    PersonRetForm,
    SamtaleForm,
    SamtaleRetForm,
)
from .models import Adgangslog, Samtale
from .regler import aftaletyper, kontaktgruppe_regler

# Buttons that re-render the registration form without saving (htmx and no-JavaScript alike).
OPDATER = "_opdater"
TILFOEJ_DELTAGER = "_tilfoej_deltager"
FJERN_DELTAGER = "_fjern_deltager"

medarbejder_paakraevet = permission_required("registrering.add_samtale", raise_exception=True)


def _person(request: HttpRequest, pk):
    return get_object_or_404(selectors.personer_synlige(bruger=request.user), pk=pk)


@login_required
@permission_required("registrering.view_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_soeg(request: HttpRequest) -> HttpResponse:
    # The page's own form posts, so a CPR number never lands in a URL or an access log;
    # GET ?q= is kept for integrators (CONTRACT.md).
    q = (request.POST.get("q") if request.method == "POST" else request.GET.get("q", "")) or ""
    resultater, antal = selectors.person_soeg_side(bruger=request.user, q=q, graense=SOEG_GRAENSE) if q.strip() else (None, 0)
    if resultater:
        services.adgang_log(bruger=request.user, personer=resultater, handling=Adgangslog.Handling.SOEG, detaljer=_("Fundet ved søgning"))
    return render(
        request,
        "registrering/person_soeg.html",
        {
            "q": q,
            "soegning": selectors.soegning_fortolk(q),
            "resultater": resultater,
            "antal": antal,
            "vis_jobcenter": request.user.has_perm("registrering.se_alle_jobcentre"),
        },
    )


@login_required
@medarbejder_paakraevet
@require_http_methods(["GET", "POST"])
def person_opret(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_opret(bruger=request.user, **form.cleaned_data)
        except ValidationError as e:
            _fejl_paa_form(form, e)
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
    services.adgang_log(bruger=request.user, personer=[person], handling=Adgangslog.Handling.VIS, detaljer=_("Borgerens side"))
    filtre = _samtale_filtre(request.GET)
    side = selectors.samtale_side(person=person, **filtre)
    idag = selectors.idag()
    kg = kontaktgruppe_regler(kontaktgruppe=person.kontaktgruppe, dato=idag)
    arter = aftaletyper(kontaktgruppe=person.kontaktgruppe, dato=idag)
    aftaler, cv_vurdering = selectors.aftaler_og_cv(person=person, side=side, aftaletyper=arter)
    visitationer = selectors.visitation_tidslinje(person=person)
    # § 28 nr. 9: the visitation card only where visitation applies (or has been registered).
    vis_visitation = bool(kg["visitationsgrupper"]) or bool(visitationer)
    return render(
        request,
        "registrering/person_detalje.html",
        {
            "person": person,
            "side": side,
            "filtre": filtre,
            "flere_url": _flere_url(request, filtre),
            "samtale_raekker": _samtale_raekker(side.raekker, kan_registrere=kan_registrere),
            "aftaler": aftaler,
            "aftaletyper": arter,
            "vis_visitation": vis_visitation,
            "visitation": selectors.visitationsgruppe_paa_dato(person=person, dato=idag) if vis_visitation else None,
            "visitationer": visitationer,
            "markeringer": selectors.markeringer_aktive(person=person),
            # § 28 stk. 4: the CV judgement only where it applies (or was once made).
            "vis_cv": kg["cv_vurdering"] or cv_vurdering is not None,
            "cv_vurdering": cv_vurdering,
            "kan_registrere": kan_registrere,
            "perioder": selectors.perioder(person=person),
            "kan_flytte": _kan_flytte(request.user, person),
        },
    )


SAMTALER_PR_SIDE = 20
SOEG_GRAENSE = 50


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


_MAERKE = uuid.UUID(int=0xFEEDFACE_0000_4000_8000_000000000000)  # no conversation has this id


def _samtale_raekker(raekker: list[dict], *, kan_registrere: bool) -> list[str]:
    """The citizen's conversations (rows of ``selectors.samtale_raekker``, not yet completed)
    as rendered rows, newest held first.

    A conversation's row changes only with its ``sekvens`` (every correction and
    cancellation counts it up), its reporting state (``indberetning_noegle``, read in the
    same row query), the registrant's name and the code lists' names, so a rendered row is
    cached under all of them
    (``kodecache.version()``, which every change of a code list renews) and never
    needs invalidating. The page reads every row (one query, also when all are cached) and
    completes and renders only those not in the cache, so its cost hardly grows with the citizen's history. The cache
    is per process (see CACHES); the one-hour expiry only bounds its size.
    """
    sprog = get_language()
    koder = kodecache.version()

    def noegle(r) -> str:
        # The reporting state changes without a new sekvens (sent, receipted, refused), and the
        # registrant's name can change without the conversation changing: both are part of
        # the key (the name as a short digest; both read in the same query as the row).
        navn = zlib.crc32(f"{r['af_fornavn']}\x1f{r['af_efternavn']}\x1f{r['af_brugernavn']}".encode())
        return f"samtale-raekke:{r['pk']}:{r['sekvens']}:{r['indberetning_noegle']}:{navn:08x}:{int(kan_registrere)}:{sprog}:{koder}"

    noegler = {r["pk"]: noegle(r) for r in raekker}
    cachede = cache.get_many(list(noegler.values()))
    mangler = [r for r in raekker if noegler[r["pk"]] not in cachede]
    if mangler:
        selectors.samtale_raekker_udfyld(mangler)
        raekke = engines["jinja2"].env.get_template("registrering/_samtale_raekke.html").module.raekke
        # Each route reversed once for all rows (a UUID never changes a URL's shape).
        ret, annuller = (reverse(navn, kwargs={"pk": _MAERKE}) for navn in ("registrering:samtale-ret", "registrering:samtale-annuller"))
        nye = {}
        for s in mangler:
            s["ret_url"], s["annuller_url"] = ret.replace(str(_MAERKE), str(s["pk"])), annuller.replace(str(_MAERKE), str(s["pk"]))
            nye[noegler[s["pk"]]] = raekke(s, kan_registrere)
        cache.set_many(nye, 3600)
        cachede |= nye
    # The rows are Markup (Jinja2's autoescaped output), kept so through the cache's pickling:
    # Django's template does not escape them again, and nothing is marked safe by hand.
    return [cachede[noegler[r["pk"]]] for r in raekker]


def _fejl_paa_form(form, fejl: ValidationError) -> None:
    if hasattr(fejl, "error_dict"):
        for felt, beskeder in fejl.message_dict.items():
            for besked in beskeder:
                form.add_error(felt if felt in form.fields else None, besked)
    else:
        for besked in fejl.messages:
            form.add_error(None, besked)


def _med_formset_styring(data):
    """Integrators may post participants as ``deltagere-N-navn`` … without Django's
    management fields (or no participants at all): count the rows instead of refusing."""
    if f"{DELTAGERE_PREFIX}-TOTAL_FORMS" in data:
        return data
    numre = [int(m.group(1)) for k in data for m in [re.match(rf"^{DELTAGERE_PREFIX}-([0-9]+)-", k)] if m]
    data = data.copy()
    data[f"{DELTAGERE_PREFIX}-TOTAL_FORMS"] = str(min(max(numre) + 1, 30) if numre else 0)
    data[f"{DELTAGERE_PREFIX}-INITIAL_FORMS"] = "0"
    return data


def _deltager_raekker(data) -> list[dict]:
    """The participant rows as posted, without validating them (for a re-render)."""
    try:
        antal = min(int(data.get(f"{DELTAGERE_PREFIX}-TOTAL_FORMS", 0)), 30)
    except ValueError:
        antal = 0
    raekker = []
    for i in range(antal):
        raekke = {f: data.get(f"{DELTAGERE_PREFIX}-{i}-{f}", "") for f in ("navn", "rolle", "deltagelsesform")}
        if data.get(f"{DELTAGERE_PREFIX}-{i}-DELETE"):
            continue
        raekker.append(raekke)
    return raekker


def _ikke_valideret(form) -> None:
    """Render a bound form as entered, without error messages (a re-render, not a submit)."""
    from django.forms.utils import ErrorDict

    form._errors = ErrorDict()


def _samtale_side(request: HttpRequest, *, person, samtale=None) -> HttpResponse:
    form_klasse = SamtaleRetForm if samtale else SamtaleForm
    formset_kw = {"prefix": DELTAGERE_PREFIX}
    post = request.POST if request.method == "POST" else None
    opdater = post is not None and (OPDATER in post or TILFOEJ_DELTAGER in post or FJERN_DELTAGER in post)

    if post is not None:
        post = _med_formset_styring(post)
    if post is not None and not opdater:
        form = form_klasse(post, person=person, samtale=samtale)
        formset = DeltagerFormSet(post, form_kwargs={"dato": form._dato()}, **formset_kw)
        if form.is_valid() and formset.is_valid():
            data = form.samtale_data(formset.deltagere())
            try:
                if samtale:
                    resultat = services.samtale_ret(
                        samtale=samtale, data=data, begrundelse=form.cleaned_data["begrundelse"], bruger=request.user, regler=form.regler
                    )
                else:
                    resultat = services.samtale_registrer(person=person, data=data, bruger=request.user, regler=form.regler)
            except ValidationError as e:
                _fejl_paa_form(form, e)
            else:
                _beskeder(request, resultat, rettet=samtale is not None)
                return redirect("registrering:person-detalje", pk=person.pk)
    elif post is not None:
        # Re-render with what was typed: the type may have changed, a row added or removed.
        form = form_klasse(post, person=person, samtale=samtale)
        gaeldende = selectors.aftale_gaeldende(person=person)
        if form.regler.aftale == "bindende" and "aftale" not in post and gaeldende is not None and samtale is None:
            # The agreement field was not on the page before this type was chosen: start it
            # from the current binding agreement (§ 28 nr. 5), as a fresh page would.
            post = post.copy()
            post["aftale"] = gaeldende.aftale
            form = form_klasse(post, person=person, samtale=samtale)
        elif not form.regler.aftale and gaeldende is not None and post.get("aftale", "").strip() == gaeldende.aftale.strip():
            # Switching to a type without an agreement: the untouched copy of the current
            # agreement goes away with the field. Text the caseworker wrote stays, and is
            # refused at the field on submit, so nothing typed is silently dropped.
            post = post.copy()
            del post["aftale"]
            form = form_klasse(post, person=person, samtale=samtale)
        _ikke_valideret(form)
        raekker = _deltager_raekker(post)
        if FJERN_DELTAGER in post:
            try:
                del raekker[int(post[FJERN_DELTAGER])]
            except (ValueError, IndexError):
                pass
        if TILFOEJ_DELTAGER in post:
            raekker.append({"navn": "", "rolle": "", "deltagelsesform": ""})
        formset = DeltagerFormSet(initial=raekker, form_kwargs={"dato": form._dato()}, **formset_kw)
    else:
        services.adgang_log(
            bruger=request.user,
            personer=[person],
            handling=Adgangslog.Handling.VIS,
            detaljer=_("Rettelse af %(s)s") % {"s": samtale} if samtale else _("Registrering af samtale"),
        )
        initial = _startvaerdier(request, person=person, samtale=samtale)
        form = form_klasse(initial=initial, person=person, samtale=samtale)
        if samtale is None and form.regler.aftale == "fleksjob":
            form.initial.pop("aftale", None)  # the fleksjob agreement (nr. 6) is its own
        raekker = (
            [
                {"navn": d.navn, "rolle": d.rolle.kode, "deltagelsesform": d.deltagelsesform.kode}
                for d in samtale.deltagere.filter(aktiv=True).select_related("rolle", "deltagelsesform")
            ]
            if samtale
            else []
        )
        formset = DeltagerFormSet(initial=raekker, form_kwargs={"dato": form._dato()}, **formset_kw)

    context = {
        "person": person,
        "samtale": samtale,
        "form": form,
        "formset": formset,
        "fejloversigt": _fejloversigt(form, formset) if post is not None and not opdater else [],
        "aftale_gaeldende": selectors.aftale_gaeldende(person=person),
    }
    skabelon = "registrering/samtale_form.html"
    if request.htmx and opdater:
        skabelon = "registrering/_samtale_felter.html"
    return render(request, skabelon, context)


def _fejloversigt(form, formset) -> list[tuple[str, str, str]]:
    """Every error of a refused submit, each linking to its field (WCAG 3.3.1)."""
    oversigt = [("", "", e) for e in form.non_field_errors()]
    for navn, fejl in form.errors.items():
        if navn != "__all__" and navn in form.fields:
            oversigt += [(form[navn].id_for_label, str(form.fields[navn].label).rstrip("*"), e) for e in fejl]
    if formset.is_bound:
        oversigt += [("", "", e) for e in formset.non_form_errors()]
        for nr, f in enumerate(formset.forms, start=1):
            for navn, fejl in f.errors.items():
                if navn in f.fields:
                    etiket = _("Deltager %(nr)s: %(felt)s") % {"nr": nr, "felt": str(f.fields[navn].label).lower()}
                    oversigt += [(f[navn].id_for_label, etiket, e) for e in fejl]
    return oversigt


def _startvaerdier(request: HttpRequest, *, person, samtale=None) -> dict:
    if samtale is not None:
        seneste = samtale.visitationer.order_by("-registreret").first()
        return {
            "dato": samtale.dato,
            "samtaletype": samtale.samtaletype.kode,
            "samtaleform": samtale.samtaleform.kode,
            "aftale": samtale.aftale,
            "saerlig_indsats": samtale.saerlig_indsats,
            "akasse_deltagelse": samtale.akasse_deltagelse.kode if samtale.akasse_deltagelse else "",
            "praktiske_aftaler": samtale.praktiske_aftaler,
            "visitationsgruppe": seneste.visitationsgruppe.kode if seneste else "",
            "tidlig_opfoelgning": samtale.tidlig_opfoelgning,
            "cv_ikke_fyldestgoerende": samtale.cv_ikke_fyldestgoerende,
        }
    initial = {"dato": selectors.idag(), "samtaletype": request.GET.get("samtaletype", "")}
    # § 28 nr. 5: the form starts from the current binding agreement, so no obligation is
    # silently dropped by the next conversation.
    gaeldende = selectors.aftale_gaeldende(person=person)
    if gaeldende is not None:
        initial["aftale"] = gaeldende.aftale
    return initial


def _beskeder(request, resultat: services.Resultat, *, rettet: bool) -> None:
    samtale = resultat.samtale
    if resultat.ingen_aendring:
        messages.info(
            request,
            _("Du har ikke ændret noget i samtalen %(samtale)s. Den er ikke rettet og ikke indberettet igen.") % {"samtale": samtale},
        )
        return
    if rettet:
        messages.success(request, _("Samtalen %(samtale)s er rettet.") % {"samtale": samtale})
    else:
        messages.success(request, _("Samtalen %(samtale)s er registreret.") % {"samtale": samtale})
    if resultat.visitation is not None:
        messages.info(
            request,
            _("Visitationsgruppen er nu %(gruppe)s med virkning fra %(dato)s (§ 28 stk. 2).")
            % {"gruppe": resultat.visitation.visitationsgruppe.navn, "dato": resultat.visitation.gyldig_fra.strftime("%d.%m.%Y")},
        )
    elif resultat.visitation_fjernet:
        gaeldende = resultat.gaeldende_visitation
        messages.info(
            request,
            _("Samtalens visitationsændring er fjernet. Gældende visitationsgruppe er nu %(gruppe)s (§ 28 nr. 9).")
            % {"gruppe": gaeldende.visitationsgruppe.navn if gaeldende else _("ingen")},
        )
    elif resultat.visitation_uaendret:
        messages.info(
            request,
            _("Visitationsgruppen er uændret; der er ikke registreret en ny visitation (§ 28 nr. 9)."),
        )
    if resultat.markering is not None:
        messages.info(request, _("Persongruppemarkeringen »Tidlig opfølgning - fast track« er registreret."))


@login_required
@medarbejder_paakraevet
@require_http_methods(["GET", "POST"])
def samtale_opret(request: HttpRequest, person_pk) -> HttpResponse:
    return _samtale_side(request, person=_person(request, person_pk))


def _samtale(request: HttpRequest, pk) -> Samtale:
    return get_object_or_404(
        Samtale.objects.select_related("person__kontaktgruppe", "samtaletype", "samtaleform", "akasse_deltagelse").filter(
            person__in=selectors.personer_synlige(bruger=request.user)
        ),
        pk=pk,
    )


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
    form = BegrundelseForm(request.POST or None)
    if samtale.er_annulleret:
        messages.error(request, _("Samtalen er allerede annulleret."))
        return redirect("registrering:person-detalje", pk=samtale.person_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.samtale_annuller(samtale=samtale, begrundelse=form.cleaned_data["begrundelse"], bruger=request.user)
        except ValidationError as e:
            _fejl_paa_form(form, e)
        else:
            messages.success(request, _("Samtalen %(samtale)s er annulleret.") % {"samtale": samtale})
            return redirect("registrering:person-detalje", pk=samtale.person_id)
    # What is being cancelled, as the citizen's page shows it (without its buttons).
    (indhold,) = _samtale_raekker(selectors.samtale_raekker(person=samtale.person, pk=samtale.pk), kan_registrere=False)
    return render(
        request, "registrering/samtale_annuller.html", {"samtale": samtale, "person": samtale.person, "form": form, "indhold": indhold}
    )


@login_required
@medarbejder_paakraevet
@require_http_methods(["GET", "POST"])
def person_ret(request: HttpRequest, pk) -> HttpResponse:
    """DFDG order § 16: a new period of the citizen's kontaktgruppe and a-kasse from a date."""
    person = _person(request, pk)
    form = PersonRetForm(request.POST or None)
    konflikter = []
    if request.method == "POST" and form.is_valid():
        try:
            services.person_ret(person=person, bruger=request.user, **form.cleaned_data)
        except services.PeriodeKonflikt as e:
            konflikter = e.konflikter
            _fejl_paa_form(form, e)
        except ValidationError as e:
            _fejl_paa_form(form, e)
        else:
            messages.success(request, _("Kontaktgruppe og a-kasse er ændret fra %(dato)s.") % {"dato": form.cleaned_data["gyldig_fra"].strftime("%d.%m.%Y")})
            return redirect("registrering:person-detalje", pk=person.pk)
    elif request.method == "GET":
        services.adgang_log(bruger=request.user, personer=[person], handling=Adgangslog.Handling.VIS, detaljer=_("Ændring af kontaktgruppe og a-kasse"))
    return render(request, "registrering/person_ret.html", {"person": person, "form": form, "konflikter": konflikter, "perioder": selectors.perioder(person=person)})


def _kan_flytte(bruger, person) -> bool:
    """An administrator (every jobcenter), or a team lead of the citizen's current jobcenter."""
    if not bruger.has_perm("registrering.flyt_person"):
        return False
    return bruger.has_perm("registrering.se_alle_jobcentre") or (bruger.jobcenter_id is not None and bruger.jobcenter_id == person.jobcenter_id)


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
            services.person_flyt(person=person, bruger=request.user, **form.cleaned_data)
        except ValidationError as e:
            _fejl_paa_form(form, e)
        else:
            messages.success(request, _("%(navn)s er flyttet til %(jc)s.") % {"navn": person.navn, "jc": form.cleaned_data["jobcenter"]})
            if selectors.personer_synlige(bruger=request.user).filter(pk=person.pk).exists():
                return redirect("registrering:person-detalje", pk=person.pk)
            return redirect("registrering:person-soeg")
    elif request.method == "GET":
        services.adgang_log(bruger=request.user, personer=[person], handling=Adgangslog.Handling.VIS, detaljer=_("Flytning til andet jobcenter"))
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
        services.adgang_log(bruger=request.user, personer=viste, handling=Adgangslog.Handling.OVERSIGT, detaljer=_("Forsiden"))
    return render(request, "registrering/forside.html", {"egne": egne, "set": set_})


@login_required
@permission_required("registrering.view_person", raise_exception=True)
@require_safe
def aftale_udskriv(request: HttpRequest, pk) -> HttpResponse:
    """The citizen's current agreement on paper, to hand to the citizen."""
    person = _person(request, pk)
    services.adgang_log(bruger=request.user, personer=[person], handling=Adgangslog.Handling.EKSPORT, detaljer=_("Udskrift af gældende aftale"))
    arter = aftaletyper(kontaktgruppe=person.kontaktgruppe, dato=selectors.idag())
    return render(
        request,
        "registrering/aftale_udskriv.html",
        {"person": person, "aftaler": selectors.aftaler_gaeldende(person=person, aftaletyper=arter), "idag": selectors.idag()},
    )


@login_required
@permission_required("registrering.se_historik", raise_exception=True)
@require_safe
def person_historik(request: HttpRequest, pk) -> HttpResponse:
    person = _person(request, pk)
    dato_form = VisitationPaaDatoForm(request.GET or None)
    paa_dato = None
    if dato_form.is_valid():
        paa_dato = selectors.visitationsgruppe_paa_dato(person=person, dato=dato_form.cleaned_data["dato"])
    services.adgang_log(bruger=request.user, personer=[person], handling=Adgangslog.Handling.HISTORIK, detaljer=_("Revisionsspor"))
    return render(
        request,
        "registrering/person_historik.html",
        {
            "person": person,
            "poster": selectors.historik_for_person(person=person),
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
    services.adgang_log(bruger=request.user, personer=[person], handling=Adgangslog.Handling.EKSPORT, detaljer=_("Adgangslog eksporteret som CSV"))
    nuvaerende = _("(nuværende navn)")
    raekker = (
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
    return excel_csv_response(
        filename=f"adgangslog-{person.pk}.csv",
        header=[_("Tidspunkt"), _("Bruger"), _("Navn"), _("Handling"), _("Formål"), _("Detaljer")],
        rows=raekker,
    )


@login_required
@require_safe
def mine_samtaler(request: HttpRequest) -> HttpResponse:
    """§ 28 stk. 6: the citizen's own held conversations and current agreement, as on Jobnet."""
    person = request.user.person
    if person is None:
        raise PermissionDenied
    services.adgang_log(bruger=request.user, personer=[person], handling=Adgangslog.Handling.INDSIGT, detaljer=_("Mine samtaler"))
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
@permission_required("registrering.se_statistik", raise_exception=True)
@require_http_methods(["GET", "HEAD"])
def statistik(request: HttpRequest) -> HttpResponse:
    """The team lead's statistics for their own jobcenter; auditors and administrators may
    choose one (or all). Counts only, no citizen: nothing for the access log."""
    from . import statistik as stat

    vaelg = request.user.is_superuser or request.user.has_perm("registrering.se_alle_jobcentre")
    if not vaelg and request.user.jobcenter_id is None:
        raise PermissionDenied
    form = stat.StatistikForm(request.GET or None, vaelg_jobcenter=vaelg, idag=selectors.idag())
    fra, til = form.periode()
    if vaelg:
        valgt = form.cleaned_data.get("jobcenter") if form.is_valid() else None
    else:
        valgt = request.user.jobcenter
    s = stat.statistik(jobcenter_id=valgt.pk if valgt else None, fra=fra, til=til)
    if request.GET.get("format") == "csv":
        return excel_csv_response(
            filename=f"samtaler-pr-samtaletype-{fra:%Y%m%d}-{til:%Y%m%d}.csv",
            header=["samtaletype", "navn", "antal"],
            rows=[(t["kode"], t["navn"], t["antal"]) for t in s.pr_type],
        )
    return render(
        request,
        "registrering/statistik.html",
        {"form": form, "s": s, "jobcenter": valgt, "diagram": stat.soejler(s.uger), "csv_query": _med_format_csv(request)},
    )


def _med_format_csv(request: HttpRequest) -> str:
    q = request.GET.copy()
    q["format"] = "csv"
    return q.urlencode()
