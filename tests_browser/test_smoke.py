"""Smoke test in a real browser: sign in, switch the language, find a hromada, use the keyboard,
and never contact another host."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from tests_browser.conftest import BUCHANSKA, PASSWORD, Visit


def html_lang(visit: Visit) -> str | None:
    return visit.page.locator("html").get_attribute("lang")


def test_sign_in_switch_language_and_open_a_hromada(visit: Visit, editor: Any) -> None:
    page = visit.page
    with translation.override("uk"):
        hromadas_uk = translation.gettext("Hromadas")

    # Sign in with email and password (a hromada editor: no two-factor step).
    page.goto(visit.url("/accounts/login/"))
    assert html_lang(visit) == "uk"
    page.locator("input[name=login]").fill(editor.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
    assert "/accounts/login/" not in page.url
    main_nav = page.get_by_role("navigation").first
    assert main_nav.get_by_role("link", name=hromadas_uk, exact=True).is_visible()

    # Switch the interface to English with the language menu in the header.
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")
    assert html_lang(visit) == "en"
    assert main_nav.get_by_role("link", name="Hromadas", exact=True).is_visible()
    assert page.locator("#language-select").input_value() == "en"

    # Find Buchanska hromada in the list and open its page.
    main_nav.get_by_role("link", name="Hromadas", exact=True).click()
    page.wait_for_url("**/hromadas/")
    page.locator("input[name=q]").fill("Buchanska")
    page.locator("input[name=q]").press("Enter")
    link = page.locator(f"#hromada-results a[href$='/{BUCHANSKA}/']").first
    link.wait_for()
    link.click()
    page.wait_for_url(f"**/hromadas/{BUCHANSKA}/")
    assert "Бучанська" in page.locator("h1").inner_text()
    assert html_lang(visit) == "en"

    assert visit.other_host_requests() == []
    assert any(url.endswith(".css") for url in visit.requests), "the style sheet was not loaded"


def test_the_skip_link_is_the_first_stop_of_the_keyboard(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.url("/"))
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main"]
    assert page.locator(".skip-link").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert visit.other_host_requests() == []
