"""Whether this machine can make PDFs. WeasyPrint needs the Pango library, which a fresh developer
machine may lack; PDF tests are then skipped with the reason, while CI (which has Pango) runs them."""

from __future__ import annotations

import pytest


def _pdf_available() -> bool:
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401
    except (OSError, ImportError):
        return False
    return True


PDF_AVAILABLE = _pdf_available()
SKIP_REASON = "WeasyPrint cannot load the Pango library on this machine (see docs/deploy.md#pdf-export)"
requires_pdf = pytest.mark.skipif(not PDF_AVAILABLE, reason=SKIP_REASON)
