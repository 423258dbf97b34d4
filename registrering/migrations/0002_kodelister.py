"""The code lists and the § 28 rule table as in force from 2020-01-01 (BEK 1798/2020).

Codes from ../shared/CONTRACT.md and ../shared/domain/kodelister.md. Later changes are
admin edits with validity dates, not migrations.
"""

import datetime

from django.db import migrations

FRA = datetime.date(2020, 1, 1)

KONTAKTGRUPPER = [
    ("1", "Dagpengemodtagere"),
    ("2", "Kontanthjælpsmodtagere (inkl. overgangsydelse)"),
    ("3", "Uddannelseshjælpsmodtagere"),
    ("4", "Sygedagpengemodtagere"),
    ("5", "Jobafklaringsforløb"),
    ("6", "Ressourceforløb"),
    ("7", "Revalidering"),
    ("8", "Ikke fastlagt (foreløbig)"),
    ("9", "Fleksjobvisiterede (inkl. ledighedsydelse)"),
    ("10", "Førtidspensionister"),
    ("11", "Øvrige / selvforsørgende"),
    ("12", "Selvforsørgelses- og hjemrejseydelse / overgangsydelse"),
]

# code, name, aftale ("", "bindende", "fleksjob"), særlig indsats, a-kasse deltagelse, praktiske aftaler
SAMTALETYPER = [
    ("7", "Jobsamtale", "bindende", True, False, False),
    ("19", "Fælles jobsamtale med dagpengemodtager og a-kasse", "bindende", True, True, False),
    ("901", "Integrationssamtale", "bindende", True, False, False),
    ("902", "Fleksjobopfølgningssamtale", "fleksjob", False, False, False),
    ("4", "Opfølgningssamtale", "", False, False, True),
    ("8", "Henvisning", "", False, False, True),
    ("9", "Informationsmøde", "", False, False, True),
    ("10", "CV samtale", "", False, False, True),
    ("11", "Formidlingssamtale", "", False, False, True),
    ("12", "Anden samtale", "", False, False, True),
    ("13", "Informationsmøde uden mødepligt", "", False, False, True),
    ("15", "Rådighedssamtale", "", False, False, True),
]
# Default matrix (kodelister.md): 19 only for 1, 901 only for 12, 902 only for 9.
KUN_FOR = {"19": {"1"}, "901": {"12"}, "902": {"9"}}

FORMER = [
    ("1", "Personlig"),
    ("2", "Telefonisk"),
    ("3", "Brev"),
    ("4", "Digital"),
    ("5", "Videokonference"),
    ("6", "Møde direkte på arbejde"),
]

ROLLER = [
    ("akassekonsulent", "A-kassekonsulent"),
    ("mentor", "Mentor"),
    ("stoette_kontaktperson", "Støtte-/kontaktperson"),
    ("bisidder", "Bisidder"),
    ("partsrepraesentant", "Partsrepræsentant"),
    ("handicaphjaelper", "Handicaphjælper"),
    ("tolk", "Tolk"),
    ("anden", "Anden deltager"),
]

VISITATIONSGRUPPER = [
    ("jobparat", "Jobparat"),
    ("aktivitetsparat", "Aktivitetsparat"),
    ("uddannelsesparat", "Uddannelsesparat"),
    ("aabenlyst_uddannelsesparat", "Åbenlyst uddannelsesparat"),
]
VISITATION = {
    "2": ["jobparat", "aktivitetsparat"],
    "3": ["uddannelsesparat", "aabenlyst_uddannelsesparat", "aktivitetsparat"],
    "12": ["jobparat", "aktivitetsparat"],
}

AKASSE_DELTAGELSE = [
    ("deltog", "A-kassen deltog"),
    ("fravalgt_af_borger", "Deltog ikke – borgeren fravalgte a-kassens deltagelse"),
    ("udeblev", "Deltog ikke – a-kassen udeblev eller meldte afbud"),
]

MARKERINGER = [("tidlig_opfoelgning_fast_track", "Tidlig opfølgning - fast track")]

# A realistic demo set of unemployment funds (UnemploymentFundCode values are provisional).
AKASSER = [
    ("3F", "3F A-kasse"), ("AKA", "Akademikernes A-kasse"), ("ASE", "ASE"), ("BUPL", "BUPL-A"),
    ("CA", "CA a-kasse"), ("DFH", "Det Faglige Hus a-kasse"), ("DSA", "Din Sundhedsfaglige A-kasse"),
    ("EFA", "El-Fagets A-kasse"), ("FOA", "FOAs A-kasse"), ("FRIE", "Frie"), ("FTFA", "FTF-A"),
    ("HK", "HK Danmarks A-kasse"), ("KRIFA", "Krifa a-kasse"), ("LED", "Ledernes A-kasse"),
    ("DLF", "Lærernes A-kasse"), ("MINA", "Min A-kasse"), ("NNF", "Fødevareforbundet NNF's A-kasse"),
    ("SLA", "Socialpædagogernes A-kasse"), ("BFA", "Byggefagenes A-kasse"), ("AJKS", "Journalistik, Kommunikation og Sprog A-kasse"),
    ("MA", "Magistrenes A-kasse"), ("METAL", "Dansk Metals A-kasse"),
]


def indlaes(apps, schema_editor):
    def kodeliste(navn, raekker):
        model = apps.get_model("registrering", navn)
        return {
            kode: model.objects.update_or_create(kode=kode, defaults={"navn": tekst, "sortering": nr, "gyldig_fra": FRA})[0]
            for nr, (kode, tekst) in enumerate(raekker, start=1)
        }

    kg = kodeliste("Kontaktgruppe", KONTAKTGRUPPER)
    typer = kodeliste("Samtaletype", [(k, n) for k, n, *_ in SAMTALETYPER])
    kodeliste("Samtaleform", FORMER)
    kodeliste("Deltagelsesform", FORMER)
    kodeliste("Deltagerrolle", ROLLER)
    vg = kodeliste("Visitationsgruppe", VISITATIONSGRUPPER)
    kodeliste("AkasseDeltagelse", AKASSE_DELTAGELSE)
    kodeliste("Persongruppemarkering", MARKERINGER)
    kodeliste("Akasse", AKASSER)

    SamtaletypeRegel = apps.get_model("registrering", "SamtaletypeRegel")
    for kode, _navn, aftale, saerlig, akasse, praktisk in SAMTALETYPER:
        SamtaletypeRegel.objects.get_or_create(
            samtaletype=typer[kode],
            gyldig_fra=FRA,
            defaults={"aftale": aftale, "saerlig_indsats": saerlig, "akasse_deltagelse": akasse, "praktiske_aftaler": praktisk},
        )
    KontaktgruppeRegel = apps.get_model("registrering", "KontaktgruppeRegel")
    for kode, gruppe in kg.items():
        KontaktgruppeRegel.objects.get_or_create(
            kontaktgruppe=gruppe,
            gyldig_fra=FRA,
            # § 28 stk. 4 and 5 apply to kontaktgruppe 1 only.
            defaults={"cv_vurdering": kode == "1", "akasse_videregivelse": kode == "1"},
        )
    TilladtSamtaletype = apps.get_model("registrering", "TilladtSamtaletype")
    for type_kode, samtaletype in typer.items():
        for kg_kode, gruppe in kg.items():
            if type_kode in KUN_FOR and kg_kode not in KUN_FOR[type_kode]:
                continue
            TilladtSamtaletype.objects.get_or_create(kontaktgruppe=gruppe, samtaletype=samtaletype, gyldig_fra=FRA)
    TilladtVisitationsgruppe = apps.get_model("registrering", "TilladtVisitationsgruppe")
    for kg_kode, grupper in VISITATION.items():
        for g in grupper:
            TilladtVisitationsgruppe.objects.get_or_create(kontaktgruppe=kg[kg_kode], visitationsgruppe=vg[g], gyldig_fra=FRA)


class Migration(migrations.Migration):
    dependencies = [("registrering", "0001_initial")]

    operations = [migrations.RunPython(indlaes, migrations.RunPython.noop)]
