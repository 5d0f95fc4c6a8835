import type { Finding } from './types.js';

/**
 * How to make each requirement checkable when a run could not check it: one line, appended to
 * every "not checked" that does not already say what to do. Specific causes first (no write
 * journey, no session, no chaos), then the requirement's general advice.
 */
const SPECIFIC: { when: RegExp; ids?: string[]; hint: string }[] = [
  {
    when: /no write|writes? (was|were) acknowledged|acknowledged write/i,
    ids: ['incorruptible', 'ephemeral'],
    hint: 'no write journey declared: declare traffic.journeys with write: { key, id, read } in rehearsal.yaml (README, "Traffic journeys")',
  },
  {
    when: /no session/i,
    hint: 'no session journey reached another replica: declare traffic.session { login, check } in rehearsal.yaml, and run at least 2 replicas',
  },
  {
    when: /--no-chaos|chaos phase was not run/i,
    hint: 'run `rehearsal check` without --no-chaos',
  },
  {
    when: /did not come up|no replica (was|ran)|already died|still running to probe/i,
    hint: 'make every task healthy first (see Self-bootstrapped and the diagnosis above), then run the check again',
  },
];

const GENERAL: Record<string, string> = {
  containerized: 'name an image the engine can pull or build in marketplace.json',
  'x86-64': 'name an image the engine can pull or build in marketplace.json',
  'no-data-payloads': 'make the image readable by `docker save` (pull it first)',
  stoppable: 'keep a replica running to the end of the run (declare instances_minimum ≥ 1)',
  'good-citizen':
    'install tcpdump in the runtime image (`npm run images:offline`) so each replica can be watched',
  'offline-friendly':
    'declare `health: { path }` for each HTTP task so the offline replica can be probed',
  'sso-aware': 'declare `sso: true` and `login: { path }` in rehearsal.yaml',
  provisionable: 'declare `scim: { path }` in rehearsal.yaml',
  profilable:
    'honour OTEL_EXPORTER_OTLP_ENDPOINT (declare it in marketplace.json or bind collector.endpoint)',
  'no-phi-in-logs':
    'declare traffic.journeys in rehearsal.yaml, with {patient_name} or {mrn} where your API takes them',
  incorruptible: 'declare traffic.journeys with write: { key, id, read } in rehearsal.yaml',
  ephemeral: 'declare traffic.journeys with write: { key, id, read } in rehearsal.yaml',
  'dynamically-scalable':
    'declare traffic.session { login, check } in rehearsal.yaml and instances_maximum > instances_minimum',
};

/** Already says how: an imperative or a pointer to what to declare or run. */
const SAYS_HOW =
  /\b(declare|run |add |install|make |set |use |fix |honour|name an image|rehearsal check|it is (checked|timed) once)/i;

/** The finding, its "not checked" reason ending with how to make it checkable. */
export function withCheckableHint(id: string, f: Finding): Finding {
  if (f.verdict !== 'not-checked') return f;
  const why = f.why ?? 'not checked';
  if (SAYS_HOW.test(why)) return f;
  const specific = SPECIFIC.find((s) => s.when.test(why) && (!s.ids || s.ids.includes(id)));
  const hint = specific?.hint ?? GENERAL[id];
  return hint ? { ...f, why: `${why} — to check it: ${hint}` } : f;
}
