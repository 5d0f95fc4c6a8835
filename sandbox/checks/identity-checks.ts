import { finding, needsRunning, type Check } from './judging.js';

/**
 * SSO aware and Provisionable: the headless OIDC login and the SCIM suite the facts gathered
 * (sandbox/checks/facts/identity.ts) for the tasks that declare them.
 */
export const IDENTITY_CHECKS: Record<string, Check> = {
  'sso-aware'(f) {
    const did =
      "Opened each SSO task's login page through the TLS edge with no session, expected the sandbox identity provider's authorization endpoint (the task's client id, PKCE, a redirect URI of its own), logged in as a persona and opened the page again with the session.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const sso = f.identity?.sso ?? [];
    if (!f.identity) return finding('not-checked', did, [], 'SSO was not exercised in this run');
    if (sso.length === 0)
      return finding(
        'warn',
        did,
        [],
        'no task takes part in single sign-on: declare CLIENT_ID / OIDC_CLIENT_ID (or `sso: true` in rehearsal.yaml) and log users in through the platform identity provider',
      );
    const evidence = sso.flatMap((s) => [
      `${s.service} (client ${s.client}, login page ${s.loginPath}): ${s.ok ? `logged in as ${s.persona}` : `no login: ${s.why}`}`,
      ...s.steps.map((x) => `  ${x}`),
    ]);
    const failed = sso.filter((s) => !s.ok);
    return failed.length > 0
      ? finding('fail', did, evidence, failed.map((s) => `${s.service}: ${s.why}`).join('; '))
      : finding('pass', did, evidence);
  },

  provisionable(f) {
    const did =
      "Ran the SCIM 2.0 conformance suite against each task's declared endpoint with the sandbox's bearer token: create, read, filter, page, PATCH, delete, errors, discovery.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    if (!f.identity) return finding('not-checked', did, [], 'SCIM was not exercised in this run');
    const scim = f.identity.scim;
    if (scim.length === 0)
      return finding(
        'warn',
        did,
        [],
        'no task declares a SCIM endpoint: serve SCIM 2.0 and name it with `scim: { path: /scim/v2 }` in rehearsal.yaml',
      );
    const evidence: string[] = [];
    const problems: string[] = [];
    const unrun: string[] = [];
    for (const s of scim) {
      if (s.error) {
        unrun.push(`${s.service}: ${s.error}`);
        continue;
      }
      const failed = s.results.filter((r) => r.status === 'fail');
      const passed = s.results.filter((r) => r.status === 'pass').length;
      evidence.push(
        `${s.service} ${s.path}: ${passed} passed, ${failed.length} failed, ${s.results.length - passed - failed.length} skipped`,
        ...failed.map((r) => `  ${r.title}: ${r.detail}`),
      );
      if (failed.length > 0)
        problems.push(`${s.service}: ${failed.map((r) => r.title).join(', ')}`);
    }
    if (problems.length > 0) return finding('fail', did, evidence, problems.join('; '));
    if (unrun.length > 0) return finding('not-checked', did, evidence, unrun.join('; '));
    return finding('pass', did, evidence);
  },
};
