#!/usr/bin/python3
"""Checks that canned_uring answers like canned (same counts of answers, same
bytes) on keep-alive, pipelining, split headers, bodies holding CRLFCRLF, many
connections and a peer that never reads. Not a test of speed.

    bench/setup && bench/peers/canned-uring/same_answers.py [canned_uring binary]

Build with -DCANNED_URING_BUFS=4 and pass that binary to drive the -ENOBUFS
re-arm path (300 connections share 4 provided buffers).
"""
import socket
import subprocess
import sys
import time
from pathlib import Path

PEERS = Path(__file__).resolve().parent.parent
GET = b"GET /tasks/1 HTTP/1.1\r\nHost: x\r\n\r\n"
POST = b"POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n" + b"\r\n\r\nabcdefg"


def exchange(port, chunks, expect, delay=0.05):
    """Sends chunks with a pause between them; returns every byte received."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(2)
    for ch in chunks:
        s.sendall(ch)
        time.sleep(delay)
    data = b""
    try:
        while data.count(b"HTTP/1.1 200 OK") < expect:
            d = s.recv(1 << 20)
            if not d:
                break
            data += d
        s.settimeout(0.3)  # anything beyond the expected answers is a bug
        data += s.recv(1 << 20)
    except socket.timeout:
        pass
    s.close()
    return data


def run(binary, port):
    p = subprocess.Popen([str(binary), str(port)], stdout=subprocess.PIPE)
    p.stdout.readline()
    try:
        out = {
            "keep-alive 3": exchange(port, [GET, GET, GET], 3),
            "pipelined 5": exchange(port, [GET * 5], 5),
            "POST, body holding CRLFCRLF, split": exchange(port, [POST[:40], POST[40:60], POST[60:], GET], 2),
            "2000 pipelined": exchange(port, [GET * 2000], 2000),
            "header byte by byte": exchange(port, [bytes([b]) for b in GET], 1, 0.001),
        }
        socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
        for s in socks:
            s.sendall(GET)
        out["300 connections"] = b"".join(s.recv(4096) for s in socks)
        for s in socks:
            s.close()
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(GET * 20000)  # and never read
        s.close()
        time.sleep(0.2)
        out["after a peer that never read"] = exchange(port, [GET], 1)
        return out
    finally:
        p.terminate()
        p.wait()


def main():
    uring = Path(sys.argv[1]) if len(sys.argv) > 1 else PEERS / "canned-uring" / "canned_uring"
    want = run(PEERS / "canned" / "canned", 18181)
    got = run(uring, 18182)
    bad = 0
    for case, data in want.items():
        same = data == got[case]
        bad += not same
        print(f"{'same' if same else 'DIFFERENT'}: {case} ({data.count(b'HTTP/1.1 200 OK')} answers from canned, "
              f"{got[case].count(b'HTTP/1.1 200 OK')} from canned_uring)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
