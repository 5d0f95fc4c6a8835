"""Notes: a second reference service for Rehearsal, in Python on PostgreSQL.

It shares nothing with the Patient API (other language, other routes, other log format), so the
checks are shown to judge any vendor's service. Standard library plus psycopg from Debian.
Each NAUGHTY_* variable switches on one packaging fault (faults.py); with none it meets every
Service Packaging Requirement.
"""
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import faults
import openapi
import store
import tracing

FAULTS = faults.read(os.environ)
PORT = int(os.environ.get("PORT", "8080"))


def log(**fields):
    """One JSON line per event on stdout: route templates and outcomes, never values sent."""
    line = json.dumps({"t": round(time.time(), 3), **fields})
    print(line, flush=True)
    faults.also_to_file(FAULTS, line)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "notes/1"

    def log_message(self, *args):
        pass  # the access log is ours (log()), without query strings or bodies

    def base(self):
        if FAULTS["fixed_host"]:
            return "https://notes.vendor.example"
        proto = self.headers.get("X-Forwarded-Proto", "http").split(",")[0].strip()
        return f"{proto}://{self.headers.get('Host', 'localhost')}"

    def reply(self, status, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        return status

    def read_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if FAULTS["log_body"] and raw:
            log(event="body", route=self.route, body=raw.decode(errors="replace"))
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def handle_one(self, method):
        started = time.monotonic()
        self.started_ns = time.time_ns()
        path, _, query = self.path.partition("?")
        parts = [p for p in path.split("/") if p]
        self.route = "/" + "/".join(p if i == 0 else "{id}" for i, p in enumerate(parts))
        try:
            status = self.dispatch(method, parts, query)
        except store.Unavailable as err:
            status = self.reply(503, {"error": "database unavailable"})
            log(event="error", route=self.route, error=type(err.__cause__).__name__)
        tracing.span(self.headers.get("traceparent"), f"{method} {self.route}", self.started_ns, status)
        log(event="request", method=method, route=self.route, status=status,
            ms=round((time.monotonic() - started) * 1000, 1))
        faults.on_request(FAULTS, self.route)

    def dispatch(self, method, parts, query):
        if method == "GET" and parts == ["health"]:
            return self.reply(200 if store.ping() else 503, {"status": "ok"})
        if method == "GET" and parts == ["openapi.json"]:
            return self.reply(200, openapi.DOCUMENT)
        if method == "GET" and parts == []:
            b = self.base()
            return self.reply(200, {"service": "notes", "links": {"self": b + "/", "notes": b + "/notes"}})
        if method == "POST" and parts == ["notes"]:
            note = self.read_json()
            if not isinstance(note, dict) or not isinstance(note.get("title"), str):
                return self.reply(400, {"error": "title (a string) is required"})
            nid = store.add_note(note["title"], str(note.get("text", "")))
            faults.keep_locally(FAULTS, nid, note)
            return self.reply(201, {"id": nid}, {"Location": f"{self.base()}/notes/{nid}"})
        if method == "GET" and parts == ["notes"]:
            title = dict(kv.partition("=")[::2] for kv in query.split("&") if kv).get("title")
            ids = store.find_notes(unquote(title or ""))
            return self.reply(200, {"total": len(ids), "items": [{"id": i} for i in ids]})
        if method == "GET" and len(parts) == 2 and parts[0] == "notes":
            note = store.get_note(parts[1])
            return self.reply(200, note) if note else self.reply(404, {"error": "no such note"})
        if method == "POST" and parts == ["login"]:
            body = self.read_json() or {}
            user = body.get("user") if isinstance(body, dict) else None
            if not isinstance(user, str) or not user:
                return self.reply(400, {"error": "user is required"})
            return self.reply(201, {"token": sessions.issue(user)})
        if method == "GET" and parts == ["me"]:
            auth = self.headers.get("Authorization", "")
            user = sessions.verify(auth[7:]) if auth.startswith("Bearer ") else None
            return self.reply(200, {"user": user}) if user else self.reply(401, {"error": "login first"})
        return self.reply(404, {"error": "not found"})

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")


def unquote(s):
    from urllib.parse import unquote_plus
    return unquote_plus(s)


def main():
    global sessions
    store.connect(os.environ.get("DATABASE_URL", ""), bootstrap=not FAULTS["no_schema"], log=log)
    sessions = faults.sessions(FAULTS, store.secret())
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    server.daemon_threads = True
    faults.start(FAULTS, server, log)
    tracing.start()

    def stop(signum, _frame):
        log(event="stopping", signal=signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, signal.SIG_IGN if FAULTS["ignore_sigterm"] else stop)
    log(event="listening", port=PORT, faults=[k for k, v in FAULTS.items() if v])
    server.serve_forever()
    server.server_close()
    tracing.flush()
    store.close()
    log(event="stopped")
    sys.exit(0)


if __name__ == "__main__":
    main()
