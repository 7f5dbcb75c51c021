"""Refused forms (docs/architecture.md#form-errors): each message beside its field, in the reader's
language, without internal field names or Python list syntax; one summary on top linking to them."""

import re

from flask_babel import force_locale, gettext
from wtforms.i18n import get_translations

from tests.helpers import visible_text


def catalog(app, message: str, locale: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext(message)


def field_block(html: str, field_id: str) -> str:
    """The markup from the field's input to the end of its message."""
    start = html.index(f'id="{field_id}"')
    end = (
        html.index("</div>", html.index(f'id="{field_id}-error"'))
        if f'id="{field_id}-error"' in html
        else start
    )
    return html[start:end]


def test_a_refused_organisation_form_shows_each_message_beside_its_field(app, client, login_as):
    login_as("admin")
    client.get("/lang/ru")
    response = client.post(
        "/organisations/new",
        data={"bin": "123", "name_ru": "", "name_kk": "Ұйым", "kind": "ngo", "website": "not a url"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = visible_text(html)

    # Beside the field: the input is marked invalid and names its message.
    website = re.search(r"<input[^>]*\bid=\"website\"[^>]*>", html).group(0)
    assert "is-invalid" in website and 'aria-invalid="true"' in website
    assert 'aria-describedby="website-error"' in website
    message = re.search(r'<div class="invalid-feedback d-block" id="website-error">([^<]*)</div>', html)
    assert message is not None
    assert message.group(1) == get_translations(["ru"]).gettext("Invalid URL.") != "Invalid URL."
    bin_message = re.search(r'id="bin-error">([^<]*)<', html).group(1)
    assert bin_message == catalog(app, "BIN must be 12 digits with a correct check digit.", "ru_KZ")
    assert re.search(r'id="name_ru-error">', html)

    # One summary on top, linking to the fields by their labels.
    assert html.count('id="error-summary"') == 1
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert '<a href="#website">' + catalog(app, "Website", "ru_KZ") + "</a>" in summary
    assert '<a href="#bin">' in summary and '<a href="#name_ru">' in summary
    assert summary.index('href="#bin"') < summary.index('href="#website"')  # in the form's order

    # No internal names, no Python lists, each message said once beside the field and once on top.
    assert "['" not in text and "website:" not in text and "name_ru" not in text
    assert text.count(message.group(1)) == 2


def test_a_refused_multiple_choice_links_to_its_first_option(app, client, login_as):
    login_as("admin")
    client.get("/lang/kk")
    response = client.post("/admin/users/new", data={"email": "x", "full_name": "", "roles": ["nonsense"]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="#roles-0"' in html
    assert re.search(r'<fieldset class="mb-3" id="roles" aria-describedby="roles-error">', html)
    assert 'href="#email"' in html and 'href="#full_name"' in html
    assert catalog(app, "Please correct the errors below. Nothing has been saved.", "kk_KZ") in html


def test_a_valid_form_shows_no_summary(client, login_as):
    login_as("admin")
    html = client.get("/organisations/new").get_data(as_text=True)
    assert 'id="error-summary"' not in html
    assert "is-invalid" not in html
    assert '<label class="form-label" for="website">' in html
