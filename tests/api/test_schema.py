"""The OpenAPI schema: generated without a warning, every operation with its real error responses, docs offline."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.api.schema_walk import Operation, operations, resolve, schema

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = operations()
PRIVATE = [op for op in OPERATIONS if not op.is_public]


def test_the_schema_generator_neither_warns_nor_errs() -> None:
    """The same command CI and the brief use; a warning means an operation is described wrongly or vaguely."""
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", os.devnull],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-4000:]
    assert "Warning" not in result.stderr, result.stderr[-4000:]
    assert "Error" not in result.stderr, result.stderr[-4000:]


def test_the_api_has_operations_and_the_sign_in_is_one_of_them() -> None:
    assert ("POST", "/api/v1/auth/token/") in {(op.method, op.path) for op in OPERATIONS}
    assert all(op.path.startswith("/api/v1/") for op in OPERATIONS)


@pytest.mark.parametrize("operation", PRIVATE, ids=str)
def test_an_operation_that_needs_sign_in_documents_401_and_403(operation: Operation) -> None:
    assert {"401", "403"} <= set(operation.spec["responses"]), operation.spec["responses"].keys()


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op.path_params], ids=str)
def test_an_operation_with_an_id_in_its_path_documents_404(operation: Operation) -> None:
    assert "404" in operation.spec["responses"]


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op.has_json_body], ids=str)
def test_an_operation_with_a_body_documents_400_and_415(operation: Operation) -> None:
    assert {"400", "415"} <= set(operation.spec["responses"])


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_every_error_response_is_the_one_error_format(operation: Operation) -> None:
    for code, response in operation.spec["responses"].items():
        if int(code) < 400:
            continue
        body = response.get("content", {}).get("application/json", {}).get("schema", {})
        assert body.get("$ref", "").endswith("/ApiError"), f"{operation} {code}: {body or 'no body documented'}"


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_every_operation_says_what_it_does(operation: Operation) -> None:
    assert operation.spec.get("summary") or operation.spec.get("description"), f"{operation}: add extend_schema"


def test_the_error_component_has_code_message_and_fields() -> None:
    error = resolve(schema()["components"]["schemas"]["ApiError"]["properties"]["error"])

    assert set(error["required"]) == {"code", "message", "fields"}


def test_token_and_session_authentication_are_documented() -> None:
    schemes = schema()["components"]["securitySchemes"]

    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_the_schema_is_served_to_anyone(client: Client, db: None) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in response.json()["paths"]


# --- /api/docs/: local files only, nothing the Content-Security-Policy would block ---------------------------


def test_the_docs_page_loads_only_local_scripts_and_no_inline_code(client: Client, db: None) -> None:
    response = client.get("/api/docs/")
    html = response.content.decode()
    csp = response["Content-Security-Policy"]

    assert response.status_code == 200
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts]  # type: ignore[union-attr]
    assert all(body.strip() == "" for _, body in scripts), "inline script"
    assert sources[:2] == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
    ]
    assert sources[2] == "/api/docs/?script="
    assert "<style" not in html
    assert "style=" not in html
    assert "http://" not in html
    assert "https://" not in html
    for href in re.findall(r'(?:href|src)="/static/([^"?]+)"', html):
        assert finders.find(href), f"/static/{href} is not a static file"


def test_the_docs_init_script_is_javascript_that_points_at_our_schema(client: Client, db: None) -> None:
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in response.content.decode()


@pytest.mark.browser
def test_the_docs_render_in_a_browser_without_a_csp_violation_or_a_foreign_request(
    page: Any, live_server: Any, artifacts_dir: Path
) -> None:
    foreign: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector("text=/api/v1/auth/token/", timeout=15_000)
    page.screenshot(path=str(artifacts_dir / "api-docs.png"), full_page=False)

    assert page.locator(".info .title").first.inner_text().startswith("Mentorship API")
    assert foreign == []
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
    assert problems == []


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op.has_json_body], ids=str)
def test_a_request_body_is_documented_as_taking_no_other_fields(operation: Operation) -> None:
    # The API refuses a body field it does not take (400 naming it): the schema says so, so a client validating
    # against it finds a typo before sending.
    body = operation.spec["requestBody"]["content"]["application/json"]["schema"]

    assert resolve(body).get("additionalProperties") is False, resolve(body)
