/** The vendor's smoke test, run as a one-off container: through the edge, and in another locale. */
import type { Engine } from '../../engine/engine.js';
import type { Emit } from '../../events.js';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { waitHealthy } from '../../sandbox/health.js';
import { runOneOff } from '../../sandbox/one-off.js';
import { freeNumbers, listReplicas } from '../../sandbox/replicas.js';
import { startReplicas } from '../../sandbox/up.js';
import { edgeTarget } from '../../traffic/edge-client.js';
import type { SmokeFacts } from './types.js';

/** Another locale and a time zone far from UTC: a service must not depend on the defaults. */
export const FOREIGN_LOCALE = {
  LANG: 'tr_TR.UTF-8',
  LC_ALL: 'tr_TR.UTF-8',
  TZ: 'Pacific/Kiritimati',
};
const SMOKE_TIMEOUT_MS = 120_000;

export async function smokeTest(
  plan: Plan,
  engine: Engine,
  s: ServicePlan,
  command: string[],
  canary: string,
  signal?: AbortSignal,
  url?: string,
): Promise<SmokeFacts> {
  const target = edgeTarget(plan, s.name);
  const base =
    url ??
    (target
      ? `https://${target.host}:${target.port}`
      : `http://${s.name}:${s.probe?.port ?? s.ports[0] ?? 80}`);
  const r = await runOneOff(plan, s, engine, {
    kind: 'smoke',
    command,
    env: { REHEARSAL_URL: base, REHEARSAL_CANARY_NAME: canary },
    keepLines: 200,
    timeoutMs: SMOKE_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
  });
  return { command, exitCode: r.exitCode, ms: r.ms, output: r.output, timedOut: r.timedOut };
}

/** Starts one more replica in another locale and time zone and runs the smoke test against it alone. */
export async function foreignLocaleSmoke(
  plan: Plan,
  engine: Engine,
  s: ServicePlan,
  command: string[],
  canary: string,
  emit: Emit,
  signal?: AbortSignal,
): Promise<SmokeFacts['locale']> {
  const foreign: ServicePlan = { ...s, environment: { ...s.environment, ...FOREIGN_LOCALE } };
  const used = (await listReplicas(engine, plan.sandboxId, s.name)).map((r) => r.number);
  const [started] = await startReplicas(plan, foreign, freeNumbers(used, 1), { engine, emit });
  if (!started) return undefined;
  try {
    await waitHealthy(engine, started.id, started.name, foreign, signal ? { signal } : {});
    const port = s.probe?.port ?? s.ports[0] ?? 80;
    const r = await smokeTest(
      plan,
      engine,
      s,
      command,
      canary,
      signal,
      `http://${started.name}:${port}`,
    );
    return { env: FOREIGN_LOCALE, exitCode: r.timedOut ? -1 : r.exitCode, output: r.output };
  } catch (err) {
    return { env: FOREIGN_LOCALE, exitCode: -1, output: [(err as Error).message] };
  } finally {
    await engine.removeContainer(started.id, { force: true });
  }
}
