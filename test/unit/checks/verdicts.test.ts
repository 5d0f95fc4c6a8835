import { describe, expect, it } from 'vitest';
import { REQUIREMENTS } from '../../../sandbox/checks/catalogue.js';
import type { ChaosVerdict } from '../../../sandbox/chaos/verdicts.js';
import { checkScenario } from '../../../sandbox/checks/chaos-phase.js';
import type {
  ChaosFacts,
  Facts,
  ReplicaFacts,
  TaskFacts,
} from '../../../sandbox/checks/facts/types.js';
import { judge, judgeOtherProfiles } from '../../../sandbox/checks/run.js';
import { CHECKS, NOT_IN_THIS_RUN } from '../../../sandbox/checks/verdicts.js';
import type { ServicePlan } from '../../../sandbox/plan/types.js';

const MiB = 1024 * 1024;

function replica(name: string, over: Partial<ReplicaFacts> = {}): ReplicaFacts {
  return {
    name,
    memoryLimitBytes: 256 * MiB,
    peakMemoryBytes: 40 * MiB,
    oomKilled: false,
    processSamples: [[{ pid: 100, ppid: 1, command: 'node /app/server.mjs' }]],
    changes: [],
    logLines: 12,
    canaryLines: [],
    plainHttp: { ok: true, detail: 'GET /health over plain HTTP → 200' },
    ...over,
  };
}

const service: ServicePlan = {
  name: 'api',
  role: 'task',
  image: { tag: 'vendor/api:1' },
  environment: {},
  replicas: 2,
  instancesMinimum: 2,
  memoryBytes: 256 * MiB,
  ports: [8080],
  probe: { path: '/health', port: 8080 } as ServicePlan['probe'],
  healthcheck: {
    test: ['CMD', 'node', '-e', 'fetch(health)'],
    intervalMs: 5000,
    timeoutMs: 4000,
    retries: 3,
    startPeriodMs: 0,
  },
  files: [{ source: 'ca/root.pem', target: '/etc/rehearsal/ca/root.pem', mode: 0o444 }],
  volumes: [],
  dependsOn: [],
  aliases: [],
  stopGraceSeconds: 60,
};

function task(
  over: Partial<TaskFacts> = {},
  replicas = [replica('s-api-1'), replica('s-api-2')],
): TaskFacts {
  return {
    service,
    declaredMemoryBytes: 256 * MiB,
    image: {
      id: 'sha256:0123456789abcdef0123',
      architecture: 'amd64',
      os: 'linux',
      sizeBytes: 200 * MiB,
      exposedPorts: [8080],
      env: ['PATH=/usr/bin', 'NODE_VERSION=20'],
      user: 'node',
      entrypoint: [],
      cmd: ['node', '/app/server.mjs'],
      volumes: [],
    },
    layers: {
      layers: 3,
      largest: [{ layer: 'abc', path: '/usr/bin/node', bytes: 95 * MiB, software: true }],
    },
    replicas,
    traffic: {
      sent: 100,
      ok: 100,
      failed: 0,
      byReplica: { 's-api-1': 50, 's-api-2': 50 },
      errors: {},
    },
    smoke: {
      command: ['node', 'smoke.mjs'],
      exitCode: 0,
      ms: 900,
      output: ['ok'],
      timedOut: false,
      locale: { env: { LANG: 'tr_TR.UTF-8' }, exitCode: 0, output: [] },
    },
    hostProbes: [
      {
        request: 'GET / with Host: alpha.rehearsal.test:8081',
        hostUsed: 'alpha.rehearsal.test:8081',
        status: 404,
        urls: [],
      },
    ],
    stop: { replica: 's-api-2', ms: 800, exitCode: 0, killed: false },
    traces: {
      sent: 20,
      answered: 20,
      spansReceived: 20,
      matched: 20,
      parentMatched: 20,
      variables: ['OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318'],
      examples: [],
    },
    network: {
      replicas: [
        {
          replica: 's-api-1',
          ms: 30_000,
          connections: [{ address: '172.20.0.3', port: 5432, service: 'database', attempts: 2 }],
          lookups: [{ name: 'database', sandbox: 'database', queries: 2 }],
        },
      ],
    },
    ...over,
  };
}

/** The check's chaos phase on task api: every verdict as given (default: all pass). */
function chaos(
  outcomes: Partial<Record<ChaosVerdict['requirement'], ChaosVerdict['outcome']>> = {},
): ChaosFacts {
  const verdicts = (['ephemeral', 'stateless', 'incorruptible', 'scalable'] as const).map(
    (requirement): ChaosVerdict => ({
      requirement,
      outcome: outcomes[requirement] ?? 'pass',
      summary: `${requirement} ${outcomes[requirement] ?? 'pass'}`,
      evidence: [`evidence of ${requirement}`],
    }),
  );
  return {
    service: 'api',
    journal: '/tmp/chaos-api.jsonl',
    bounds: { min: 2, max: 4, initial: 2 },
    verdicts,
    actions: [
      {
        text: '#1 at 1.0 s: scale to 4',
        ok: true,
        detail: 'scaled to 4',
        failedRequests: 0,
        recoveredMs: 4000,
      },
      {
        text: '#2 at 4.0 s: SIGKILL replica [0]',
        ok: true,
        detail: 'SIGKILL s-api-1',
        failedRequests: 1,
        recoveredMs: 3000,
      },
    ],
    traffic: {
      requests: 900,
      errors: {},
      replicas: { 's-api-1': 300, 's-api-2': 300, 's-api-3': 300 },
      acknowledgedWrites: 200,
      lostWrites: 0,
    },
  };
}

function facts(t: TaskFacts = task(), over: Partial<Facts> = {}): Facts {
  return {
    profile: 'hspc-2016',
    stopBudgetSeconds: 60,
    bootstrapBudgetMs: 180_000,
    canary: 'Canary0a1b2c3d4e',
    bootstrap: { ok: true, ms: 9000 },
    tasks: [t],
    timeline: [],
    chaos: [chaos()],
    identity: {
      sso: [
        {
          service: 'api',
          client: 'api',
          loginPath: '/me',
          ok: true,
          persona: 'admin-cho',
          steps: [
            'GET https://api.rehearsal.localhost:8443/me → 302 → https://idp…/auth?client_id',
          ],
        },
      ],
      scim: [
        {
          service: 'api',
          path: '/scim/v2',
          results: [{ id: 'create', title: 'creates a user', status: 'pass', detail: '' }],
        },
      ],
    },
    offline: {
      network: 's_offline',
      tasks: [
        {
          task: 'api',
          replica: 's-api-offline-1',
          healthy: true,
          ms: 3000,
          detail: 'GET /health → 200',
          smoke: { exitCode: 0, output: [], timedOut: false },
        },
      ],
    },
    ...over,
  };
}

const verdict = (id: string, f: Facts) => CHECKS[id]!(f).verdict;

describe('the catalogue', () => {
  it('has every requirement of the document, each checked here or said to be measured elsewhere', () => {
    expect(REQUIREMENTS.map((r) => r.id)).toHaveLength(24);
    for (const r of REQUIREMENTS)
      expect(Boolean(CHECKS[r.id]) || Boolean(NOT_IN_THIS_RUN[r.id]), r.id).toBe(true);
    for (const id of Object.keys(CHECKS))
      expect(
        REQUIREMENTS.some((r) => r.id === id),
        id,
      ).toBe(true);
  });

  it('passes a compliant service on every check it runs, and says why for every other verdict', () => {
    const results = judge(facts());
    expect(
      results.filter((r) => CHECKS[r.id] && r.verdict !== 'pass').map((r) => `${r.id}: ${r.why}`),
    ).toEqual([]);
    for (const r of results.filter((x) => x.verdict !== 'pass')) expect(r.why, r.id).toBeTruthy();
  });
});

describe('each check fails on the fault it looks for', () => {
  const cases: [string, Facts][] = [
    ['containerized', facts(task({ image: undefined, imageError: 'No such image: vendor/api:1' }))],
    ['x86-64', facts(task({ image: { ...task().image!, architecture: 'arm64' } }))],
    ['ephemeral', facts(task({ image: { ...task().image!, volumes: ['/data'] } }))],
    [
      'ephemeral',
      facts(
        task({}, [
          replica('s-api-1', {
            changes: [
              { path: '/app/data', kind: 'added' },
              { path: '/app/data/db.sqlite', kind: 'added' },
            ],
          }),
        ]),
      ),
    ],
    ['programmatically-verifiable', facts(task({ smoke: { ...task().smoke!, exitCode: 1 } }))],
    [
      'horizontally-scaled',
      facts(
        task({
          traffic: {
            sent: 100,
            ok: 100,
            failed: 0,
            byReplica: { 's-api-1': 100, 's-api-2': 0 },
            errors: {},
          },
        }),
      ),
    ],
    [
      'single-process',
      facts(
        task({}, [
          replica('s-api-1', {
            processSamples: [
              [
                { pid: 100, ppid: 1, command: 'node /app/server.mjs' },
                { pid: 120, ppid: 100, command: 'node -e worker' },
              ],
            ],
          }),
        ]),
      ),
    ],
    [
      'dns-agnostic',
      facts(
        task({
          hostProbes: [
            {
              request: 'GET /',
              hostUsed: 'alpha.rehearsal.test:8081',
              status: 302,
              urls: ['https://patients.example.org/metadata'],
            },
          ],
        }),
      ),
    ],
    [
      'dns-agnostic',
      facts(
        task({
          smoke: {
            ...task().smoke!,
            locale: { env: { LANG: 'tr_TR.UTF-8' }, exitCode: 1, output: [] },
          },
        }),
      ),
    ],
    [
      'unencrypted',
      facts(
        task({}, [
          replica('s-api-1', {
            plainHttp: { ok: false, detail: 'GET /health over plain HTTP: HPE_INVALID_CONSTANT' },
          }),
        ]),
      ),
    ],
    ['compute-constrained', facts(task({ declaredMemoryBytes: undefined }))],
    ['compute-constrained', facts(task({}, [replica('s-api-1', { peakMemoryBytes: 245 * MiB })]))],
    ['compute-constrained', facts(task({}, [replica('s-api-1', { oomKilled: true })]))],
    [
      'self-bootstrapped',
      facts(task(), {
        bootstrap: { ok: false, ms: 30_000, error: 's-api-1 did not become healthy within 30 s' },
      }),
    ],
    [
      'stoppable',
      facts(task({ stop: { replica: 's-api-2', ms: 60_010, exitCode: 137, killed: true } })),
    ],
    [
      'logging-no-files',
      facts(
        task({}, [
          replica('s-api-1', { changes: [{ path: '/var/log/api/access.log', kind: 'added' }] }),
        ]),
      ),
    ],
    [
      'no-phi-in-logs',
      facts(
        task({}, [
          replica('s-api-1', { canaryLines: ['{"msg":"lookup","name":"Canary0a1b2c3d4e"}'] }),
        ]),
      ),
    ],
    [
      'no-data-payloads',
      facts(
        task({
          layers: {
            layers: 4,
            largest: [
              { layer: 'def', path: '/app/patients.ndjson', bytes: 60 * MiB, software: false },
            ],
          },
        }),
      ),
    ],
    [
      'not-hardware-dependent',
      facts(
        task({
          startup: {
            replicas: [
              {
                name: 's-api-1',
                state: 'exited',
                exitCode: 1,
                oomKilled: false,
                lastLines: ['fatal: cannot open /dev/ttyUSB0 (licence dongle)'],
              },
            ],
            ports: [],
          },
        }),
        { bootstrap: { ok: false, ms: 5000, error: 'exited: /dev/ttyUSB0 not found' } },
      ),
    ],
  ];
  it.each(cases)('%s', (id, f) => {
    expect(CHECKS[id]!(f)).toMatchObject({ verdict: 'fail', why: expect.any(String) });
  });

  it('warns instead of failing where the requirement is a SHOULD or the profile allows it', () => {
    expect(
      verdict(
        'x86-64',
        facts(task({ image: { ...task().image!, architecture: 'arm64' } }), {
          profile: 'hl7-hsp-r2',
        }),
      ),
    ).toBe('warn');
    expect(verdict('logging-stdout', facts(task({}, [replica('s-api-1', { logLines: 0 })])))).toBe(
      'warn',
    );
    expect(verdict('programmatically-verifiable', facts(task({ smoke: undefined })))).toBe('warn');
  });

  it('does not count what Rehearsal or the engine did: injected trust files, health-check runs, temp files', () => {
    const f = facts(
      task({}, [
        replica('s-api-1', {
          changes: [
            { path: '/etc/rehearsal', kind: 'added' },
            { path: '/etc/rehearsal/ca', kind: 'added' },
            { path: '/etc/rehearsal/ca/root.pem', kind: 'added' },
            { path: '/tmp/cache.bin', kind: 'added' },
          ],
          processSamples: [
            [
              { pid: 100, ppid: 1, command: 'node /app/server.mjs' },
              { pid: 300, ppid: 2, command: 'node -e fetch(health)' },
              { pid: 310, ppid: 2, command: 'runc init' },
            ],
          ],
        }),
      ]),
    );
    expect(verdict('ephemeral', f)).toBe('pass');
    expect(verdict('single-process', f)).toBe('pass');
  });

  it('says "not checked", never "pass", when the sandbox did not come up', () => {
    const f = facts(task({}, []), { bootstrap: { ok: false, ms: 1000, error: 'no engine' } });
    for (const id of [
      'single-process',
      'logging-no-files',
      'no-phi-in-logs',
      'stoppable',
      'unencrypted',
      'dns-agnostic',
    ])
      expect(verdict(id, f), id).toBe('not-checked');
  });
});

describe('checks decided under chaos', () => {
  it('say "not checked" with what to run when the chaos phase was skipped', () => {
    const f = facts(task(), { chaos: undefined });
    for (const id of ['incorruptible', 'dynamically-scalable']) {
      const r = CHECKS[id]!(f);
      expect(r.verdict, id).toBe('not-checked');
      expect(r.why).toContain('--no-chaos');
    }
    // What one observation shows still decides these two.
    expect(verdict('ephemeral', f)).toBe('pass');
    expect(verdict('horizontally-scaled', f)).toBe('pass');
  });

  it('fail on the chaos verdict that failed, with its evidence', () => {
    const lost = facts(task(), { chaos: [chaos({ incorruptible: 'fail' })] });
    expect(CHECKS['incorruptible']!(lost).verdict).toBe('fail');
    expect(CHECKS['incorruptible']!(lost).evidence).toContain('evidence of incorruptible');
    expect(verdict('ephemeral', facts(task(), { chaos: [chaos({ ephemeral: 'fail' })] }))).toBe(
      'fail',
    );
    expect(
      verdict('dynamically-scalable', facts(task(), { chaos: [chaos({ scalable: 'fail' })] })),
    ).toBe('fail');
  });

  it('fail on sessions tied to their replica, even when scaling itself holds: no sticky sessions', () => {
    const r = CHECKS['dynamically-scalable']!(
      facts(task(), { chaos: [chaos({ stateless: 'fail' })] }),
    );
    expect(r.verdict).toBe('fail');
    expect(r.why).toContain('sticky sessions');
  });

  it("fail on sessions another replica refused in the check's own traffic, without chaos", () => {
    const traffic = {
      sent: 40,
      ok: 30,
      failed: 0,
      byReplica: {},
      errors: {},
      sessions: {
        checks: 20,
        byOtherReplica: 10,
        refused: 10,
        examples: ['issued by a, refused by b (HTTP 401)'],
      },
    };
    const r = CHECKS['dynamically-scalable']!(facts(task({ traffic })));
    expect(r.verdict).toBe('fail');
    expect(r.why).toContain('refused by b');
    const fine = { ...traffic, sessions: { ...traffic.sessions, refused: 0 } };
    expect(CHECKS['dynamically-scalable']!(facts(task({ traffic: fine }))).verdict).not.toBe(
      'fail',
    );
  });

  it('never pass on a not-checked chaos verdict or a phase that could not run', () => {
    expect(
      verdict('incorruptible', facts(task(), { chaos: [chaos({ incorruptible: 'not-checked' })] })),
    ).toBe('not-checked');
    const broken: ChaosFacts = { service: 'api', journal: '/tmp/j', error: 'no replica answered' };
    expect(CHECKS['incorruptible']!(facts(task(), { chaos: [broken] })).why).toContain(
      'no replica answered',
    );
    expect(verdict('dynamically-scalable', facts(task(), { chaos: [broken] }))).toBe('not-checked');
  });

  it('fail Horizontally scaled when the task could not be scaled to its declared maximum', () => {
    const c = chaos();
    c.actions![0] = { ...c.actions![0]!, ok: false, detail: 'could not act: memory exhausted' };
    const r = CHECKS['horizontally-scaled']!(facts(task(), { chaos: [c] }));
    expect(r.verdict).toBe('fail');
    expect(r.why).toContain('memory exhausted');
  });

  it('plans the scenario at the declared bounds: up to the maximum, down to the minimum, kills, replace-all', () => {
    const kinds = checkScenario({ min: 2, max: 6, initial: 3 }).map(
      (a) => `${a.kind}${a.to ?? ''}`,
    );
    expect(kinds).toEqual(['scale6', 'scale2', 'scale3', 'kill', 'kill', 'replace-all']);
    expect(checkScenario({ min: 1, max: 1, initial: 1 }).map((a) => a.kind)).toEqual([
      'kill',
      'kill',
      'replace-all',
    ]);
  });
});

describe('the other profile', () => {
  it('judges the same stop against its own budget and lists where the verdicts differ', () => {
    const slow = facts(
      task({
        stop: { replica: 's-api-2', ms: 20_000, exitCode: 0, killed: false, budgetSeconds: 60 },
      }),
    );
    const main = judge(slow);
    expect(main.find((r) => r.id === 'stoppable')!.verdict).toBe('pass');
    const [r2] = judgeOtherProfiles(slow, main);
    expect(r2!.profile).toBe('hl7-hsp-r2');
    const d = r2!.differences.find((x) => x.id === 'stoppable');
    expect(d?.verdict).toBe('fail');
    expect(d?.why).toContain('over the 15 s budget');
    expect(d?.note).toContain('15 seconds');
  });

  it('does not guess a longer budget from a stop killed at a shorter one', () => {
    const killed = facts(
      task({
        stop: { replica: 's-api-2', ms: 15_100, exitCode: 137, killed: true, budgetSeconds: 15 },
      }),
      { profile: 'hl7-hsp-r2', stopBudgetSeconds: 15 },
    );
    const main = judge(killed);
    expect(main.find((r) => r.id === 'stoppable')!.verdict).toBe('fail');
    const [other] = judgeOtherProfiles(killed, main);
    expect(other!.differences.find((x) => x.id === 'stoppable')?.verdict).toBe('not-checked');
  });

  it('says every verdict is the same when nothing differs', () => {
    const f = facts();
    expect(
      judgeOtherProfiles(f, judge(f))[0]!.differences.filter((d) => d.id === 'stoppable'),
    ).toEqual([]);
  });
});

describe('unencrypted', () => {
  it('fails a task port that completes a TLS handshake, even when plain HTTP works too', () => {
    const tls = {
      handshake: true,
      detail: 'TLS handshake completed (TLSv1.3): certificate CN=self',
    };
    const f = facts(task({}, [replica('s-api-1', { tls }), replica('s-api-2')]));
    const r = CHECKS['unencrypted']!(f);
    expect(r.verdict).toBe('fail');
    expect(r.why).toContain('s-api-1 terminates TLS itself');
    const plain = { handshake: false, detail: 'no TLS handshake (ECONNRESET)' };
    expect(verdict('unencrypted', facts(task({}, [replica('s-api-1', { tls: plain })])))).toBe(
      'pass',
    );
  });
});

describe('identity', () => {
  it('fails SSO when the login page does not send the user to the identity provider, warns when none is declared', () => {
    const local = facts(task(), {
      identity: {
        sso: [
          {
            service: 'api',
            client: 'api',
            loginPath: '/me',
            ok: false,
            why: "https://api.rehearsal.localhost:8443/me answered 401 without sending the user to the sandbox's identity provider",
            steps: ['GET https://api.rehearsal.localhost:8443/me → 401'],
          },
        ],
        scim: [],
      },
    });
    const r = CHECKS['sso-aware']!(local);
    expect(r.verdict).toBe('fail');
    expect(r.why).toContain('without sending the user');
    expect(verdict('sso-aware', facts(task(), { identity: { sso: [], scim: [] } }))).toBe('warn');
    expect(verdict('provisionable', facts(task(), { identity: { sso: [], scim: [] } }))).toBe(
      'warn',
    );
    expect(verdict('sso-aware', facts(task(), { identity: undefined }))).toBe('not-checked');
  });

  it('fails Provisionable on a failed SCIM test, naming it; an endpoint that could not be tested is not a pass', () => {
    const scim = (
      results: { id: string; title: string; status: 'pass' | 'fail' | 'skip'; detail: string }[],
      error?: string,
    ) =>
      facts(task(), {
        identity: {
          sso: [],
          scim: [{ service: 'api', path: '/scim/v2', results, ...(error ? { error } : {}) }],
        },
      });
    const r = CHECKS['provisionable']!(
      scim([
        {
          id: 'dup',
          title: 'answers 409 to a duplicate userName',
          status: 'fail',
          detail: 'got 201',
        },
        { id: 'create', title: 'creates a user', status: 'pass', detail: '' },
      ]),
    );
    expect(r.verdict).toBe('fail');
    expect(r.why).toContain('409');
    expect(verdict('provisionable', scim([], 'no replica running'))).toBe('not-checked');
  });
});

describe('the kinds of task other than web', () => {
  const worker: ServicePlan = {
    ...service,
    name: 'sweeper',
    kind: 'worker',
    ports: [],
    command: ['node', '/app/server.mjs', '--role=sweep'],
  };
  delete worker.probe;
  const workerTask = (over: Partial<TaskFacts> = {}) =>
    task(
      {
        service: worker,
        traffic: undefined,
        smoke: undefined,
        traces: undefined,
        hostProbes: [],
        stop: { replica: 's-sweeper-2', ms: 300, exitCode: 0, killed: false },
        ...over,
      },
      [
        replica('s-sweeper-1', { plainHttp: undefined }),
        replica('s-sweeper-2', { plainHttp: undefined }),
      ],
    );
  const withWorker = (w: TaskFacts, over: Partial<Facts> = {}) => {
    const f = facts(task(), over);
    return { ...f, tasks: [...f.tasks, w] };
  };
  const init: ServicePlan = {
    ...service,
    name: 'migrate',
    role: 'init',
    kind: 'initialization',
    ports: [],
  };
  delete init.probe;

  it('a worker is judged without HTTP, and each such verdict says how', () => {
    const f = withWorker(workerTask());
    const results = judge(f);
    expect(results.filter((r) => CHECKS[r.id] && r.verdict !== 'pass').map((r) => r.id)).toEqual(
      [],
    );
    for (const id of [
      'single-process',
      'stoppable',
      'logging-no-files',
      'compute-constrained',
      'ephemeral',
      'horizontally-scaled',
      'dns-agnostic',
    ])
      expect(
        CHECKS[id]!(f).evidence.some((e) => e.startsWith('sweeper is a worker (no HTTP): judged')),
        id,
      ).toBe(true);
  });

  it('a worker that ignores SIGTERM fails Stoppable; one that runs alone fails Horizontally scaled', () => {
    const slow = withWorker(
      workerTask({ stop: { replica: 's-sweeper-2', ms: 60_000, exitCode: 137, killed: true } }),
    );
    expect(
      judge(slow)
        .filter((r) => r.verdict === 'fail')
        .map((r) => r.id),
    ).toEqual(['stoppable']);
    const alone = withWorker({ ...workerTask(), replicas: [replica('s-sweeper-1')] });
    expect(CHECKS['horizontally-scaled']!(alone).why).toMatch(/sweeper ran 1 replica/);
  });

  it('an initialization task is timed in Self-bootstrapped, and what it left on its disk fails Ephemeral', () => {
    const clean = facts(task(), {
      initialization: [
        { service: init, container: 's-migrate-1', exitCode: 0, ms: 2300, changes: [] },
      ],
    });
    expect(judge(clean).filter((r) => r.verdict === 'fail')).toEqual([]);
    expect(CHECKS['self-bootstrapped']!(clean).evidence).toContain(
      'initialization migrate: exited 0 after 2.3 s',
    );
    const kept = facts(task(), {
      initialization: [
        {
          service: init,
          container: 's-migrate-1',
          exitCode: 0,
          ms: 2300,
          changes: [
            { path: '/home/node/reference-data', kind: 'added' },
            { path: '/home/node/reference-data/code-systems.json', kind: 'added' },
            { path: '/tmp/scratch', kind: 'added' },
          ],
        },
      ],
    });
    const failed = judge(kept).filter((r) => r.verdict === 'fail');
    expect(failed.map((r) => r.id)).toEqual(['ephemeral']);
    expect(failed[0]?.why).toMatch(
      /initialization task migrate wrote \/home\/node\/reference-data\/code-systems\.json to its own container's disk/,
    );
  });

  it('an initialization task that cannot complete without a route out fails Offline friendly', () => {
    const f = facts(task());
    const offline = {
      ...f.offline!,
      initialization: [
        {
          task: 'loading-content',
          exitCode: 1,
          ms: 4000,
          timedOut: false,
          output: ['GET https://example.org/bundle.json: ENOTFOUND'],
        },
      ],
    };
    const r = CHECKS['offline-friendly']!({ ...f, offline });
    expect(r.verdict).toBe('fail');
    expect(r.why).toMatch(/initialization task loading-content exited 1 without a route out/);
    expect(r.evidence.join('\n')).toMatch(/ENOTFOUND/);
  });
});
