import { describe, expect, it } from 'vitest';
import type { Facts, TaskFacts } from '../../../sandbox/checks/facts/types.js';
import type { StartupFacts, StartupReplica } from '../../../sandbox/checks/facts/startup.js';
import { judge } from '../../../sandbox/checks/run.js';
import { CAUSE_REQUIREMENT, startupCauses } from '../../../sandbox/checks/startup-causes.js';
import type { ServicePlan } from '../../../sandbox/plan/types.js';

/**
 * A sandbox that did not come up: each diagnosed cause fails the one requirement it is evidence
 * about, and every requirement but those says "not checked" (never a FAIL it did not earn).
 */
const service = {
  image: { tag: 'vendor/notes:1' },
  name: 'notes',
  role: 'task',
  ports: [8080],
  probe: { port: 8080, path: '/health' },
};
const image = {
  id: 'sha256:0123456789abcdef0123',
  architecture: 'amd64',
  os: 'linux',
  sizeBytes: 100 << 20,
  exposedPorts: [8080],
  env: [],
  user: 'app',
  entrypoint: [],
  cmd: ['python3', 'app.py'],
  volumes: [],
};
const replica = (over: Partial<StartupReplica> = {}): StartupReplica => ({
  name: 'c-notes-1',
  state: 'running',
  exitCode: 0,
  oomKilled: false,
  lastLines: ['{"event": "listening"}'],
  ...over,
});

function down(startup: StartupFacts | undefined, over: Partial<TaskFacts> = {}): Facts {
  return {
    profile: 'hspc-2016',
    stopBudgetSeconds: 60,
    bootstrapBudgetMs: 30_000,
    canary: 'Canary0',
    bootstrap: { ok: false, ms: 30_000, error: 'c-notes-1 did not become healthy within 30 s' },
    tasks: [
      {
        service: service as unknown as ServicePlan,
        declaredMemoryBytes: 128 << 20,
        image: image as TaskFacts['image'],
        replicas: [],
        hostProbes: [],
        ...(startup ? { startup } : {}),
        ...over,
      },
    ],
    timeline: [],
  };
}

const failed = (f: Facts) =>
  judge(f)
    .filter((r) => r.verdict === 'fail')
    .map((r) => r.id);

const CASES: [string, Facts, string][] = [
  [
    'a TLS handshake on the task port',
    down({
      replicas: [replica()],
      ports: [
        {
          port: 8080,
          tls: 'TLS handshake completed (TLSv1.3): certificate CN=notes.vendor.example',
        },
      ],
    }),
    'unencrypted',
  ],
  [
    'an exit on an empty database',
    down({
      replicas: [replica({ state: 'exited', exitCode: 3, lastLines: ['table notes is missing'] })],
      ports: [],
    }),
    'self-bootstrapped',
  ],
  [
    'a port that refuses connections',
    down({
      replicas: [replica()],
      ports: [{ port: 8080, health: { path: '/health', detail: 'GET /health: ECONNREFUSED' } }],
    }),
    'self-bootstrapped',
  ],
  [
    'HTTP answers, the health path does not',
    down({
      replicas: [replica()],
      ports: [
        { port: 8080, health: { path: '/health', status: 404, detail: 'GET /health → 404' } },
      ],
    }),
    'self-bootstrapped',
  ],
  [
    'an OOM kill while starting',
    down({ replicas: [replica({ state: 'exited', exitCode: 137, oomKilled: true })], ports: [] }),
    'compute-constrained',
  ],
  [
    'a device the platform does not give',
    down({
      replicas: [
        replica({ state: 'exited', exitCode: 1, lastLines: ['cannot open /dev/ttyUSB0'] }),
      ],
      ports: [],
    }),
    'not-hardware-dependent',
  ],
  [
    'an image whose build fails',
    {
      ...down({ replicas: [], ports: [] }),
      bootstrap: {
        ok: false,
        ms: 2000,
        error:
          'the build of vendor/notes:1 failed: COPY failed: stat tracing.py: file does not exist',
      },
    },
    'containerized',
  ],
  [
    'an image that cannot be inspected',
    down(undefined, { image: undefined, imageError: 'No such image: vendor/notes:9' }),
    'containerized',
  ],
];

describe('diagnosing a service that does not come up', () => {
  it.each(CASES)('%s fails exactly %s', (_what, f, requirement) => {
    expect(failed(f)).toEqual([requirement]);
    const causes = startupCauses(f.tasks[0]!).filter((c) => c.kind !== 'not-started');
    // A failed build is read from the engine's error, not from replicas (there are none).
    if (!f.bootstrap.error?.includes('the build of'))
      expect(causes.map((c) => CAUSE_REQUIREMENT[c.kind])).toEqual([requirement]);
  });

  it('says "not checked, because …" for every other requirement a dead sandbox cannot show', () => {
    const f = CASES[0]![1];
    const results = judge(f);
    for (const r of results.filter((x) => x.verdict === 'not-checked'))
      expect(r.why, r.id).toMatch(/not checked|no .* declared|not run|could not/i);
    const sb = results.find((r) => r.id === 'self-bootstrapped')!;
    expect(sb.verdict).toBe('not-checked');
    expect(sb.why).toContain('speaks TLS');
    expect(results.find((r) => r.id === 'not-hardware-dependent')?.verdict).toBe('not-checked');
    expect(results.find((r) => r.id === 'containerized')?.verdict).toBe('pass');
  });

  it('quotes the exited replica and its exit code as Self-bootstrapped’s evidence', () => {
    const r = judge(CASES[1]![1]).find((x) => x.id === 'self-bootstrapped')!;
    expect(r.why).toContain('exited with code 3');
    expect(r.evidence.join('\n')).toContain('table notes is missing');
  });

  it('names no cause for a task the sandbox never reached', () => {
    const f = down({ replicas: [], ports: [] });
    expect(startupCauses(f.tasks[0]!).map((c) => c.kind)).toEqual(['not-started']);
    expect(CAUSE_REQUIREMENT['not-started']).toBeUndefined();
  });
});
