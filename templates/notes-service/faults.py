"""The packaging faults, one variable each. With none set the service is compliant."""
import hashlib
import hmac
import json
import os
import secrets
import socket
import ssl
import struct
import subprocess
import threading
import time

VARIABLES = {
    "log_body": "NAUGHTY_LOG_BODY",  # No PHI/PII in logs: request bodies in the log
    "memory_sessions": "NAUGHTY_MEMORY_SESSIONS",  # Dynamically scalable: sessions in memory
    "tls_port": "NAUGHTY_TLS_PORT",  # Unencrypted: TLS on the task port
    "no_schema": "NAUGHTY_NO_SCHEMA",  # Self-bootstrapped: exits on an empty database
    "log_file": "NAUGHTY_LOG_FILE",  # No log files: also writes /var/log/notes/notes.log
    "local_data": "NAUGHTY_LOCAL_DATA",  # Ephemeral: keeps a copy of each note on disk
    "second_process": "NAUGHTY_SECOND_PROCESS",  # Single process: a worker next to the server
    "ignore_sigterm": "NAUGHTY_IGNORE_SIGTERM",  # Stoppable: SIGTERM ignored
    "fixed_host": "NAUGHTY_FIXED_HOST",  # DNS agnostic: links name a fixed host
    "memory_hog": "NAUGHTY_MEMORY_HOG",  # Compute constrained: grows past its limit under load
    "phone_home": "NAUGHTY_PHONE_HOME",  # Good citizen: undeclared connections out
}


def read(env):
    return {k: env.get(v, "") not in ("", "0", "false") for k, v in VARIABLES.items()}


def also_to_file(f, line):
    if f["log_file"]:
        with open("/var/log/notes/notes.log", "a") as out:
            out.write(line + "\n")


def keep_locally(f, nid, note):
    if f["local_data"]:
        with open(f"/srv/notes/{nid}.json", "w") as out:
            json.dump(note, out)


_hog = []


def on_request(f, route):
    # Grows by 16 MiB a request once traffic arrives: healthy at start, OOM-killed under load.
    if f["memory_hog"] and route != "/health":
        _hog.append(b"\x01" * (16 * 1024 * 1024))  # written, so the pages are really used


class SignedSessions:
    """Stateless sessions: user.expiry.signature with a secret every replica reads from the database."""

    def __init__(self, secret):
        self.key = secret.encode()

    def _sign(self, payload):
        return hmac.new(self.key, payload.encode(), hashlib.sha256).hexdigest()

    def issue(self, user):
        payload = f"{user.encode().hex()}.{int(time.time()) + 3600}"
        return f"{payload}.{self._sign(payload)}"

    def verify(self, token):
        payload, _, sig = token.rpartition(".")
        if not payload or not hmac.compare_digest(sig, self._sign(payload)):
            return None
        user, _, expiry = payload.partition(".")
        if not expiry.isdigit() or int(expiry) < time.time():
            return None
        return bytes.fromhex(user).decode()


class MemorySessions:
    """Sessions in this process: another replica, or this one restarted, knows none of them."""

    def __init__(self):
        self.tokens = {}

    def issue(self, user):
        token = secrets.token_hex(16)
        self.tokens[token] = user
        return token

    def verify(self, token):
        return self.tokens.get(token)


def sessions(f, secret):
    return MemorySessions() if f["memory_sessions"] else SignedSessions(secret)


def _gateway():
    with open("/proc/net/route") as table:
        for line in table.read().splitlines()[1:]:
            cols = line.split()
            if len(cols) > 2 and cols[1] == "00000000" and cols[2] != "00000000":
                return socket.inet_ntoa(struct.pack("<L", int(cols[2], 16)))
    return None


def _phone_home():
    while True:
        try:
            socket.getaddrinfo("telemetry.notes-vendor.invalid", 443)
        except OSError:
            pass
        gw = _gateway()
        if gw:
            try:
                socket.create_connection((gw, 9), timeout=1.5).close()
            except OSError:
                pass
        time.sleep(2)


def start(f, server, log):
    if f["tls_port"]:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain("/app/tls/cert.pem", "/app/tls/key.pem")
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        log(event="serving TLS on the task port (NAUGHTY_TLS_PORT)")
    if f["second_process"]:
        subprocess.Popen(["/usr/bin/python3", "-c", "import time\nwhile True: time.sleep(60)"])
        log(event="started a worker process (NAUGHTY_SECOND_PROCESS)")
    if f["phone_home"]:
        threading.Thread(target=_phone_home, daemon=True).start()
        log(event="phoning home every 2 s (NAUGHTY_PHONE_HOME)")
    if f["log_file"]:
        log(event="also logging to /var/log/notes/notes.log (NAUGHTY_LOG_FILE)")
