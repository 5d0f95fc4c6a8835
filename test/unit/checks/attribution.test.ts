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

  it('synthetic PHI in a data file the service keeps is Ephemeral’s finding; in a log, No PHI’s', () => {
    const data = replica({
      changes: [{ path: '/srv/notes/1.json', kind: 'added' }],
      canaryFiles: ['/srv/notes/1.json:1: {"text": "seen Can…[patient_name]"}'],
    });
    expect(verdict('ephemeral', data).verdict).toBe('fail');
    const sent = { traffic: { sent: 10, ok: 10, failed: 0, byReplica: {}, errors: {} } };
    const phi = verdict('no-phi-in-logs', data, sent);
    expect(phi.verdict).toBe('pass');
    expect(phi.evidence.join('\n')).toContain('judged under Ephemeral');
    const log = replica({
      changes: [{ path: '/var/log/app.log', kind: 'added' }],
      canaryFiles: ['/var/log/app.log:3: body={"name": "Can…[patient_name]"}'],
    });
    expect(verdict('no-phi-in-logs', log, sent).verdict).toBe('fail');
  });

  it('a smoke test failed by a dead replica or a refused session follows from that requirement', () => {
    const smoke = {
      smoke: {
        command: ['smoke'],
        exitCode: 1,
        ms: 900,
        timedOut: false,
        output: ['GET /me: 401'],
      },
    };
    const dead = verdict('programmatically-verifiable', replica({ down: 'OOM-killed' }), smoke);
    expect(dead.verdict).toBe('not-checked');
    expect(dead.why).toContain('Compute constrained');
    const sessions = {
      ...smoke,
      traffic: {
        sent: 20,
        ok: 10,
        failed: 0,
        byReplica: {},
        errors: {},
        sessions: { checks: 10, byOtherReplica: 10, refused: 10, examples: [] },
      },
    };
    const refused = verdict('programmatically-verifiable', replica({}), sessions);
    expect(refused.verdict).toBe('not-checked');
    expect(refused.why).toContain('Dynamically scalable');
    // Without such a cause, a failing smoke test fails.
    expect(verdict('programmatically-verifiable', replica({}), smoke).verdict).toBe('fail');
  });

  it("a dead replica's network capture is not judged as what the service tried", () => {
    const r = replica({ down: 'OOM-killed' });
    const network = {
      replicas: [
        {
          replica: 's-api-1',
          ms: 20_000,
          connections: [{ address: '172.30.0.20', port: 8080, attempts: 3 }],
          lookups: [],
        },
      ],
    };
    const g = verdict('good-citizen', r, { network });
    expect(g.verdict).toBe('not-checked');
    expect(g.evidence.join('\n')).toContain('died during the run');
  });

  it('says which verdict follows from which when one fault breaks two requirements', () => {
    const f = oneTaskFacts(
      {
        replicas: [replica({})],
        stop: { replica: 's-api-1', ms: 60_000, exitCode: 137, killed: true, budgetSeconds: 60 },
      },
      {
        chaos: [
          {
            service: 'api',
            journal: 'j',
            verdicts: [
              {
                requirement: 'scalable',
                outcome: 'fail',
                summary: '1 stop(s) over the budget',
                evidence: [],
              },
            ],
          },
        ],
      },
    );
    expect(CHECKS['stoppable']!(f).verdict).toBe('fail');
    const d = CHECKS['dynamically-scalable']!(f);
    expect(d.verdict).toBe('fail');
    expect(d.why).toContain('this follows from Stoppable');
  });

  it('a task whose replicas all died is not judged on its traces', () => {
    const traces = {
      sent: 20,
      answered: 20,
      spansReceived: 0,
      matched: 0,
      parentMatched: 0,
      variables: [],
      examples: [],
    };
    const dead = verdict('profilable', replica({ down: 'OOM-killed' }), { traces });
    expect(dead.verdict).toBe('not-checked');
    expect(dead.why).toContain('Compute constrained');
    expect(verdict('profilable', replica({}), { traces }).verdict).toBe('fail');
  });
});
