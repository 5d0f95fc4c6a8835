import { describe, expect, it } from 'vitest';
import {
  ephemeralVerdict,
  incorruptibleVerdict,
  scalableVerdict,
  statelessVerdict,
} from '../../../sandbox/chaos/verdicts.js';
import type { WriteCheck, WriteRecord } from '../../../sandbox/traffic/ledger.js';

const name = (r: string) => `api-${r}`;
const write = (seq: number, at: number, replica = 'a'): WriteRecord => ({
  seq,
  journey: 'create-patient',
  key: `f${seq}-`,
  at,
  acked: true,
  id: `id${seq}`,
  resource: `Patient/id${seq}`,
  replica,
  status: 201,
});
const check = (w: WriteRecord, found: number, sameId = found === 1): WriteCheck => ({
  write: w,
  found,
  sameId,
});

describe('ephemeral', () => {
  it('passes when every write acknowledged before the replacement is there', () => {
    const v = ephemeralVerdict([{ at: 9000, checks: [check(write(1, 100), 1)] }], name);
    expect(v.outcome).toBe('pass');
  });
  it('fails naming the vanished write and the replica that took it', () => {
    const v = ephemeralVerdict(
      [{ at: 9000, checks: [check(write(1, 100), 1), check(write(2, 200, 'b'), 0)] }],
      name,
    );
    expect(v.outcome).toBe('fail');
    expect(v.evidence.join('\n')).toContain('Patient/id2 (acknowledged by api-b at 0.2 s)');
  });
  it('is not checked without a replace-all', () => {
    expect(ephemeralVerdict([], name).outcome).toBe('not-checked');
  });
});

describe('stateless', () => {
  const use = (issuer: string, replica: string, status: number) => ({
    session: 1,
    issuer,
    replica,
    status,
    at: 1000,
  });
  it('passes when other replicas honour the session', () => {
    expect(statelessVerdict([use('a', 'b', 200), use('a', 'a', 200)], name).outcome).toBe('pass');
  });
  it('fails on a refusal, saying who issued and who refused', () => {
    const v = statelessVerdict([use('a', 'b', 200), use('a', 'c', 401)], name);
    expect(v.outcome).toBe('fail');
    expect(v.evidence[0]).toBe('session #1 issued by api-a refused by api-c (HTTP 401) at 1.0 s');
  });
  it("counts a persona's IdP token like a session, naming the persona when a replica refuses it", () => {
    const persona = (replica: string, status: number) => ({
      session: 2,
      issuer: 'a',
      replica,
      status,
      at: 1000,
      persona: 'dr-ada',
    });
    const pass = statelessVerdict([persona('a', 200), persona('b', 200), use('a', 'c', 200)], name);
    expect(pass.outcome).toBe('pass');
    expect(pass.summary).toBe(
      '2 session checks on a replica other than the issuer were all honoured (2 replicas), 1 of them with an IdP access token of dr-ada',
    );
    const fail = statelessVerdict([persona('a', 200), persona('b', 401)], name);
    expect(fail.evidence[0]).toBe(
      "dr-ada's IdP access token (honoured by api-a) refused by api-b (HTTP 401) at 1.0 s",
    );
  });
  it('ignores outages (503) and is not checked when no session left its issuer', () => {
    expect(statelessVerdict([use('a', 'b', 503), use('a', 'a', 200)], name).outcome).toBe(
      'not-checked',
    );
  });
});

describe('incorruptible', () => {
  const kills = [{ at: 1500, container: 'api-a' }];
  const ok = { ok: true, detail: 'fine' };
  it('passes when each acknowledged write is found exactly once after kills', () => {
    expect(incorruptibleVerdict([check(write(1, 1000), 1)], kills, ok, name).outcome).toBe('pass');
  });
  it('fails on a lost write, relating it to the next kill', () => {
    const v = incorruptibleVerdict([check(write(1, 1000), 0)], kills, ok, name);
    expect(v.outcome).toBe('fail');
    expect(v.evidence[0]).toBe(
      'lost: Patient/id1 acknowledged (HTTP 201) by api-a at 1.0 s, 0.5 s before api-a was SIGKILLed',
    );
  });
  it('fails on a duplicate and when the service did not come back', () => {
    expect(incorruptibleVerdict([check(write(1, 1000), 2)], kills, ok, name).outcome).toBe('fail');
    const v = incorruptibleVerdict([], kills, { ok: false, detail: '1 of 3 healthy' }, name);
    expect(v.outcome).toBe('fail');
    expect(v.evidence[0]).toContain('did not come back by itself');
  });
  it('is not checked when no write was acknowledged, even if every kill was repaired', () => {
    const v = incorruptibleVerdict([], [{ at: 1000, container: 'api-1' }], ok, name);
    expect(v.outcome).toBe('not-checked');
    expect(v.summary).toMatch(/no write was acknowledged/);
  });
  it('is not checked without a SIGKILL', () => {
    expect(incorruptibleVerdict([], [], ok, name).outcome).toBe('not-checked');
  });
});

describe('dynamically scalable', () => {
  it('passes when new replicas serve soon and drained scale-downs fail nothing', () => {
    const v = scalableVerdict(
      [{ container: 'api-4', healthyAt: 1000, firstServedAt: 1800 }],
      [{ seq: 2, from: 4, to: 3, startAt: 5000, endAt: 6000, failed: [] }],
      [{ container: 'api-4', at: 5000, ms: 900, budgetMs: 15_000, exitCode: 0 }],
      60_000,
    );
    expect(v.outcome).toBe('pass');
  });
  it('fails when a replica ignores SIGTERM until the budget runs out', () => {
    const v = scalableVerdict(
      [],
      [{ seq: 2, from: 4, to: 3, startAt: 5000, endAt: 21_000, failed: [] }],
      [{ container: 'api-4', at: 5000, ms: 15_200, budgetMs: 15_000, exitCode: 137 }],
      60_000,
    );
    expect(v.outcome).toBe('fail');
    expect(v.evidence[0]).toContain('api-4 ignored SIGTERM');
  });
  it('fails on an ignored SIGTERM alone, with no replica judged and no scale-down (a slow machine)', () => {
    const v = scalableVerdict(
      [{ container: 'api-5', healthyAt: 55_000 }],
      [],
      [{ container: 'api-1', at: 2000, ms: 15_100, budgetMs: 15_000 }],
      60_000,
    );
    expect(v.outcome).toBe('fail');
    expect(v.evidence[0]).toMatch(/api-1 ignored SIGTERM .*stop budget 15\.0 s/);
  });
  it('fails when a new replica takes no traffic, or a scale-down fails requests', () => {
    expect(scalableVerdict([{ container: 'api-5', healthyAt: 1000 }], [], [], 60_000).outcome).toBe(
      'fail',
    );
    expect(
      scalableVerdict(
        [],
        [
          {
            seq: 1,
            from: 3,
            to: 2,
            startAt: 0,
            endAt: 900,
            failed: [{ at: 10, cause: 'HTTP 502' }],
          },
        ],
        [],
        60_000,
      ).evidence[0],
    ).toContain('failed 1 request(s): HTTP 502');
  });
  it('does not judge a replica removed before it had a fair chance', () => {
    expect(
      scalableVerdict([{ container: 'api-5', healthyAt: 1000, goneAt: 3000 }], [], [], 60_000)
        .outcome,
    ).toBe('not-checked');
  });
});
