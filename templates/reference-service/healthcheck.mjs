// The image's HEALTHCHECK, for every role of the image: the API answers /health; the
// session-expiry worker has written its heartbeat within the last 30 s; the migration, which
// runs to completion, is healthy while it runs. The role is read from PID 1's arguments.
import { readFileSync, statSync } from 'node:fs';

const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
const role = args.find((a) => a.startsWith('--role='))?.slice('--role='.length) ?? 'api';
if (role === 'expire-sessions') {
  let fresh = false;
  try {
    fresh = Date.now() - statSync('/tmp/reference-worker.heartbeat').mtimeMs < 30_000;
  } catch {
    fresh = false;
  }
  process.exit(fresh ? 0 : 1);
} else if (role === 'migrate') {
  process.exit(0);
} else {
  fetch(`http://127.0.0.1:${process.env.PORT || 8080}/health`).then(
    (r) => process.exit(r.ok ? 0 : 1),
    () => process.exit(1),
  );
}
