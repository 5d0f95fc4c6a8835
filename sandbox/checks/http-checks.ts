import { finding, needsRunning, replicasOf, workerEvidence, type Check } from './judging.js';
import { causesFor } from './startup-causes.js';

/**
 * Checks of what a replica says over HTTP: names (DNS agnostic) and schemes (Unencrypted), from
 * requests under other host names, with X-Forwarded-Proto, in plain HTTP and as a TLS handshake.
 */
export const HTTP_CHECKS: Record<string, Check> = {
  'dns-agnostic'(f) {
    const did =
      "Requested pages straight from a replica under two other host names and ports, then looked for absolute URLs naming any other host; read the image's environment for baked-in domain names; ran the smoke test in another locale and time zone.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = workerEvidence(
      f,
      "by its image's environment only: it serves no pages to ask under other names",
    );
    const problems: string[] = [];
    for (const t of f.tasks) {
      for (const p of t.hostProbes) {
        const foreign = p.urls.filter((u) => {
          try {
            return new URL(u).host.toLowerCase() !== p.hostUsed.toLowerCase();
          } catch {
            return false;
          }
        });
        evidence.push(
          `${p.request} → ${p.status ?? p.error}; ${p.urls.length} absolute URL(s)${foreign.length ? `, naming another host: ${foreign.slice(0, 3).join(', ')}` : ''}`,
        );
        if (foreign.length > 0)
          problems.push(`${t.service.name} answered ${p.request} with ${foreign[0]}`);
      }
      for (const e of t.image?.env ?? []) {
        const [key = '', value = ''] = [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)];
        if (
          /^https?:\/\/(?!localhost|127\.|\$)[a-z0-9.-]+\.[a-z]{2,}/i.test(value) &&
          !/^(PATH|.*_VERSION|.*_SHA256|GPG_KEY.*)$/.test(key)
        )
          problems.push(
            `${t.service.name}'s image sets ${key} to a URL with a domain name (${value.slice(0, 60)})`,
          );
      }
      const loc = t.smoke?.locale;
      if (loc) {
        evidence.push(
          `smoke test with ${Object.entries(loc.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}: exit ${loc.exitCode}`,
        );
        if (loc.exitCode !== 0 && t.smoke?.exitCode === 0)
          problems.push(
            `${t.service.name}'s smoke test passes by default but fails with ${Object.entries(
              loc.env,
            )
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`,
          );
      }
    }
    return problems.length > 0
      ? finding('fail', did, evidence, problems.join('; '))
      : finding('pass', did, evidence);
  },

  unencrypted(f) {
    const did =
      "Sent a plain-HTTP request straight to each replica's task port, tried a TLS handshake on it, and sent one with X-Forwarded-Proto: https to see which scheme its absolute URLs use.";
    // A task that never came up is still probed: a TLS handshake on its port is the cause.
    const tls = causesFor(f.tasks, 'unencrypted');
    if (tls.length > 0)
      return finding(
        'fail',
        did,
        tls.map((c) => c.text),
        tls.map((c) => c.text).join('; '),
      );
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const [, r] of replicasOf(f)) {
      if (r.down) {
        evidence.push(`${r.name}: not probed, it was no longer running (${r.down})`);
        continue;
      }
      if (!r.plainHttp) continue;
      evidence.push(`${r.name}: ${r.plainHttp.detail}`);
      // Refused or reset is a replica not listening (its own requirement's business), not TLS.
      if (!r.plainHttp.ok && (r.tls?.handshake || /HPE_|parse/i.test(r.plainHttp.detail)))
        problems.push(
          `${r.name} does not speak plain HTTP on its task port (${r.plainHttp.detail})`,
        );
      if (r.tls) evidence.push(`${r.name}: ${r.tls.detail}`);
      if (r.tls?.handshake)
        problems.push(
          `${r.name} terminates TLS itself on its task port (${r.tls.detail}); the platform's load balancer does that`,
        );
    }
    for (const t of f.tasks) {
      for (const p of t.hostProbes.filter((x) => x.request.includes('X-Forwarded-Proto: https'))) {
        const insecure = p.urls.filter((u) =>
          u.toLowerCase().startsWith(`http://${p.hostUsed.toLowerCase()}`),
        );
        if (insecure.length > 0)
          problems.push(
            `${t.service.name} ignores X-Forwarded-Proto: ${p.request} answered ${insecure[0]}`,
          );
      }
    }
    if (evidence.length === 0) return finding('not-applicable', did, [], 'no task serves HTTP');
    if (problems.length > 0) return finding('fail', did, evidence, problems.join('; '));
    if (!replicasOf(f).some(([, r]) => r.plainHttp))
      return finding(
        'not-checked',
        did,
        evidence,
        'not checked, because no replica was still running to probe (see Compute constrained or Self-bootstrapped for why they died); it is checked once a replica stays up',
      );
    return finding('pass', did, evidence);
  },
};
