import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  markerAlive,
  readChaosMarker,
  removeChaosMarker,
  writeChaosMarker,
} from '../../../sandbox/sandbox/chaos-marker.js';

const dir = mkdtempSync(join(tmpdir(), 'rehearsal-marker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a chaos run's marker", () => {
  it('records the counts to go back to, and is gone once removed', async () => {
    await writeChaosMarker(dir, { journal: 'j.jsonl', desired: { api: 3 } });
    const m = await readChaosMarker(dir);
    expect(m).toMatchObject({ pid: process.pid, journal: 'j.jsonl', desired: { api: 3 } });
    await removeChaosMarker(dir);
    expect(await readChaosMarker(dir)).toBeUndefined();
  });

  it("is stale when its process is gone, alive while it runs, and never this process's own", async () => {
    // A process that has exited: its pid is free (reuse within this test is not a concern).
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    await writeChaosMarker(dir, { journal: 'j', desired: {} });
    const m = (await readChaosMarker(dir))!;
    expect(markerAlive({ ...m, pid: Number(gone) })).toBe(false);
    expect(markerAlive({ ...m, pid: process.pid })).toBe(false);
    expect(markerAlive({ ...m, pid: process.ppid })).toBe(true);
    expect(markerAlive({ ...m, pid: 1, host: 'another-host' })).toBe(true);
  });

  it('an unreadable marker (hand-edited) is no marker', async () => {
    writeFileSync(join(dir, 'chaos-run.json'), '{ not json');
    expect(await readChaosMarker(dir)).toBeUndefined();
  });
});
