"""Rich text in plans: the safe subset people may use, sanitised on save with nh3 (a maintained
sanitiser, the Rust ammonia library), and helpers to read it as plain text.
"""

from __future__ import annotations

import html
import re

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# Headings, paragraphs, lists, tables, links and simple emphasis: what plan documents use, nothing
# that can run code or restyle the page.
ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "u", "s", "sub", "sup",
        "blockquote", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "a",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# The content of these is dropped with the tag: never shown as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})

# Sections above this size are refused, never truncated: a plan section of 200,000 characters is
# already a book chapter, and the limit keeps pages and exports fast on weak connections.
MAX_RICH_TEXT_CHARS = 200_000

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def sanitize(raw: str) -> str:
    """The safe subset of ``raw``: disallowed tags removed (script and style with their content),
    event handlers and other attributes dropped, links limited to http(s) and mailto."""
    return nh3.clean(
        raw or "",
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    ).strip()


def clean_rich_text(raw: str, *, field_label: str) -> str:
    """Sanitise and check the size; raise ValidationError naming the field when it is too long."""
    if len(raw or "") > MAX_RICH_TEXT_CHARS:
        raise ValidationError(
            gettext(
                "%(field)s is too long: %(length)s characters, the limit is %(limit)s. Split it or shorten it; "
                "nothing was saved."
            )
            % {"field": field_label, "length": f"{len(raw):,}", "limit": f"{MAX_RICH_TEXT_CHARS:,}"},
            code="too_long",
        )
    return sanitize(raw)


def plain_text(rich: str) -> str:
    """The words of a rich-text fragment, for emptiness checks, comparisons and search."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", rich or ""))).strip()


def is_empty(rich: str) -> bool:
    return not plain_text(rich)
