import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { execa } from 'execa';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../sandbox/plan/types.js';
import { listReplicas } from '../../sandbox/sandbox/replicas.js';
import { readState } from '../../sandbox/sandbox/state.js';
import { REFERENCE, rehearsal, ROOT, tempDir } from '../helpers/cli.js';
import { edgeClient, edgeRequest, type EdgeClient } from '../helpers/edge.js';
import { edgeFetch } from '../helpers/edge-fetch.js';
import { removeSandbox, testEngine } from '../helpers/engine.js';
import { runScimSuite } from '../../idp/scim/suite.js';
import { runFlows, smartLaunch, type FlowInput } from '../helpers/oidc.js';
import { mintLaunch } from '../../idp/smart.js';
import { broken, smartConfigurationRules, tokenResponseRules } from '../../idp/smart-rules.js';
import { trustingChromium } from '../helpers/chromium.js';

const engine = await testEngine();
// This file's own edge port, so it never meets another sandbox on 8443.
const PORT = 28443;
const ENV = { REHEARSAL_PROXY_PORT: String(PORT) };
const APP = `https://patient-api.rehearsal.localhost:${PORT}`;
const ISSUER = `https://idp.rehearsal.localhost:${PORT}`;

describe.skipIf(!engine)(
  'the identity provider: one issuer for browser, host and containers',
  () => {
    const id = 'rt-idp';
    const project = tempDir();
    const stateDir = join(project.dir, '.rehearsal', id);
    let plan: Plan;
    let edge: EdgeClient;
    let input: FlowInput;

    beforeAll(async () => {
      await removeSandbox(engine!, id);
      cpSync(join(REFERENCE, 'marketplace.json'), join(project.dir, 'marketplace.json'));
      writeFileSync(
        join(project.dir, 'rehearsal.yaml'),
        `sandbox: { name: ${id} }\ndatabase: { kind: postgres }\nreplicas: 3\ntasks:\n  "Patient API":\n` +
          `    name: patient-api\n    health: { path: /health, port: 8080 }\n    sso: true\n` +
          `    scim: { path: /scim/v2 }\n`,
      );
      const up = await rehearsal(['up', '--detach'], { cwd: project.dir, env: ENV });
      expect(up.exitCode, up.stderr).toBe(0);
      plan = await readState(stateDir);
      edge = edgeClient(stateDir, 'patient-api', PORT);
      input = {
        issuer: ISSUER,
        clientId: 'patient-api',
        clientSecret: plan.secrets['REHEARSAL_IDP_SECRET_PATIENT_API']!,
        redirectUri: `${APP}/oidc-test/callback`,
        resource: APP,
        persona: 'dr-ada',
      };
    });

    afterAll(async () => {
      edge?.agent.destroy();
      if (engine) await removeSandbox(engine, id);
      project.remove();
    });

    /** GET /me through the edge with a bearer token or a cookie: status and answering replica. */
    const me = async (headers: Record<string, string>) => {
      const r = await edgeRequest(edge, '/me', { headers });
      return { status: r.status, replica: String(r.headers['x-replica']), body: r.body };
    };

    it('injects the issuer, client id and secret into the declared variables', () => {
      const task = plan.services.find((s) => s.name === 'patient-api')!;
      expect(task.environment).toMatchObject({
        OIDC_ISSUER: ISSUER,
        OIDC_CLIENT_ID: 'patient-api',
        OIDC_CLIENT_SECRET: '${REHEARSAL_IDP_SECRET_PATIENT_API}',
      });
    });

    it('completes code + PKCE, userinfo, refresh, introspection, client credentials and revocation from the host', async () => {
      const r = await runFlows(input, edgeFetch(edge));
      expect(r).toMatchObject({
        issuer: ISSUER,
        idTokenIssuer: ISSUER,
        sub: 'dr-ada',
        email: 'ada.quill@example.test',
        refreshed: true,
        introspected: { active: true, sub: 'dr-ada' },
        revokedRefreshRejected: true,
      });
      // A JWT access token for the task's origin, accepted by the reference service.
      expect((await me({ authorization: `Bearer ${r.apiToken}` })).status).toBe(200);
    });

    it('completes the same flows from inside a container, with the same issuer string', async () => {
      const bundle = await build({
        stdin: {
          contents: `import { runFlows } from './test/helpers/oidc.ts';
          const input = JSON.parse(process.argv[2]);
          runFlows(input, globalThis.fetch).then(
            (r) => console.log(JSON.stringify({ ...r, apiToken: undefined })),
            (e) => { console.log(JSON.stringify({ error: String(e?.error ?? e?.message ?? e) })); process.exit(1); });`,
          resolveDir: ROOT,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
      });
      const replica = (await listReplicas(engine!, id, 'patient-api'))[0]!;
      const r = await execa(
        'docker',
        [
          'exec',
          '-i',
          replica.name,
          'node',
          '--input-type=module',
          '-',
          JSON.stringify({ ...input, persona: 'nurse-ben' }),
        ],
        { input: bundle.outputFiles[0]!.text, reject: false },
      );
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        issuer: ISSUER,
        idTokenIssuer: ISSUER,
        sub: 'nurse-ben',
        introspected: { active: true },
        revokedRefreshRejected: true,
      });
    });

    it('answers a missing PKCE, an unknown client and a foreign redirect URI with OAuth errors', async () => {
      const f = edgeFetch(edge);
      const auth = (params: Record<string, string>) =>
        f(
          `${ISSUER}/auth?${new URLSearchParams({ response_type: 'code', scope: 'openid', ...params })}`,
          {
            redirect: 'manual',
          },
        );
      const noPkce = await auth({ client_id: 'patient-api', redirect_uri: `${APP}/cb` });
      expect(noPkce.headers.get('location')).toMatch(
        /^https:\/\/patient-api\.rehearsal\.localhost:28443\/cb\?error=invalid_request/,
      );
      const unknown = await auth({ client_id: 'nobody', redirect_uri: `${APP}/cb` });
      expect([unknown.status, await unknown.text()]).toEqual([
        400,
        expect.stringContaining('invalid_client'),
      ]);
      const foreign = await auth({
        client_id: 'patient-api',
        redirect_uri: 'https://evil.example/cb',
      });
      expect([foreign.status, await foreign.text()]).toEqual([
        400,
        expect.stringContaining('invalid_redirect_uri'),
      ]);
    });

    it('serves SMART App Launch 2.0 through the edge: smart-configuration, and an EHR launch whose token response carries its context', async () => {
      const f = edgeFetch(edge);
      const doc = (await (await f(`${ISSUER}/.well-known/smart-configuration`)).json()) as Record<
        string,
        unknown
      >;
      expect(broken(smartConfigurationRules(doc))).toEqual([]);
      expect(doc.token_endpoint).toBe(`${ISSUER}/token`);
      const scope = 'openid fhirUser launch launch/encounter user/*.cruds offline_access';
      const launch = mintLaunch({ patient: 'rh-patient-1', encounter: 'rh-encounter-1' });
      const r = await smartLaunch({ ...input, scope, persona: 'dr-ada', extra: { launch } }, f);
      expect(r.status).toBe(200);
      expect(broken(tokenResponseRules(r.body, scope.split(' ')))).toEqual([]);
      expect(r.body).toMatchObject({
        patient: 'rh-patient-1',
        encounter: 'rh-encounter-1',
        need_patient_banner: true,
        smart_style_url: `${ISSUER}/smart-style.json`,
      });
      const style = await f(String(r.body.smart_style_url));
      expect(style.status).toBe(200);
    });

    // Playwright gives each launch a fresh temporary profile (its own user-data-dir).
    it('logs in through the reference service in headless Chromium, no certificate warning, and every replica accepts the session', async () => {
      const { browser, close } = await trustingChromium(stateDir);
      try {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${APP}/me`);
        expect(new URL(page.url()).origin).toBe(ISSUER);
        expect(await page.locator('button[data-persona]').count()).toBe(4);
        await page.click('button[data-persona="admin-cho"]');
        await page.waitForURL(`${APP}/me`);
        expect(JSON.parse((await page.textContent('body')) ?? '{}')).toMatchObject({
          sub: 'admin-cho',
          groups: ['administrators'],
          via: 'session',
        });
        const session = (await context.cookies(APP)).find((c) => c.name === 'rs_session')!;
        expect(session).toMatchObject({ httpOnly: true, secure: true });
        // Round robin at the edge: nine requests meet all three replicas; each accepts the login.
        const answers = await Promise.all(
          Array.from({ length: 9 }, () => me({ cookie: `rs_session=${session.value}` })),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(9).fill(200));
        expect(new Set(answers.map((a) => a.replica)).size).toBe(3);
      } finally {
        await close();
      }
    });

    it('keeps tokens valid when the IdP is SIGKILLed and restarted', async () => {
      const f = edgeFetch(edge);
      const before = await runFlows({ ...input, persona: 'patient-dee' }, f);
      const idp = (await listReplicas(engine!, id, 'idp'))[0]!;
      await engine!.killContainer(idp.id, 'SIGKILL');
      await engine!.startContainer(idp.id);
      // Ready again: discovery answers.
      for (let i = 0; i < 50; i++) {
        const r = await f(`${ISSUER}/.well-known/openid-configuration`).catch(() => undefined);
        if (r?.status === 200) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const jwks = (await (await f(`${ISSUER}/jwks`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(before.apiToken).kid);
      expect((await me({ authorization: `Bearer ${before.apiToken}` })).status).toBe(200);
      // The restarted process also knows the sessions and grants of the one it replaced.
      expect(await runFlows({ ...input, persona: 'patient-dee' }, f)).toMatchObject({
        sub: 'patient-dee',
      });
    });

    it('passes the SCIM suite in both dialects and provisions the personas, seen by every replica', async () => {
      const scim = await rehearsal(['scim', '--json'], { cwd: project.dir, env: ENV });
      expect(scim.exitCode, scim.stdout + scim.stderr).toBe(0);
      const report = JSON.parse(scim.stdout) as {
        results: { id: string; status: string }[];
        provisioned: { users: number; groups: number };
      };
      expect(report.results.filter((r) => r.status !== 'pass').map((r) => r.id)).toEqual(['bulk']);
      expect(report.provisioned).toEqual({ users: 4, groups: 4 });
      const entra = await rehearsal(['scim', '--dialect', 'entra', '--no-provision'], {
        cwd: project.dir,
        env: ENV,
      });
      expect(entra.exitCode, entra.stdout + entra.stderr).toBe(0);
      const token = plan.secrets['REHEARSAL_SCIM_TOKEN_PATIENT_API']!;
      const filter = encodeURIComponent('userName eq "ada.quill@example.test"');
      const replicas = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const r = await edgeRequest(edge, `/scim/v2/Users?filter=${filter}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect([r.status, (JSON.parse(r.body) as { totalResults: number }).totalResults]).toEqual([
          200, 1,
        ]);
        replicas.add(String(r.headers['x-replica']));
      }
      expect(replicas.size).toBe(3);
    });

    it("serves the IdP's own SCIM directory, seeded from the personas and conformant", async () => {
      const f = edgeFetch(edge);
      const token = plan.secrets['REHEARSAL_IDP_SCIM_TOKEN']!;
      const ada = await f(`${ISSUER}/scim/v2/Users/dr-ada`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect([ada.status, ((await ada.json()) as { userName: string }).userName]).toEqual([
        200,
        'ada.quill@example.test',
      ]);
      const results = await runScimSuite({ baseUrl: `${ISSUER}/scim/v2`, token, fetch: f });
      expect(results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.detail}`)).toEqual(
        [],
      );
    });

    it('rotates keys in stages while the reference service accepts every valid token', async () => {
      const f = edgeFetch(edge);
      // Getting a token is not what this test checks: a failed attempt (the loaded machine's edge
      // answering 502) is retried.
      const token = async (): Promise<string> => {
        for (let attempt = 1; ; attempt++) {
          const res = await f(`${ISSUER}/token`, {
            method: 'POST',
            headers: {
              authorization: `Basic ${Buffer.from(`patient-api:${input.clientSecret}`).toString('base64')}`,
            },
            body: new URLSearchParams({
              grant_type: 'client_credentials',
              resource: APP,
              scope: 'api',
            }),
          });
          if (res.status === 200)
            return ((await res.json()) as { access_token: string }).access_token;
          if (attempt === 5) throw new Error(`no token after 5 attempts: HTTP ${res.status}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      const old = await token();
      const rejected: string[] = [];
      const unavailable: string[] = [];
      let calls = 0;
      const kids = new Set<string>();
      let stop = false;
      const load = (async () => {
        while (!stop) {
          const fresh = await token();
          kids.add(decodeProtectedHeader(fresh).kid!);
          for (const t of [fresh, old]) {
            const r = await me({ authorization: `Bearer ${t}` });
            calls++;
            const line = `${t === old ? 'old' : 'fresh'}: ${r.status} ${r.body.slice(0, 120)}`;
            // 401 is the service refusing the token; anything else is the sandbox being unwell.
            if (r.status === 401) rejected.push(line);
            else if (r.status !== 200) unavailable.push(line);
          }
        }
      })().catch((err: Error) => err);
      for (const stage of ['publish', 'sign']) {
        const r = await rehearsal(['idp', 'rotate', '--stage', stage], {
          cwd: project.dir,
          env: ENV,
        });
        expect(r.exitCode, r.stderr).toBe(0);
        await new Promise((r) => setTimeout(r, 2500));
      }
      stop = true;
      expect(await load).toBeUndefined();
      expect(rejected).toEqual([]);
      expect(unavailable.length, unavailable.join('\n')).toBeLessThanOrEqual(calls / 20);
      expect(kids.size).toBe(2);
      const keys = await rehearsal(['idp', 'keys'], { cwd: project.dir, env: ENV });
      expect(keys.stdout).toMatch(/^current .*\nprevious /m);
      // Retired: the old key leaves the JWKS.
      const retire = await rehearsal(['idp', 'rotate', '--stage', 'retire'], {
        cwd: project.dir,
        env: ENV,
      });
      expect(retire.exitCode, retire.stderr).toBe(0);
      const jwks = (await (await f(`${ISSUER}/jwks`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).not.toContain(decodeProtectedHeader(old).kid);
    });
  },
);
