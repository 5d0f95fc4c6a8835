"""OpenTelemetry without a library: each request continues the caller's W3C traceparent as a
server span, exported as OTLP/HTTP JSON to $OTEL_EXPORTER_OTLP_ENDPOINT every second. Nothing is
sent when the variable is unset (telemetry is opt-in), and a failed export is dropped, never
retried into memory."""
import json
import os
import re
import secrets
import threading
import time
import urllib.request

ENDPOINT = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or (
    os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"].rstrip("/") + "/v1/traces"
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    else None
)
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
_pending = []
_lock = threading.Lock()
MAX_PENDING = 2000


def span(traceparent, name, started_ns, status):
    """Records one finished server span; returns the traceparent to answer with."""
    m = TRACEPARENT.match(traceparent or "")
    trace_id, parent = (m.group(1), m.group(2)) if m else (secrets.token_hex(16), None)
    span_id = secrets.token_hex(8)
    if ENDPOINT:
        s = {
            "traceId": trace_id,
            "spanId": span_id,
            "name": name,
            "kind": 2,
            "startTimeUnixNano": str(started_ns),
            "endTimeUnixNano": str(time.time_ns()),
            "attributes": [{"key": "http.response.status_code", "value": {"intValue": str(status)}}],
            "status": {"code": 2 if status >= 500 else 0},
        }
        if parent:
            s["parentSpanId"] = parent
        with _lock:
            if len(_pending) < MAX_PENDING:
                _pending.append(s)
    return f"00-{trace_id}-{span_id}-01"


def _export_forever():
    while True:
        time.sleep(1)
        flush()


def flush():
    with _lock:
        batch = _pending[:]
        _pending.clear()
    if not batch or not ENDPOINT:
        return
    body = {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "notes"}}]},
                "scopeSpans": [{"scope": {"name": "notes"}, "spans": batch}],
            }
        ]
    }
    req = urllib.request.Request(ENDPOINT, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=3).read()
    except OSError:
        pass  # the collector is optional: spans are dropped, the service goes on


def start():
    if ENDPOINT:
        threading.Thread(target=_export_forever, daemon=True).start()
