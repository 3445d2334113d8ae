"""Plan documents: one content builder (content.py) reads a plan version once and produces a neutral
document model; two renderers turn it into DOCX (docx_file.py, python-docx) and PDF (pdf_file.py, WeasyPrint).

    from vidnova.plans.documents import build_document, render
    document = build_document(version, language="en")
    data = render(document, "pdf")
"""

from __future__ import annotations

from vidnova.plans.documents.content import PlanDocument, build_document


class PdfUnavailable(RuntimeError):
    """WeasyPrint is installed but cannot load its system libraries (Pango) on this machine."""


def render(document: PlanDocument, file_format: str) -> bytes:
    """The file of ``document`` in ``file_format`` ("docx" or "pdf")."""
    if file_format == "docx":
        from vidnova.plans.documents.docx_file import render_docx

        return render_docx(document)
    if file_format == "pdf":
        try:
            from vidnova.plans.documents.pdf_file import render_pdf
        except OSError as error:  # WeasyPrint raises OSError when Pango cannot be loaded
            raise PdfUnavailable(
                "PDF export is not available on this server: WeasyPrint cannot load the Pango library "
                f"({error}). Install it as docs/deploy.md explains; DOCX export works without it."
            ) from error
        return render_pdf(document)
    raise ValueError(f"Unknown export format {file_format!r}")


__all__ = ["PdfUnavailable", "PlanDocument", "build_document", "render"]
