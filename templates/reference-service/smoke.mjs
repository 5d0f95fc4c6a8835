// The reference service's smoke test: exercises the declared FHIR Patient API against the URL
// it is given and exits 0 only when every step behaves. `rehearsal check` runs it in the
// service's own image on the sandbox network:
//   REHEARSAL_URL          the base URL (the TLS edge, or one replica)
//   REHEARSAL_CANARY_NAME  a synthetic family name to create the patient with (optional)
// Node's fetch trusts the sandbox CA through NODE_EXTRA_CA_CERTS, which Rehearsal injects.
const base = (process.env.REHEARSAL_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const family = process.env.REHEARSAL_CANARY_NAME ?? `Smoke${Date.now().toString(36)}`;
const fhir = 'application/fhir+json';
let failed = 0;

async function step(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    console.log(`ok   ${name} (${Date.now() - started} ms)${detail ? `: ${detail}` : ''}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err.message}`);
  }
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

async function call(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body ? { 'content-type': fhir, accept: fhir } : { accept: fhir },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

let id;
await step('GET /metadata answers a CapabilityStatement', async () => {
  const r = await call('GET', '/metadata');
  expect(r.status === 200, `status ${r.status}`);
  expect(r.json?.resourceType === 'CapabilityStatement', `resourceType ${r.json?.resourceType}`);
});
await step('POST /Patient creates a patient', async () => {
  const r = await call('POST', '/Patient', {
    resourceType: 'Patient',
    name: [{ family, given: ['Smoke'] }],
    birthDate: '1970-01-01',
  });
  expect(r.status === 201, `status ${r.status}`);
  id = r.json?.id;
  expect(typeof id === 'string', 'no id in the answer');
  return `Patient/${id}`;
});
await step('GET /Patient/{id} reads it back', async () => {
  expect(id, 'nothing was created');
  const r = await call('GET', `/Patient/${id}`);
  expect(r.status === 200, `status ${r.status}`);
  expect(r.json?.name?.[0]?.family === family, 'another name came back');
});
await step('GET /Patient?name= finds it', async () => {
  const r = await call('GET', `/Patient?name=${encodeURIComponent(family)}`);
  expect(r.status === 200, `status ${r.status}`);
  expect(r.json?.total >= 1, `total ${r.json?.total}`);
});
await step('DELETE /Patient/{id} removes it', async () => {
  expect(id, 'nothing was created');
  const r = await call('DELETE', `/Patient/${id}`);
  expect(r.status === 204, `status ${r.status}`);
  const again = await call('GET', `/Patient/${id}`);
  expect(again.status === 404 || again.status === 410, `read after delete: ${again.status}`);
});

console.log(failed === 0 ? 'smoke test passed' : `smoke test failed: ${failed} step(s)`);
process.exit(failed === 0 ? 0 : 1);
