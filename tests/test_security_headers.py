"""Security headers on pages and the API (CSP, framing, sniffing, referrer)."""

import pytest

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize("path", ["/", "/api/v1/sessions/", "/staff/accounts/login/"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code in (200, 302)
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["default-src"] == "default-src 'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["form-action"] == "form-action 'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_inline_scripts_on_pages_carry_the_request_nonce(client, session):
    response = client.post(f"/sessions/{session.pk}/reserve/", {})
    html = response.content.decode()
    assert response.status_code == 400 and "<script nonce=" in html  # the error summary's focus
    nonce = csp_directives(response)["script-src"].split("'nonce-")[1].split("'")[0]
    for chunk in html.split("<script")[1:]:
        opening = chunk.split(">", 1)[0]
        assert "src=" in opening or f'nonce="{nonce}"' in opening, opening


def test_api_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "cdn" not in html.lower() and "//unpkg" not in html
    assert "/static/drf_spectacular_sidecar/" in html
