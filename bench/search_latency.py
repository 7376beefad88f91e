#!/usr/bin/python3
"""p50 and max of GET /tasks for a few query strings against a running brisk,
every request distinct (limit BASE, BASE+1, ...), so that no answer comes
from a read cache whatever the binary (for before/after comparisons with
builds that lack --read-cache off). With --pid, also the server's CPU time
per request (user + system, from /proc/PID/stat: steadier than latency on a
shared machine; its resolution is one clock tick over N requests).

    bench/search_latency.py [--pid PID] [--limit BASE] [-n N] HOST PORT \\
        'q=u' 'q=update&sort=-created_at' ...
"""
import argparse
import http.client
import os
import statistics
import time


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of stat(5); [1] starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("queries", nargs="+")
    ap.add_argument("--pid", type=int, help="the server's pid: report its CPU per request")
    ap.add_argument("--limit", type=int, default=20, help="the first request's limit")
    ap.add_argument("-n", type=int, default=15, help="requests per query string")
    a = ap.parse_args()
    c = http.client.HTTPConnection(a.host, a.port, timeout=60)
    for qs in a.queries:
        lat = []
        cpu0 = cpu_seconds(a.pid) if a.pid else 0.0
        for i in range(a.n):
            t = time.perf_counter()
            c.request("GET", f"/tasks?{qs}&limit={a.limit + i}")
            r = c.getresponse()
            r.read()
            assert r.status == 200, (qs, r.status)
            lat.append((time.perf_counter() - t) * 1000)
        cpu = ""
        if a.pid:
            cpu = f"  cpu {(cpu_seconds(a.pid) - cpu0) * 1000 / a.n:7.2f} ms/request"
        print(f"{qs:40s} p50 {statistics.median(lat):9.2f} ms  max {max(lat):9.2f} ms{cpu}"
              f"  (n={a.n})")


if __name__ == "__main__":
    main()
