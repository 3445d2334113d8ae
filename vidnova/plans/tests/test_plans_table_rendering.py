"""How structured tables read on plan pages: one column per pair of languages, and the key figures'
free-text value with its optional English wording."""

from __future__ import annotations

from django.utils import translation

from vidnova.plans.views.plans import render_table

ROWS = [
    {
        "indicator_uk": "Адміністративний центр",
        "indicator_en": "Administrative centre",
        "value": "Буча",
        "value_en": "Bucha",
    },
    {"indicator_uk": "Населення", "indicator_en": "", "value": "36500", "value_en": ""},
]


def test_english_reads_the_english_wording_and_numbers_are_grouped() -> None:
    table = render_table("key_figures", ROWS, "en")
    assert [column.label for column in table.columns] == ["indicator (English)", "value", "unit", "as of", "source"]
    centre, population = table.rows
    assert (centre[0].value, centre[1].value, centre[1].language) == ("Administrative centre", "Bucha", "en")
    assert (population[0].value, population[0].fallback) == ("Населення", True)  # falls back, and says so
    assert (population[1].value, population[1].numeric) == ("36,500", True)


def test_ukrainian_reads_the_value_as_written() -> None:
    with translation.override("uk"):
        table = render_table("key_figures", ROWS, "uk")
    assert [row[1].value for row in table.rows] == ["Буча", "36\xa0500"]
    assert table.rows[0][1].language == "uk"
