#!/usr/bin/python3
"""canned vs canned-uring with the server saturated: a busy loop shares core 0
with the server (CFS gives each about half), so the server cannot keep up with
wrk (core 1) and its loop handles more requests per wake-up. Prints req/s, the
server's CPU per request (/proc utime+stime over wrk's requests) and, unless
--no-perf, syscalls per request (perf stat raw_syscalls:sys_enter, whose own
cost falls more on canned's 2+ syscalls per request). Run from the repo root
after bench/setup. See docs/DECISIONS.md, "io_uring: the ceiling, measured".
"""
import os, subprocess, re, sys
NOPERF = "--no-perf" in sys.argv
TCK = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / TCK
spin = subprocess.Popen(["taskset", "-c", "0", "/usr/bin/python3", "-c", "while True: pass"])
try:
    port = 18500
    for name in ["canned", "canned-uring", "canned", "canned-uring"]:
        port += 1
        binary = "bench/peers/canned/canned" if name == "canned" else "bench/peers/canned-uring/canned_uring"
        p = subprocess.Popen(["taskset", "-c", "0", binary, str(port)], stdout=subprocess.PIPE, text=True)
        p.stdout.readline()
        w = ["taskset", "-c", "1", "wrk", "-t1", "-c100", "-s", "bench/lua/get_by_id.lua", f"http://127.0.0.1:{port}"]
        subprocess.run(w[:5] + ["-d2s"] + w[5:], capture_output=True)
        c0 = cpu(p.pid)
        perf = None if NOPERF else subprocess.Popen(["taskset", "-c", "1", "perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "-p", str(p.pid), "--", "sleep", "10"], stderr=subprocess.PIPE, text=True)
        out = subprocess.run(w[:5] + ["-d10s"] + w[5:], capture_output=True, text=True).stdout
        c1 = cpu(p.pid)
        sysc = 0 if NOPERF else int(perf.communicate()[1].strip().splitlines()[-1].split(",")[0])
        n = int(re.search(r"(\d+) requests in", out)[1]); rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
        print(f"{name:13s} {rps:9,.0f} req/s  server CPU {c1-c0:5.2f} s of 10  {1e6*(c1-c0)/n:5.2f} us/req  {sysc/n:4.2f} syscalls/req", flush=True)
        p.terminate(); p.wait()
finally:
    spin.terminate(); spin.wait()
