"""GET / and /app/{asset}: the web UI as bytes on the wire. Every file of
web/app/ is served (the build embeds the folder), with its type, ETag,
gzip and revalidation; the page's Content-Security-Policy allows nothing
but this server, and the page and modules need nothing more: no inline
script or style, no other host, no HTML built from strings. (What the app
does in a browser is tests/browser/web_ui.mjs.)"""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from e2e_helpers import RawConn, assert_problem, request_bytes

WEB_APP = Path(__file__).resolve().parents[2] / "web" / "app"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml", ".html": "text/html; charset=utf-8"}


def raw_get(server, path, headers=None, method="GET"):
    with RawConn.to(server) as c:
        c.send(request_bytes(method, path, headers=headers))
        return c.read_response(head_request=method == "HEAD")


def app_files():
    return sorted(p.name for p in WEB_APP.iterdir() if p.is_file() and p.name != "index.html")


def test_the_page_has_a_strict_content_security_policy(server):
    r = raw_get(server, "/")
    assert r.status == 200
    assert r.header("content-type") == "text/html; charset=utf-8"
    assert r.header("cache-control") == "no-cache"
    assert r.header("x-content-type-options") == "nosniff"
    directives = {d.split()[0]: d.split()[1:] for d in r.header("content-security-policy").split(";")
                  if d.strip()}
    assert directives["default-src"] == ["'self'"]
    for name in ("script-src", "style-src", "img-src", "connect-src"):
        assert directives[name] == ["'self'"], name
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert r.body == (WEB_APP / "index.html").read_bytes()


def test_the_page_needs_nothing_inline_and_nothing_from_elsewhere(server):
    html = raw_get(server, "/").body.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, "an inline script"
    assert re.search(r"<style\b", html) is None, "a <style> element"
    assert re.search(r"\sstyle=", html) is None, "a style attribute"
    assert re.search(r"\son[a-z]+=", html) is None, "an inline event handler"
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "app/main.js" in refs and "app/style.css" in refs
    for ref in refs:
        if ref == "docs":  # the <noscript> link to the API docs
            continue
        assert ref.startswith("app/") and "//" not in ref, ref
        assert raw_get(server, "/" + ref).status == 200, ref


def test_every_file_of_web_app_is_served_and_modules_resolve(server):
    served = {}
    for name in app_files():
        r = raw_get(server, f"/app/{name}")
        assert r.status == 200, name
        assert r.header("content-type") == TYPES[Path(name).suffix], name
        assert r.body == (WEB_APP / name).read_bytes(), f"{name} differs from web/app/"
        served[name] = r.body.decode()
    # Every relative import names a served module; no module names a host
    # or builds HTML from strings.
    for name, source in served.items():
        if not name.endswith(".js"):
            continue
        for target in re.findall(r'^import .* from "([^"]+)";$', source, re.M):
            assert target.startswith("./") and target[2:] in served, f"{name} imports {target}"
        code = re.sub(r"(^|\s)//.*$", "", source, flags=re.M)  # comments may name them
        assert re.search(r"https?://", code) is None, f"{name} names a host"
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in code, f"{name} uses {sink}"


@pytest.mark.parametrize("path", ["/", "/app/main.js", "/app/style.css", "/app/icon.svg"])
def test_files_revalidate_with_etags_and_gzip(server, path):
    plain = raw_get(server, path)
    etag = plain.header("etag")
    assert plain.status == 200 and etag
    # ES modules import each other by plain URLs: nothing is cached
    # without revalidation, or an upgrade could mix old and new modules.
    assert plain.header("cache-control") == "no-cache"
    gz = raw_get(server, path, [("Accept-Encoding", "gzip")])
    assert gz.header("content-encoding") == "gzip"
    assert gzip.decompress(gz.body) == plain.body
    assert gz.header("etag") != etag
    nm = raw_get(server, path, [("If-None-Match", etag)])
    assert nm.status == 304 and nm.body == b""
    head = raw_get(server, path, method="HEAD")
    assert head.status == 200 and head.header("content-length") == plain.header("content-length")


def test_unknown_app_files_are_problem_404s(client):
    for path in ["/app/nope.js", "/app/index.html", "/app/..%2Fmain.js", "/app/"]:
        assert_problem(client.get(path), 404)
    assert_problem(client.post("/"), 405)
