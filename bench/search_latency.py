#!/usr/bin/python3
"""p50 and max of GET /tasks for a few query strings against a running brisk,
every request distinct (limit 20, 21, ...), so that no answer comes from a
read cache whatever the binary (for before/after comparisons with builds
that lack --read-cache off).

    bench/search_latency.py HOST PORT 'q=u' 'q=update&sort=-created_at' ...
"""
import http.client
import statistics
import sys
import time

N = 15


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    c = http.client.HTTPConnection(host, port, timeout=60)
    for qs in sys.argv[3:]:
        lat = []
        for i in range(N):
            t = time.perf_counter()
            c.request("GET", f"/tasks?{qs}&limit={20 + i}")
            r = c.getresponse()
            r.read()
            assert r.status == 200, (qs, r.status)
            lat.append((time.perf_counter() - t) * 1000)
        print(f"{qs:40s} p50 {statistics.median(lat):9.2f} ms  max {max(lat):9.2f} ms  (n={N})")


if __name__ == "__main__":
    main()
