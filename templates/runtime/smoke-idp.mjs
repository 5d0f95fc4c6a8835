// The identity provider's smoke test (`rehearsal check` on templates/runtime/check): discovery
// answers, its signing keys are published, and an unknown client is refused as OAuth says.
//   REHEARSAL_URL  the base URL (the TLS edge, or one replica)
// Node's fetch trusts the sandbox CA through NODE_EXTRA_CA_CERTS, which Rehearsal injects.
const base = (process.env.REHEARSAL_URL ?? 'http://127.0.0.1:9000').replace(/\/+$/, '');
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

async function get(path) {
  const res = await fetch(`${base}${path}`, {
    headers: { accept: 'application/json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

let discovery;
await step('GET /.well-known/openid-configuration answers the discovery document', async () => {
  const r = await get('/.well-known/openid-configuration');
  if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  discovery = r.json;
  if (!discovery?.issuer?.startsWith('https://')) throw new Error('no https issuer');
  return `issuer ${discovery.issuer}`;
});
await step('the signing keys are published (JWKS)', async () => {
  const path = new URL(discovery?.jwks_uri ?? '/jwks', base).pathname;
  const r = await get(path);
  if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  const keys = r.json?.keys ?? [];
  if (keys.length === 0) throw new Error('no key');
  return `${keys.length} key(s): ${keys.map((k) => k.kid).join(', ')}`;
});
await step('an unknown client is refused with invalid_client', async () => {
  const path = new URL(discovery?.authorization_endpoint ?? '/auth', base).pathname;
  const r = await get(
    `${path}?client_id=rehearsal-smoke-unknown&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fexample.invalid%2Fcb`,
  );
  if (r.status !== 400 || !r.text.includes('invalid_client'))
    throw new Error(`HTTP ${r.status}: ${r.text.slice(0, 80)}`);
  return 'HTTP 400 invalid_client';
});
process.exit(failed === 0 ? 0 : 1);
