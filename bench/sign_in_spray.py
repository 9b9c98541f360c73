#!/usr/bin/env python3
"""Guessing passwords from one address against Xinzhi's sign-in throttle.

Generates a small demo city into a temporary directory, serves it on a loopback port, then
signs in as `analyst` with wrong passwords as fast as one client can for SECONDS, and prints
how many attempts reached the password check, how many were refused (429) while the address
waited, and how many audit rows the spray left.

Usage: python3 bench/sign_in_spray.py [--bin target/release/xinzhi] [--seconds 65]
"""

import argparse
import collections
import http.cookiejar
import re
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def attempt(base, user, password):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
    html = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"csrf": csrf, "username": user, "password": password, "next": "/"}).encode()
    try:
        return opener.open(base + "/login", data).status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="target/release/xinzhi")
    parser.add_argument("--seconds", type=float, default=65)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        subprocess.run([args.bin, "demo", "--scale", "small", "--data", data], check=True, capture_output=True)
        server = subprocess.Popen(
            [args.bin, "serve", "--demo", "--listen", "127.0.0.1:0", "--data", data],
            stderr=subprocess.PIPE, text=True, env={"XINZHI_LOG": "warn", "PATH": "/usr/bin:/bin"},
        )
        try:
            base = None
            for line in server.stderr:
                found = re.search(r"Xinzhi is serving at (http://[\d.]+:\d+)", line)
                if found:
                    base = found.group(1)
                    break
            started = time.time()
            counts, checked = collections.Counter(), []
            while time.time() - started < args.seconds:
                status = attempt(base, "analyst", f"guess-Number-{sum(counts.values())}")
                counts[status] += 1
                if status == 401:
                    checked.append(round(time.time() - started, 1))
            elapsed = time.time() - started
        finally:
            server.terminate()
            server.wait()
        rows = sqlite3.connect(f"{data}/xinzhi.db").execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login' AND outcome = 'failure'"
        ).fetchone()[0]
    total = sum(counts.values())
    print(f"one address, {elapsed:.0f} s: {total} attempts ({total / elapsed:.0f}/s); {counts[401]} reached the "
          f"password check, at {checked} s; {counts[429]} refused with 429 while the address waited; "
          f"{rows} audit rows for the spray")


if __name__ == "__main__":
    main()
