from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class UkrainianFirstLocaleMiddleware(LocaleMiddleware):
    """Ukrainian unless the person chose another language.

    The choice is the language cookie set by the switcher, or else the preference stored on their
    account. The browser's Accept-Language header is not used: many hromada offices run browsers set
    to English or Russian, and the platform's first language is Ukrainian. Placed after the
    authentication middleware so the account preference is available.

    The API is the exception: programs ask for a language with Accept-Language, as HTTP intends.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/v1/"):
            super().process_request(request)
            return
        supported = dict(settings.LANGUAGES)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen not in supported:
            user = getattr(request, "user", None)
            chosen = getattr(user, "preferred_language", "") if user is not None and user.is_authenticated else ""
        if chosen not in supported:
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
