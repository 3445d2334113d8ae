from vidnova.registry.collation import ukrainian_sort_key
from vidnova.registry.selectors import HromadaFilter, hromadas, oblasts


def test_ukrainian_letters_sort_in_alphabet_order() -> None:
    names = ["Іванківська", "Ґорґани", "Бучанська", "Єнакієвська", "Абрикосівська", "Яготинська", "Їжаківська"]
    assert sorted(names, key=ukrainian_sort_key) == [
        "Абрикосівська",
        "Бучанська",
        "Ґорґани",
        "Єнакієвська",
        "Іванківська",
        "Їжаківська",
        "Яготинська",
    ]


def test_apostrophes_and_hyphens_do_not_change_the_order() -> None:
    assert ukrainian_sort_key("Кам'янська") == ukrainian_sort_key("Камʼянська") == ukrainian_sort_key("Камянська")


def test_the_hromada_list_is_in_ukrainian_alphabetical_order(db: None) -> None:
    names = list(hromadas(HromadaFilter(include_crimea=False)).values_list("name_uk", flat=True)[:2000])
    assert names == sorted(names, key=ukrainian_sort_key)
    # І-names come after И-names, not before А-names as in code-point order.
    assert not names[0].startswith("І")


def test_oblasts_are_in_ukrainian_alphabetical_order(db: None) -> None:
    names = list(oblasts().values_list("name_uk", flat=True))
    assert names[0] == "Автономна Республіка Крим"
    assert names.index("Івано-Франківська") > names.index("Запорізька")
