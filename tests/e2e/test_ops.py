"""Operations: /metrics (Prometheus text), --rate-limit, and transfer codings
brisk does not implement."""
import re
import time

from e2e_helpers import RawConn, assert_problem, create_task, make_client, request_bytes


def metric_value(text: str, name: str, labels: dict) -> float:
    """The value of one sample; 0 when absent."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(want) + r"\}" if labels else "") + r" (\S+)$"
    for line in text.splitlines():
        m = re.match(pattern, line)
        if m:
            return float(m.group(1))
    return 0.0


def test_metrics_count_requests_commits_and_connections(brisk_factory):
    b = brisk_factory()
    with make_client(b.url) as c:
        before = c.get("/metrics").text
        for i in range(3):
            create_task(c, title=f"m{i}")
        c.get("/tasks")
        c.get("/no-such-path")
        r = c.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = r.text
    posts = {"method": "POST", "route": "/tasks", "status": "201"}
    assert metric_value(text, "brisk_http_requests_total", posts) == \
        metric_value(before, "brisk_http_requests_total", posts) + 3
    assert metric_value(text, "brisk_http_requests_total",
                        {"method": "GET", "route": "/tasks", "status": "200"}) >= 1
    assert metric_value(text, "brisk_http_requests_total",
                        {"method": "GET", "route": "unmatched", "status": "404"}) >= 1
    # Histogram: cumulative buckets end with +Inf == count.
    count = metric_value(text, "brisk_http_request_duration_seconds_count", {"route": "/tasks"})
    inf = metric_value(text, "brisk_http_request_duration_seconds_bucket", {"route": "/tasks", "le": "+Inf"})
    assert count == inf >= 4
    assert metric_value(text, "brisk_http_request_duration_seconds_sum", {"route": "/tasks"}) > 0
    commits = metric_value(text, "brisk_db_commits_total", {})
    assert 1 <= commits <= 3
    assert metric_value(text, "brisk_db_commit_batch_size_sum", {}) == 3
    assert metric_value(text, "brisk_db_commit_batch_size_count", {}) == commits
    assert metric_value(text, "brisk_http_connections_open", {}) >= 1
    for family in ("brisk_http_requests_total", "brisk_http_request_duration_seconds",
                   "brisk_http_connections_open", "brisk_db_commits_total", "brisk_db_commit_batch_size"):
        assert f"# TYPE {family} " in text


def test_connections_open_gauge_follows_connections(brisk_factory):
    b = brisk_factory()
    conns = [RawConn.to(b) for _ in range(5)]
    for rc in conns:  # make sure the server has accepted them
        rc.send(request_bytes("GET", "/healthz"))
        rc.read_response()
    with make_client(b.url) as c:
        with_five = metric_value(c.get("/metrics").text, "brisk_http_connections_open", {})
        for rc in conns:
            rc.close()
        deadline = time.time() + 5
        while time.time() < deadline:
            after = metric_value(c.get("/metrics").text, "brisk_http_connections_open", {})
            if after <= with_five - 5:
                break
            time.sleep(0.05)
    assert with_five >= 6
    assert after == with_five - 5


def test_rate_limit_answers_429_with_retry_after_and_spares_probes(brisk_factory):
    b = brisk_factory(extra=["--rate-limit", "5/s"])
    with make_client(b.url) as c:
        codes = [c.get("/tasks").status_code for _ in range(8)]
        assert codes[:5] == [200] * 5
        assert 429 in codes[5:]
        r = c.get("/tasks")
        assert_problem(r, 429)
        assert int(r.headers["retry-after"]) >= 1
        # Health, readiness and metrics are never limited.
        assert all(c.get(p).status_code == 200 for p in ["/healthz", "/readyz", "/metrics"] * 5)
        time.sleep(1.2)
        assert c.get("/tasks").status_code == 200


def test_rate_limit_option_is_validated(brisk_factory):
    from e2e_helpers import run_brisk, serve_args
    for bad in ["0/s", "5", "five/s", "5/m", "-1/s"]:
        rc, _, err = run_brisk(serve_args(":memory:", extra=["--rate-limit", bad]))
        assert rc not in (0, None), bad
        assert "rate-limit" in err


def test_unsupported_transfer_coding_is_501_and_close(server):
    with RawConn.to(server) as rc:
        rc.send(request_bytes("POST", "/tasks", headers=[("Transfer-Encoding", "gzip, chunked"),
                                                          ("Content-Type", "application/json")])
                + b"0\r\n\r\n")
        resp = rc.read_response()
        assert resp.status == 501
        assert rc.wait_closed(3)
