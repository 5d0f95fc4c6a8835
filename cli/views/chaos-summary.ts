import { describeAction, type ChaosAction } from '../../sandbox/chaos/action.js';
import type { RecoveryFigures } from '../../sandbox/chaos/recovery-figures.js';
import type { ChaosReport, ChaosSettings } from '../../sandbox/chaos/run.js';
import type { TrafficPreview } from '../../sandbox/traffic/task-traffic.js';

/** Who repaired the faults of a run, by the engine its report names (else the engine's name). */
const REPAIRED_BY: Partial<Record<ChaosReport['engine'], string>> = {
  docker: "Rehearsal's supervisor (plain Docker)",
  swarm: 'Swarm',
};

/** "Repaired by Swarm (this run): kill → healthy 6.1 s, → serving through the edge 6.4 s (mean of 3)". */
function recoveryLine(f: RecoveryFigures, when: string): string {
  const s = (ms: number | undefined) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
  const who = REPAIRED_BY[f.engine] ?? f.engine;
  return `Repaired by ${who} (${when}): kill → replacement healthy ${s(f.healthyMeanMs)}, serving through the edge ${s(f.servingMeanMs)} (mean of ${f.kills}; worst ${s(f.servingMaxMs)})`;
}

function trafficLines(t: ChaosReport['traffic']): string[] {
  const list = (entries: string[]) => entries.join(', ') || 'none';
  return [
    `Traffic: ${t.requests} requests in ${t.seconds} s (${t.rps} req/s), p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms; errors: ${list(Object.entries(t.errors).map(([k, v]) => `${k} ×${v}`))}.`,
    `Journeys (${t.derivedFrom ?? t.origin}): ${list(Object.entries(t.journeys).map(([k, v]) => `${k} ${v.ok}/${v.sent}`))}.`,
    ...(t.conformance
      ? [
          `CDS Hooks answers: ${t.conformance.checked - t.conformance.invalid}/${t.conformance.checked} conform to the specification's schema.`,
          ...t.conformance.examples
            .slice(0, 3)
            .map(
              (x) =>
                `  ${x.journey}${x.replica ? ` (${x.replica})` : ''}: ${x.problems.join('; ')}`,
            ),
        ]
      : []),
    `Writes: ${t.acknowledgedWrites} acknowledged, ${t.lostWrites} lost.`,
    ...(t.websocket
      ? [
          `WebSocket ${t.websocket.path}: ${t.websocket.opened} opened, ${Object.values(t.websocket.reconnects).reduce((a, b) => a + b, 0)} reconnects, ${t.websocket.echoed}/${t.websocket.sent} echoed (${t.websocket.late} late), ${t.websocket.inFlightAtDrop} in flight at a drop, ${t.websocket.silentClosed} silent socket(s) closed, ${t.websocket.stalled} stalled by a fault, ${t.websocket.lost} lost.`,
          ...(t.websocketLost ?? []).map(
            (m) =>
              `  lost: ${m.message} sent at ${(m.at / 1000).toFixed(1)} s on ${m.replica}, no fault on that replica`,
          ),
        ]
      : []),
  ];
}

function killLines(r: ChaosReport): string[] {
  const kills = r.actions.filter((a) => a.action.kind === 'kill');
  if (kills.length === 0) return [];
  const mean = (n: number) => (n / kills.length).toFixed(1);
  const serving = kills
    .map((k) => k.replacementServingMs)
    .filter((x): x is number => x !== undefined);
  return [
    `SIGKILL: ${kills.length}, failed requests per kill ${mean(kills.reduce((n, k) => n + k.failedRequests, 0))}` +
      (r.traffic.websocket
        ? `, WebSocket reconnects per kill ${mean(kills.reduce((n, k) => n + k.socketDrops, 0))}`
        : '') +
      (serving.length
        ? `, kill → replacement serving ${(Math.max(...serving) / 1000).toFixed(1)} s at worst, ${(serving.reduce((a, b) => a + b, 0) / serving.length / 1000).toFixed(1)} s on average`
        : ''),
    recoveryLine(r.recovery.this, 'this run'),
    ...(r.recovery.other
      ? [recoveryLine(r.recovery.other, `last run, ${r.recovery.other.at.slice(0, 16)}`)]
      : []),
  ];
}

/** The end of `rehearsal chaos`: traffic, kills and recovery, one line per verdict, the journal. */
export function renderChaosSummary(r: ChaosReport): string {
  return [
    `Chaos on ${r.sandboxId}/${r.service}, seed ${r.seed}: ${r.actions.length} action(s).`,
    ...trafficLines(r.traffic),
    ...killLines(r),
    ...(r.workers ?? []).map(
      (w) =>
        `Worker ${w.service}: ${describeAction(w.action).replace(/^#\d+ at [\d.]+ s: /, '')}: ${w.ok ? 'healed' : 'FAILED'} in ${(w.recoveredMs / 1000).toFixed(1)} s (${w.detail})`,
    ),
    ...r.verdicts.map((v) => `${v.outcome.toUpperCase().padEnd(8)} ${v.requirement}: ${v.summary}`),
    `Journal: ${r.journal}`,
  ].join('\n');
}

/** `rehearsal chaos --dry-run`: the schedule and the journeys, as text or JSON. */
export function renderSchedule(
  s: ChaosSettings,
  actions: ChaosAction[],
  json: boolean,
  traffic?: TrafficPreview & { service: string },
): string {
  if (json)
    return JSON.stringify(
      {
        seed: s.seed,
        durationMs: s.durationMs,
        actions,
        ...(traffic
          ? { traffic: { service: traffic.service, note: traffic.note, ...traffic.spec } }
          : {}),
      },
      null,
      2,
    );
  return [
    `seed ${s.seed}: ${actions.length} action(s) over ${s.durationMs / 1000} s (dry run: nothing touched)`,
    ...actions.map((a) => `  ${describeAction(a)}`),
    ...(traffic ? journeyLines(traffic) : []),
  ].join('\n');
}

/** The journeys of a dry run, one line each: method, path, weight, and what is checked. */
function journeyLines(t: TrafficPreview & { service: string }): string[] {
  const { spec } = t;
  return [
    `traffic to ${t.service}: ${t.note}`,
    ...spec.journeys.map(
      (j) =>
        `  ${j.name}: ${j.method} ${j.path} ×${j.weight}${j.write ? ', a write read back' : ''}${j.conforms ? `, answer validated (${j.conforms})` : ''}`,
    ),
    ...(spec.session
      ? [
          `  session: ${spec.session.login.method} ${spec.session.login.path}, then ${spec.session.check.path}`,
        ]
      : []),
    ...(spec.persona
      ? [`  persona ${spec.persona.persona}: ${spec.persona.method} ${spec.persona.path}`]
      : []),
    ...(spec.websocket ? [`  websocket: ${spec.websocket.path}`] : []),
  ];
}
