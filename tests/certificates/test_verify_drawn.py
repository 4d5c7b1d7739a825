"""The verification page, drawn once per language for visitors with nothing of their own on it (registry/drawn.py):
the same page the templates draw, with each request's text, result, address and form token put in."""
import re

from django.test import Client
from django.urls import reverse

from registry.drawn import _drawn
from tests.drawn_pages import drawn_and_rendered

PAGE = reverse("certificates:verify")


def test_the_drawn_page_is_what_the_templates_draw(certified):
    odd_text = 'HC1:<b>"x"</b> & drawn-fill-result_html-3b1e drawn-fill-csrf_token-3b1e'
    for _ in range(2):  # drawn, then from the kept drawing
        for method, path, data in [("GET", PAGE, None), ("GET", PAGE + '?a="<x>', None),
                                   ("POST", PAGE, {"qr": certified["certificate"].qr_text}),
                                   ("POST", PAGE, {"qr": odd_text})]:
            drawn, rendered = drawn_and_rendered(method, path, data)
            assert drawn == rendered
    assert any(key[:2] == ("certificates/verify.html", "page") for key in _drawn)  # the drawn page was served
    valid = drawn_and_rendered("POST", PAGE, {"qr": certified["certificate"].qr_text})[0]
    assert 'class="verdict">Hợp lệ<' in valid


def test_the_visitors_text_is_shown_as_sent_and_markers_in_it_stay_text(db):
    text = 'HC1:<b>"x"</b> & drawn-fill-result_html-3b1e'
    page = Client().post(PAGE, {"qr": text}).content.decode()
    shown = page.split("<textarea", 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    assert shown == "\nHC1:&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; drawn-fill-result_html-3b1e"
    assert page.count('class="card verify-result') == 1


def test_each_drawn_page_carries_its_own_address_and_a_token_that_works(db):
    client = Client(enforce_csrf_checks=True)
    page = client.get(PAGE + "?from=app&x=<y>").content.decode()
    language = page.split('class="language-switch"', 1)[1]
    assert f'name="next" type="hidden" value="{PAGE}?from=app&amp;x=%3Cy%3E"' in language
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = client.post(PAGE, {"qr": "HC1:", "csrfmiddlewaretoken": token})
    assert answer.status_code == 200 and 'class="verdict"' in answer.content.decode()
    assert client.post(PAGE, {"qr": "HC1:"}).status_code == 403


def test_each_kind_of_result_is_drawn_as_the_template_draws_it(certified, world, lot):
    from django.template.loader import render_to_string
    from django.utils import translation

    from certificates.services import certificates_revoke_for_lot
    from certificates.verification import verification_display, verify_text
    from certificates.views import STATUS_LABELS, _result_html
    from tests.certificates.test_verify_malformed import ALL, cose

    good = certified["certificate"].qr_text
    texts = [good, good[:-6] + "AAAAAA", "HC1:", "not a code", cose(), cose(payload=b"\xff"),
             *[param.values[0]() for param in ALL[:12]]]

    def both(text):
        result = verify_text(text)
        return _result_html(result), render_to_string("certificates/partials/verify_result.html", {
            "result": verification_display(result), "label": str(STATUS_LABELS.get(result.status, ""))})

    for language in ("vi", "en"):
        with translation.override(language):
            for text in texts:
                for _ in range(2):  # drawn, then from the kept drawing
                    drawn, rendered = both(text)
                    assert drawn == rendered, text
    certificates_revoke_for_lot(actor=world["national"], lot_id=lot.pk, reason="Thu hồi lô")
    drawn, rendered = both(good)
    assert drawn == rendered and "Đã thu hồi" in drawn


def test_every_kind_of_answer_page_is_what_the_templates_draw(certified, world, lot, settings):
    """The answer to a text alone (no form is made for it) against the page the form and the templates draw, for
    each kind of result, for texts the form refuses (too long, a NUL character, only spaces) and for a text sent with
    spaces around it."""
    from certificates import dcc
    from certificates.services import certificates_revoke_for_lot
    from tests.certificates.test_verify_malformed import ALL, cose

    settings.VERIFY_PER_IP = 1000  # about a hundred checks from one address
    good = certified["certificate"].qr_text
    texts = [good, f"  {good}\n", good[:-6] + "AAAAAA", "HC1:", "not a code", cose(), cose(payload=b"\xff"),
             *[param.values[0]() for param in ALL[:12]], "   ", "HC1:\x00", "HC1:" + "A" * dcc.MAX_QR_CHARS]
    for text in texts:
        for _ in range(2):  # drawn, then from the kept drawing
            drawn, rendered = drawn_and_rendered("POST", PAGE, {"qr": text})
            assert drawn == rendered, text[:80]
    answer = drawn_and_rendered("POST", PAGE, {"qr": f"  {good}\n"})[0]
    assert 'class="verdict">Hợp lệ<' in answer and f"\n  {good}\n</textarea>" in answer
    too_long = drawn_and_rendered("POST", PAGE, {"qr": "HC1:" + "A" * dcc.MAX_QR_CHARS})[0]
    assert 'class="verdict"' not in too_long and "8004" in too_long  # the form's own message: its length
    certificates_revoke_for_lot(actor=world["national"], lot_id=lot.pk, reason="Thu hồi lô")
    drawn, rendered = drawn_and_rendered("POST", PAGE, {"qr": good})
    assert drawn == rendered and 'class="verdict">Đã thu hồi<' in drawn
