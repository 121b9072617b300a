"""The set-up pages (commonmeasure/setup) in French and Spanish, and the refusals of its service
in the language active when they are made."""

from __future__ import annotations

from html import unescape

import pytest
from django.utils import translation

from commonmeasure.setup import services

HEAD = "organisation,indicator,period,value,comment\n"


@pytest.fixture(autouse=True)
def _back_to_the_default_language(settings):
    """A request with a language cookie leaves its language active: later tests read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def page(client, path: str, language: str) -> str:
    """The page as a person reads it: entities decoded, French non-breaking spaces as spaces."""
    client.cookies["django_language"] = language
    response = client.get(path)
    assert response.status_code == 200
    return unescape(response.content.decode()).replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("language", "words", "english"),
    [
        (
            "fr",
            [
                "<h1>Configuration</h1>",
                "Modifications récentes",
                "Ajustements de chevauchement",
                "Cibles et situations de référence",
                "Règles de validation",
                "Pas encore de modifications.",
            ],
            ["Recent changes", "Overlap adjustments", "No changes yet."],
        ),
        (
            "es",
            [
                "<h1>Definición</h1>",
                "Cambios recientes",
                "Ajustes por solapamiento",
                "Metas y líneas de base",
                "Reglas de validación",
                "Aún no hay cambios.",
            ],
            ["Recent changes", "Overlap adjustments", "No changes yet."],
        ),
    ],
)
def test_the_set_up_home_is_translated(client_for, language, words, english):
    html = page(client_for("backbone"), "/i/alpha/setup/", language)
    for word in words:
        assert word in html, word
    for word in english:
        assert word not in html, word


@pytest.mark.parametrize(
    ("language", "words", "english"),
    [
        (
            "fr",
            [
                "<h1>Indicateurs</h1>",
                ">Nouvel indicateur</a>",
                "Les indicateurs de l'initiative, dans l'ordre",
                '<th scope="col">Type de valeur</th>',
                '<th scope="col">Entre organisations</th>',
                ">Retirer</button>",
                ">Supprimer</a>",
                'aria-label="Monter Job starts"',
                "Utilisé",
            ],
            ["New indicator", "Value type", ">Retire</button>", ">Delete</a>"],
        ),
        (
            "es",
            [
                "<h1>Indicadores</h1>",
                ">Nuevo indicador</a>",
                "Los indicadores de la iniciativa, en orden",
                '<th scope="col">Tipo de valor</th>',
                '<th scope="col">Entre organizaciones</th>',
                ">Retirar</button>",
                ">Eliminar</a>",
                'aria-label="Subir Job starts"',
                "En uso",
            ],
            ["New indicator", "Value type", ">Retire</button>", ">Delete</a>"],
        ),
    ],
)
def test_the_indicators_list_is_translated(client_for, language, words, english):
    html = page(client_for("backbone"), "/i/alpha/setup/indicators/", language)
    for word in words:
        assert word in html, word
    for word in english:
        assert word not in html, word


def test_removing_an_indicator_with_values_is_refused_in_french(cast, import_csv):
    assert import_csv(
        cast.alpha, HEAD + "org-a,caseload,2024-01,10,\norg-a,caseload,2024-02,12,\n"
    ).ok
    with translation.override("fr"), pytest.raises(services.Refused) as refused:
        services.apply(
            cast.alpha,
            lambda d: d.update(indicators=[i for i in d["indicators"] if i["code"] != "caseload"]),
            by=cast.backbone,
            what="x",
        )
    (problem,) = refused.value.problems
    assert problem.replace("\u00a0", " ") == (
        "indicators.caseload: Active caseload a 2 valeurs dans 2 rapports (de 2024-01 à 2024-02) ; "
        "retirez-le plutôt, ou archivez ses valeurs"
    )


def test_a_member_who_is_not_the_backbone_is_told_so_in_french(client_for):
    client = client_for("alice")
    client.cookies["django_language"] = "fr"
    response = client.get("/i/alpha/setup/")
    assert response.status_code == 403
    assert "Seule la structure de coordination de l'initiative peut modifier sa configuration." in (
        unescape(response.content.decode())
    )


def test_what_a_change_removes_is_named_in_spanish(cast):
    def edit(d):
        d["indicators"] = [i for i in d["indicators"] if i["code"] != "wage"]
        d["dimensions"] = [x for x in d["dimensions"] if x["code"] != "age_band"]
        for i in d["indicators"]:
            i["dimensions"] = [x for x in i.get("dimensions", []) if x != "age_band"]

    with translation.override("es"):
        outcome = services.apply(cast.alpha, edit, by=cast.backbone, what="x", dry_run=True)
    assert "indicador wage" in outcome.removed
    assert "dimensión age_band" in outcome.removed


@pytest.fixture
def creator(cast):
    from django.contrib.auth.models import Permission

    user = cast.outsider
    user.user_permissions.add(Permission.objects.get(codename="add_initiative"))
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "fr",
            ["<h1>Nouvelle initiative</h1>", "Créer l'initiative", ">janvier<", "Trimestrielle"],
        ),
        ("es", ["<h1>Nueva iniciativa</h1>", "Crear la iniciativa", ">enero<", "Trimestral"]),
    ],
)
def test_the_new_initiative_page_is_translated(client_for, creator, language, words):
    html = page(client_for(creator), "/setup/new/", language)
    for word in words:
        assert word in html, word
    assert "Create the initiative" not in html


def test_a_code_already_taken_is_refused_in_french_beside_the_field(client_for, creator):
    client = client_for(creator)
    client.cookies["django_language"] = "fr"
    response = client.post(
        "/setup/new/",
        {
            "code": "alpha",
            "name": "River",
            "reporting_frequency": "quarterly",
            "fy_first_month": "1",
        },
    )
    assert response.status_code == 400
    html = unescape(response.content.decode()).replace("\u00a0", " ")
    assert (
        '<p class="field-error" id="code-error">Une initiative avec le code alpha existe déjà ; '
        "choisissez-en un autre.</p>"
    ) in html


def test_a_refusal_in_french_still_names_its_place_for_the_page(cast, import_csv):
    from commonmeasure.setup.structure_pages import where

    assert import_csv(cast.alpha, HEAD + "org-a,caseload,2024-01,3,\n").ok
    with translation.override("fr"), pytest.raises(services.Refused) as refused:
        services.apply(
            cast.alpha,
            lambda d: d.update(
                organisations=[o for o in d["organisations"] if o["code"] != "org-a"]
            ),
            by=cast.backbone,
            what="x",
        )
    (problem,) = refused.value.problems
    assert where(problem) == "organisations.org-a"
    assert "ne peut pas quitter l'initiative" in problem


@pytest.mark.parametrize("before_the_colon", ["", " ", "\u00a0"])
def test_a_problem_keeps_its_place_whatever_the_space_before_its_colon(before_the_colon):
    # French puts a (non-breaking) space before a colon; the definition file's messages, from
    # the root catalogue, may be translated that way: the page still finds the row or field.
    from commonmeasure.setup.structure_pages import where

    problem = f"dimensions.gender.female{before_the_colon}: 3 valeurs utilisent cette catégorie"
    assert where(problem) == "dimensions.gender.female"
    assert services.place_and_message(problem) == (
        "dimensions.gender.female",
        "3 valeurs utilisent cette catégorie",
    )
    assert services.place_and_message("pas de lieu") == ("", "pas de lieu")


@pytest.mark.parametrize(
    ("path", "french", "spanish"),
    [
        ("dimensions/", "Dimensions et catégories", "Dimensiones y categorías"),
        ("organisations/", "Organisations", "Organizaciones"),
        ("areas/", "Zones", "Zonas"),
        ("targets/", "Cibles et situations de référence", "Metas y líneas de base"),
        ("overlaps/", "Ajustements de chevauchement", "Ajustes por solapamiento"),
        ("rules/", "Règles de validation", "Reglas de validación"),
        ("indicators/new/", "Nouvel indicateur", "Nuevo indicador"),
        ("indicators/job_starts/edit/", "Modifier Job starts", "Editar Job starts"),
        ("indicators/job_starts/delete/", "Supprimer Job starts", "Eliminar Job starts"),
        (
            "file/",
            "Remplacer la configuration depuis un fichier",
            "Reemplazar la configuración desde un archivo",
        ),
    ],
)
def test_every_set_up_page_has_its_heading_translated(client_for, path, french, spanish):
    for language, heading in (("fr", french), ("es", spanish)):
        html = page(client_for("backbone"), f"/i/alpha/setup/{path}", language)
        assert f"<h1>{heading}</h1>" in html, (language, heading)
