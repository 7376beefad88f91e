"""GET /openapi.json, `brisk openapi`, GET /docs and its assets: the served
bytes, caching headers, gzip, and that the document's routes are served."""
from __future__ import annotations

import gzip
import json

import httpx
import re

import pytest

from e2e_helpers import RawConn, assert_problem, request_bytes, run_brisk

OPERATION_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


@pytest.fixture(scope="module")
def document(server):
    with RawConn.to(server) as c:
        c.send(request_bytes("GET", "/openapi.json"))
        r = c.read_response()
    assert r.status == 200, r
    return json.loads(r.body)


def raw_get(server, path, headers=None, method="GET"):
    with RawConn.to(server) as c:
        c.send(request_bytes(method, path, headers=headers))
        return c.read_response(head_request=method == "HEAD")


def test_document_is_openapi_31_with_every_contract_route(document):
    assert document["openapi"].startswith("3.1.")
    ops = {(m.upper(), p) for p, item in document["paths"].items() for m in item
           if m in OPERATION_METHODS}
    for want in [("GET", "/tasks"), ("POST", "/tasks"), ("GET", "/tasks/{id}"),
                 ("PUT", "/tasks/{id}"), ("PATCH", "/tasks/{id}"), ("DELETE", "/tasks/{id}"),
                 ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/openapi.json"),
                 ("GET", "/docs")]:
        assert want in ops, f"{want} missing from the document"
    for p, item in document["paths"].items():
        for m, op in item.items():
            assert op.get("operationId") and op.get("summary"), f"{m} {p}"
            for status in op["responses"]:
                if status.startswith("4") or status.startswith("5"):
                    content = op["responses"][status]["content"]
                    assert "application/problem+json" in content, f"{m} {p} {status}"


def test_every_documented_operation_is_served(server, document):
    """The document lists nothing the router does not serve: no documented
    (method, path) gets the router's 404 or 405."""
    for path, item in document["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e", path)
        for method in item:
            if method not in OPERATION_METHODS:
                continue
            body = b"{}" if method in ("post", "put", "patch") else None
            headers = [("Content-Type", "application/json")] if body else None
            ok = item[method].get("responses", {}).get("200", {}).get("content", {})
            # A stream's body never ends: its HEAD says whether it is routed.
            verb = "HEAD" if "text/event-stream" in ok else method.upper()
            with RawConn.to(server) as c:
                c.send(request_bytes(verb, concrete, headers=headers, body=body))
                r = c.read_response(head_request=verb == "HEAD")
            assert r.status != 405, f"{method} {path} is documented but not routed"
            if r.status == 404:
                doc = json.loads(r.body)
                assert doc["detail"] != "no such resource", f"{method} {path} is not routed"


def test_cli_prints_the_served_document_apart_from_servers(document, tmp_path):
    # The `server` fixture runs with --auth off: its document has no accounts.
    rc, out, err = run_brisk(["openapi", "--auth", "off"], cwd=tmp_path)
    assert rc == 0, err
    printed = json.loads(out)
    assert list(tmp_path.iterdir()) == [], "brisk openapi must not create files"
    assert printed.pop("servers") != document["servers"]
    served = dict(document)
    served.pop("servers")
    assert printed == served


def test_document_is_cacheable_and_compressed_once(server):
    plain = raw_get(server, "/openapi.json")
    assert plain.header("content-type") == "application/json"
    assert plain.header("cache-control") == "no-cache"
    assert plain.header("content-encoding") is None
    etag = plain.header("etag")
    assert etag and etag.startswith('"') and etag.endswith('"')
    again = raw_get(server, "/openapi.json")
    assert again.body == plain.body and again.header("etag") == etag

    gz = raw_get(server, "/openapi.json", [("Accept-Encoding", "gzip, deflate")])
    assert gz.header("content-encoding") == "gzip"
    assert gz.header("vary") == "Accept-Encoding"
    assert len(gz.body) < len(plain.body) / 3
    assert gzip.decompress(gz.body) == plain.body
    assert gz.header("etag") != etag, "each representation has its own ETag"

    refused = raw_get(server, "/openapi.json", [("Accept-Encoding", "gzip;q=0, br")])
    assert refused.header("content-encoding") is None and refused.body == plain.body

    nm = raw_get(server, "/openapi.json", [("If-None-Match", etag)])
    assert nm.status == 304 and nm.body == b""
    assert nm.header("etag") == etag and nm.header("cache-control") == "no-cache"
    nm_gz = raw_get(server, "/openapi.json",
                    [("If-None-Match", gz.header("etag")), ("Accept-Encoding", "gzip")])
    assert nm_gz.status == 304
    stale = raw_get(server, "/openapi.json", [("If-None-Match", '"not-it"')])
    assert stale.status == 200 and stale.body == plain.body


def test_docs_page_loads_only_from_brisk(server):
    r = raw_get(server, "/docs")
    assert r.status == 200
    assert r.header("content-type") == "text/html; charset=utf-8"
    assert r.header("cache-control") == "no-cache"
    csp = r.header("content-security-policy") or ""
    assert "default-src 'self'" in csp
    html = r.body.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs, html
    for ref in refs:
        assert "//" not in ref and not ref.startswith("/"), f"{ref} is not relative to brisk"
        path = "/" + ref
        a = raw_get(server, path)
        assert a.status == 200, f"{path}: {a.status}"
        assert a.header("cache-control") == "public, max-age=31536000, immutable"
    assert "swagger-ui-bundle.js" in html and "swagger-initializer.js" in html
    init = raw_get(server, "/docs/swagger-initializer.js").body.decode()
    assert "openapi.json" in init
    assert re.search(r"https?://", init) is None, "the initializer names another host"


@pytest.mark.parametrize("name,ctype", [
    ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    ("swagger-ui.css", "text/css; charset=utf-8"),
    ("favicon-32x32.png", "image/png"),
    ("LICENSE", "text/plain; charset=utf-8"),
])
def test_docs_assets_types_etags_and_gzip(server, name, ctype):
    plain = raw_get(server, f"/docs/{name}")
    assert plain.status == 200
    assert plain.header("content-type") == ctype
    assert plain.header("x-content-type-options") == "nosniff"
    etag = plain.header("etag")
    assert etag
    gz = raw_get(server, f"/docs/{name}?v=1", [("Accept-Encoding", "gzip")])
    assert gz.status == 200
    if name.endswith(".png"):
        assert gz.header("content-encoding") is None and gz.body == plain.body
        assert plain.body.startswith(b"\x89PNG")
    else:
        assert gz.header("content-encoding") == "gzip"
        assert gzip.decompress(gz.body) == plain.body
        assert b"sourceMappingURL" not in plain.body
    assert raw_get(server, f"/docs/{name}", [("If-None-Match", etag)]).status == 304
    head = raw_get(server, f"/docs/{name}", method="HEAD")
    assert head.status == 200 and head.header("content-length") == plain.header("content-length")


def test_unknown_docs_asset_is_a_problem_404(client):
    for path in ["/docs/nope.js", "/docs/swagger-ui.js.map", "/docs/..%2Findex.html"]:
        assert_problem(client.get(path), 404)
    assert_problem(client.post("/docs"), 405)


def test_auth_off_document_describes_what_is_served(document):
    # Regression: with --auth off the document listed /auth/* and bearer
    # security, which then answered 404.
    assert not [p for p in document["paths"] if p.startswith("/auth")]
    assert "securitySchemes" not in document.get("components", {})
    assert document.get("security", []) == []
    assert "accounts" not in {t["name"] for t in document.get("tags", [])}


def test_auth_required_document_equals_brisk_openapi(brisk_factory, tmp_path):
    b = brisk_factory(auth="required")
    served = httpx.get(f"{b.url}/openapi.json", timeout=10).json()
    assert "/auth/token" in served["paths"]
    assert "bearerAuth" in served["components"]["securitySchemes"]
    rc, out, err = run_brisk(["openapi"], cwd=tmp_path)
    assert rc == 0, err
    printed = json.loads(out)
    printed.pop("servers")
    served.pop("servers")
    assert printed == served


def test_docs_with_a_trailing_slash_redirects(server):
    # Regression: /docs/ was a 404.
    r = raw_get(server, "/docs/")
    assert r.status == 308
    assert r.header("location") == "/docs"
