import { setTimeout as sleep } from 'node:timers/promises';
import { readRecovery, type ActionContext, type RecoveryReading } from './execute.js';

interface Waiter {
  after: number;
  deadline: number;
  resolve: (r: { ok: boolean; at: number; detail: string }) => void;
}

/**
 * Watches the sandbox recover while chaos goes on: one poll loop (not one per action) reads the
 * replicas' health, and each action waits for the first full recovery seen after it started.
 * Chaos does not wait for one fault to heal before the next unless safety needs it (a fault
 * never takes the healthy count below instances_minimum).
 */
export class RecoveryMonitor {
  last: (RecoveryReading & { at: number }) | undefined;
  private readonly waiters: Waiter[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly ctx: ActionContext,
    private readonly everyMs = 500,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const at = this.ctx.clock();
      const reading = await readRecovery(this.ctx).catch((err: unknown) => ({
        ok: false,
        healthy: 0,
        want: 0,
        detail: `cannot read the sandbox: ${(err as Error).message}`,
      }));
      this.last = { ...reading, at };
      const now = this.ctx.clock();
      for (const w of [...this.waiters]) {
        if ((reading.ok && at >= w.after) || now > w.deadline) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve({ ok: reading.ok && at >= w.after, at: now, detail: reading.detail });
        }
      }
      await sleep(this.everyMs);
    }
  }

  /** Resolves at the first full recovery observed from a poll that began at or after `after`. */
  recovered(
    after: number,
    timeoutMs = 90_000,
  ): Promise<{ ok: boolean; at: number; detail: string }> {
    return new Promise((resolve) =>
      this.waiters.push({ after, deadline: after + timeoutMs, resolve }),
    );
  }

  /** Waits, when needed, until `healthy - remove >= min`: a fault must not go below the minimum. */
  async headroom(min: number, remove: number): Promise<void> {
    const fresh = this.ctx.clock();
    while (!this.stopped) {
      const l = this.last;
      if (l && l.at >= fresh && l.healthy - remove >= min) return;
      if (l && l.at >= fresh && l.ok) return;
      await sleep(this.everyMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiters.splice(0))
      w.resolve({ ok: false, at: this.ctx.clock(), detail: 'the run ended first' });
    await this.loop;
  }
}
