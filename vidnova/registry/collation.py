"""Ukrainian alphabetical order that every database applies the same way.

Code-point order puts Є, І, Ї before А and Ґ after Я; database collations differ between SQLite
(none) and PostgreSQL installations. So names carry a stored sort key made of ASCII digits only,
which sorts identically everywhere.
"""

from __future__ import annotations

UKRAINIAN_ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_RANK = {letter: index + 10 for index, letter in enumerate(UKRAINIAN_ALPHABET)}
# Apostrophes and hyphens do not count for order, as in Ukrainian dictionaries.
_IGNORED = {"'", "’", "ʼ", "`", "-", "‑"}


def ukrainian_sort_key(name: str) -> str:
    """Two digits per character: spaces first, then Ukrainian letters, then Latin letters and the rest."""
    parts: list[str] = []
    for char in name.casefold():
        if char in _IGNORED:
            continue
        if char == " ":
            parts.append("00")
        elif char in _RANK:
            parts.append(f"{_RANK[char]:02d}")
        elif char.isdigit():
            parts.append(f"0{char}")
        elif "a" <= char <= "z":
            parts.append(f"{ord(char) - ord('a') + 50:02d}")
        else:
            parts.append("99")
    return "".join(parts)[:400]
