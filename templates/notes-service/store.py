"""The notes and the session secret, in PostgreSQL: nothing is kept in the container."""
import secrets
import threading
import time

import psycopg

_local = threading.local()
_url = ""


class Unavailable(Exception):
    """The database did not answer; the request gets 503."""


def _conn():
    c = getattr(_local, "conn", None)
    if c is None or c.closed:
        c = psycopg.connect(_url, autocommit=True, connect_timeout=5)
        _local.conn = c
    return c


def _run(sql, args=(), fetch=None):
    for attempt in (1, 2):
        try:
            with _conn().cursor() as cur:
                cur.execute(sql, args)
                return cur.fetchall() if fetch == "all" else cur.fetchone() if fetch == "one" else None
        except psycopg.OperationalError as err:
            _local.conn = None  # a restarted database: reconnect once, then give up
            if attempt == 2:
                raise Unavailable() from err


SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (id bigserial PRIMARY KEY, title text NOT NULL, body text NOT NULL);
CREATE INDEX IF NOT EXISTS notes_title ON notes (title);
CREATE TABLE IF NOT EXISTS settings (name text PRIMARY KEY, value text NOT NULL);
"""


def connect(url, bootstrap, log):
    """Waits up to 60 s for the database, then creates the schema (idempotent, under a lock)."""
    global _url
    _url = url
    deadline = time.monotonic() + 60
    while True:
        try:
            _conn().execute("SELECT 1")
            break
        except psycopg.OperationalError as err:
            _local.conn = None
            if time.monotonic() > deadline:
                raise SystemExit(f"database unreachable: {type(err).__name__}")
            time.sleep(1)
    if bootstrap:
        with _conn().transaction():
            _conn().execute("SELECT pg_advisory_xact_lock(4242)")
            _conn().execute(SCHEMA)
            _conn().execute(
                "INSERT INTO settings VALUES ('session_secret', %s) ON CONFLICT DO NOTHING",
                (secrets.token_hex(32),),
            )
        log(event="schema ready")
    else:
        found = _run("SELECT to_regclass('notes') IS NOT NULL", fetch="one")
        if not found or not found[0]:
            log(event="fatal", error="table notes is missing: run setup.sql first")
            raise SystemExit(3)


def secret():
    row = _run("SELECT value FROM settings WHERE name = 'session_secret'", fetch="one")
    return row[0] if row else ""


def ping():
    try:
        _run("SELECT 1")
        return True
    except Unavailable:
        return False


def add_note(title, body):
    return str(_run("INSERT INTO notes (title, body) VALUES (%s, %s) RETURNING id", (title, body), "one")[0])


def get_note(nid):
    if not nid.isdigit():
        return None
    row = _run("SELECT id, title, body FROM notes WHERE id = %s", (int(nid),), "one")
    return {"id": str(row[0]), "title": row[1], "text": row[2]} if row else None


def find_notes(title):
    return [str(r[0]) for r in _run("SELECT id FROM notes WHERE title = %s ORDER BY id LIMIT 50", (title,), "all")]


def close():
    c = getattr(_local, "conn", None)
    if c is not None:
        c.close()
