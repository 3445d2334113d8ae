"""Ukrainian → Latin transliteration, as the national standard prescribes.

Cabinet of Ministers of Ukraine Resolution No. 55 of 27 January 2010 ("Про впорядкування
транслітерації українського алфавіту латиницею"): the system used for passports, road signs and the
official Latin names of places. Rules beyond one-letter-one-string:

* є, ї, й, ю, я are written ye, yi, y, yu, ya at the start of a word and ie, i, i, iu, ia elsewhere;
* the apostrophe and the soft sign are dropped;
* зг is written zgh (Згурівка → Zghurivka) so it is not read as "ж".

Ported from the build script that produced the shipped hromada table (shared/data/_build_scripts/
translit.py), so names transliterated here match the Latin names in the data files.
"""

from __future__ import annotations

_LETTERS: dict[str, str | tuple[str, str]] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": ("ye", "ie"),
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": ("yi", "i"),
    "й": ("y", "i"),
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": ("yu", "iu"),
    "я": ("ya", "ia"),
}
# Apostrophe variants met in official texts; none of them is written in Latin, and none ends a word.
_APOSTROPHES = frozenset("'’ʼ`")


def translit(text: str) -> str:
    """``text`` in Latin letters (KMU Resolution 55/2010); characters other than Ukrainian letters
    are kept as they are."""
    out: list[str] = []
    length = len(text)
    for index, char in enumerate(text):
        if char in _APOSTROPHES:
            continue
        lower = char.lower()
        mapped = _LETTERS.get(lower)
        if mapped is None:
            out.append(char)
            continue
        previous = index - 1
        while previous >= 0 and text[previous] in _APOSTROPHES:
            previous -= 1
        word_initial = previous < 0 or not text[previous].isalpha()
        latin = (mapped[0] if word_initial else mapped[1]) if isinstance(mapped, tuple) else mapped
        if lower == "г" and previous >= 0 and text[previous].lower() == "з":
            latin = "gh"
        if char.isupper() and latin:
            # Capital letters in an all-capitals word stay all capitals (ЩАСТЯ → SHCHASTIA); otherwise
            # only the first Latin letter is capital (Щастя → Shchastia).
            following = text[index + 1] if index + 1 < length else ""
            all_caps = following.isupper() or (not following.isalpha() and previous >= 0 and text[previous].isupper())
            latin = latin.upper() if all_caps else latin[0].upper() + latin[1:]
        out.append(latin)
    return "".join(out)
