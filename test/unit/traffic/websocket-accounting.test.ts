import { describe, expect, it } from 'vitest';
import {
  classifyUnanswered,
  type FaultReach,
  type Unanswered,
} from '../../../sandbox/traffic/websocket-accounting.js';

const DEADLINE = 5000;
const msg = (at: number, replica: string, message = `m${at}`): Unanswered => ({
  at,
  replica,
  message,
});

describe('unanswered WebSocket messages: stalled by a fault, or lost', () => {
  const faults: FaultReach[] = [
    { seq: 1, startAt: 10_000, endAt: 14_000, replicas: ['app-1'] }, // pause of app-1
    { seq: 2, startAt: 20_000, endAt: 30_000, replicas: 'all' }, // a database restart
    { seq: 3, startAt: 40_000, replicas: ['app-2'] }, // a disconnect still open at the end
  ];

  it('attributes a message waiting on a paused replica to the pause', () => {
    const r = classifyUnanswered([msg(11_000, 'app-1')], faults, DEADLINE);
    expect(r.stalled).toEqual([{ ...msg(11_000, 'app-1'), seq: 1 }]);
    expect(r.lost).toEqual([]);
  });

  it('counts as lost a message on a replica that no fault touched, even during another fault', () => {
    const r = classifyUnanswered([msg(11_000, 'app-2')], faults, DEADLINE);
    expect(r.lost).toEqual([msg(11_000, 'app-2')]);
  });

  it('covers the whole wait: sent just before a fault began, or while it was settling', () => {
    const r = classifyUnanswered(
      [msg(6_000, 'app-1'), msg(13_900, 'app-1'), msg(4_000, 'app-1'), msg(14_100, 'app-1')],
      faults,
      DEADLINE,
    );
    expect(r.stalled.map((m) => m.at)).toEqual([6_000, 13_900]);
    // 4.0 s + 5 s deadline ended before the pause began; 14.1 s was sent after it settled.
    expect(r.lost.map((m) => m.at)).toEqual([4_000, 14_100]);
  });

  it('an action that reached every replica, or is still open, stalls any message in its time', () => {
    const r = classifyUnanswered(
      [msg(25_000, 'app-3'), msg(60_000, 'app-2'), msg(60_000, 'app-3')],
      faults,
      DEADLINE,
    );
    expect(r.stalled.map((m) => [m.at, m.seq])).toEqual([
      [25_000, 2],
      [60_000, 3],
    ]);
    expect(r.lost).toEqual([msg(60_000, 'app-3')]);
  });

  it('of overlapping faults on the replica, blames the one that began last', () => {
    const overlapping: FaultReach[] = [
      { seq: 4, startAt: 1_000, endAt: 9_000, replicas: 'all' },
      { seq: 5, startAt: 3_000, endAt: 6_000, replicas: ['app-1'] },
    ];
    expect(classifyUnanswered([msg(2_000, 'app-1')], overlapping, DEADLINE).stalled[0]?.seq).toBe(
      5,
    );
  });

  it("matches a socket's replica by the name actions use (short container id → name)", () => {
    const names: Record<string, string> = { '0123456789ab': 'app-1' };
    const r = classifyUnanswered(
      [msg(11_000, '0123456789ab')],
      faults,
      DEADLINE,
      (id) => names[id] ?? id,
    );
    expect(r.stalled).toHaveLength(1);
  });

  it('without chaos (no faults), every unanswered message is lost', () => {
    expect(classifyUnanswered([msg(1, 'a'), msg(2, 'b')], [], DEADLINE).lost).toHaveLength(2);
  });
});
