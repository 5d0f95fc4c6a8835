import { describe, expect, it } from 'vitest';
import type { ReplicaFacts } from '../../../sandbox/checks/facts/types.js';
import { CHECKS } from '../../../sandbox/checks/verdicts.js';
import { oneTaskFacts } from './one-task.js';

/** One fault, one requirement: evidence about one requirement is not taken for another's. */
const replica = (over: Partial<ReplicaFacts>): ReplicaFacts => ({
  name: 's-api-1',
  memoryLimitBytes: 128 << 20,
  oomKilled: false,
  processSamples: [],
  changes: [],
  logLines: 10,
  canaryLines: [],
  plainHttp: { ok: true, detail: 'GET /health over plain HTTP → 200' },
  ...over,
});
const verdict = (id: string, r: ReplicaFacts, over = {}) =>
  CHECKS[id]!(oneTaskFacts({ replicas: [r], ...over }));

describe('one fault, one requirement', () => {
  it('a log file under /var/log fails No log files, not Ephemeral (its folder is not data)', () => {
    const r = replica({
      changes: [
        { path: '/var/log', kind: 'changed' },
        { path: '/var/log/notes', kind: 'changed' },
        { path: '/var/log/notes/notes.log', kind: 'added' },
      ],
    });
    expect(verdict('logging-no-files', r).verdict).toBe('fail');
    expect(verdict('ephemeral', r).verdict).not.toBe('fail');
  });

  it("a file repeating the service's own output lines is a log file, whatever its name", () => {
    const r = replica({
      changes: [{ path: '/app/output.txt', kind: 'added' }],
      logLikeFiles: ['/app/output.txt'],
    });
    expect(verdict('logging-no-files', r).verdict).toBe('fail');
    expect(verdict('ephemeral', r).verdict).not.toBe('fail');
    const data = replica({ changes: [{ path: '/srv/notes/1.json', kind: 'added' }] });
    expect(verdict('ephemeral', data).verdict).toBe('fail');
    expect(verdict('logging-no-files', data).verdict).toBe('pass');
  });

  it('an OOM-killed replica is evidence for Compute constrained only, not protocol or stopping', () => {
    const dead = replica({
      oomKilled: true,
      down: 'OOM-killed',
      plainHttp: undefined,
    });
    expect(verdict('compute-constrained', dead).verdict).toBe('fail');
    expect(verdict('unencrypted', dead).verdict).toBe('not-checked');
    const stop = {
      stop: { replica: 's-api-1', ms: 0, exitCode: 137, killed: false, notRunning: 'OOM-killed' },
    };
    const stoppable = verdict('stoppable', dead, stop);
    expect(stoppable.verdict).toBe('not-checked');
    expect(stoppable.why).toContain('Compute constrained');
  });

  it('a refused connection is a replica not listening, not a service that "does not speak HTTP"', () => {
    const refused = replica({
      plainHttp: { ok: false, detail: 'GET /health over plain HTTP: ECONNREFUSED' },
      tls: { handshake: false, detail: 'no TLS handshake (ECONNREFUSED)' },
    });
    expect(verdict('unencrypted', refused).verdict).not.toBe('fail');
    const tls = replica({
      plainHttp: { ok: false, detail: 'GET /health over plain HTTP: ECONNRESET' },
      tls: { handshake: true, detail: 'TLS handshake completed (TLSv1.3): certificate CN=x' },
    });
    expect(verdict('unencrypted', tls).verdict).toBe('fail');
  });
});
