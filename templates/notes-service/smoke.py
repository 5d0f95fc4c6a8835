"""Smoke test: a note written and read back, a login and /me, against $REHEARSAL_URL."""
import json
import os
import sys
import urllib.request

BASE = os.environ["REHEARSAL_URL"].rstrip("/")


def call(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, {}


def expect(what, got, want):
    print(f"{what}: {got}")
    if got != want:
        print(f"FAIL: {what} should be {want}")
        sys.exit(1)


status, created = call("POST", "/notes", {"title": "smoke", "text": "a smoke-test note"})
expect("POST /notes", status, 201)
status, note = call("GET", f"/notes/{created['id']}")
expect("GET /notes/{id}", status, 200)
status, session = call("POST", "/login", {"user": "smoke"})
expect("POST /login", status, 201)
status, me = call("GET", "/me", token=session["token"])
expect("GET /me", status, 200)
print("smoke test passed")
