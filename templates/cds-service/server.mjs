// Rehearsal's reference CDS Hooks service: one patient-view hook that reads its prefetch and
// answers one card (CDS Hooks 2.0). Node's standard library only; keeps nothing, writes nothing.
// NAUGHTY_LOG_PREFETCH=1 logs each request's prefetch (PHI in the logs); NAUGHTY_BAD_CARDS=1
// answers cards the CDS Hooks schema refuses. Each breaks one requirement.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const PORT = Number(process.env.PORT ?? 8080);
// Every interface in a container (the platform's edge reaches it there); 127.0.0.1 when run by hand.
const HOST = process.env.HOST ?? '0.0.0.0';
const on = (name) => /^(1|true|yes)$/i.test(process.env[name] ?? '');
const LOG_PREFETCH = on('NAUGHTY_LOG_PREFETCH');
// Cards the CDS Hooks schema refuses: an unknown indicator and no source.
const BAD_CARDS = on('NAUGHTY_BAD_CARDS');
const MAX_BODY = 1024 * 1024;

const SERVICE = {
  hook: 'patient-view',
  id: 'patient-greeting',
  title: 'Patient greeting',
  description: 'Greets the patient whose chart is opened, from the prefetched Patient resource.',
  prefetch: { patient: 'Patient/{{context.patientId}}' },
};

/** One JSON object per line on stdout; fixed messages and counters, never a request's data. */
function log(msg, fields = {}) {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), msg, ...fields }) + '\n');
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** The displayed name of a FHIR Patient: its first name's given and family parts. */
function displayName(patient) {
  const n = Array.isArray(patient?.name) ? patient.name[0] : undefined;
  if (!n) return undefined;
  const parts = [...(Array.isArray(n.given) ? n.given : []), n.family].filter(
    (x) => typeof x === 'string' && x,
  );
  return parts.length ? parts.join(' ') : n.text;
}

/** The hook call: its prefetched Patient, or 412 when the client did not send it. */
function invoke(body) {
  if (!body || typeof body !== 'object' || body.hook !== SERVICE.hook)
    return [400, { error: `expected a ${SERVICE.hook} hook request` }];
  if (
    typeof body.hookInstance !== 'string' ||
    !body.context ||
    typeof body.context.patientId !== 'string'
  )
    return [400, { error: 'hookInstance and context.patientId are required' }];
  const patient = body.prefetch?.patient;
  // CDS Hooks 2.0: without the data it needs (and no FHIR server of its own), 412.
  if (!patient || patient.resourceType !== 'Patient')
    return [412, { error: 'prefetch "patient" is missing' }];
  const name = displayName(patient) ?? 'this patient';
  return [
    200,
    {
      cards: [
        {
          uuid: randomUUID(),
          summary: `Now seeing: ${name}`.slice(0, 139),
          ...(BAD_CARDS
            ? { indicator: 'urgent' }
            : { indicator: 'info', source: { label: 'Rehearsal reference CDS service' } }),
        },
      ],
    },
  ];
}

async function route(req, res) {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && (path === '/' || path === '/health'))
    return send(res, 200, { status: 'ok', discovery: '/cds-services' });
  if (req.method === 'GET' && path === '/cds-services')
    return send(res, 200, { services: [SERVICE] });
  if (req.method === 'POST' && path === `/cds-services/${SERVICE.id}`) {
    const body = await readJson(req);
    if (LOG_PREFETCH)
      log('hook call', { hookInstance: body?.hookInstance, prefetch: body?.prefetch });
    const [status, answer] = invoke(body);
    return send(res, status, answer);
  }
  if (req.method === 'POST' && path === `/cds-services/${SERVICE.id}/feedback`) {
    const body = await readJson(req);
    // Feedback is acknowledged and counted, not kept: this service learns nothing from it.
    const n = Array.isArray(body?.feedback) ? body.feedback.length : 0;
    return n > 0 ? send(res, 200, {}) : send(res, 400, { error: 'expected { feedback: [...] }' });
  }
  return send(res, 404, { error: 'not found' });
}

const server = createServer((req, res) => {
  const t0 = Date.now();
  res.on('finish', () =>
    log('request', {
      method: req.method,
      path: (req.url ?? '/').split('?')[0],
      status: res.statusCode,
      ms: Date.now() - t0,
    }),
  );
  route(req, res).catch((err) => send(res, 400, { error: err.message }));
});

function shutdown(signal) {
  log('stopping', { signal });
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

server.listen(PORT, HOST, () =>
  log('listening', {
    port: PORT,
    naughty: [LOG_PREFETCH && 'NAUGHTY_LOG_PREFETCH', BAD_CARDS && 'NAUGHTY_BAD_CARDS'].filter(
      Boolean,
    ),
  }),
);
