import type { Report, TimelineSample } from '../types.js';
import { VERDICT_LABEL, profileLines } from './markdown.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const W = 900;
const H = 180;
const PAD = 40;

type Traffic = Extract<TimelineSample, { kind: 'traffic' }>;
type Memory = Extract<TimelineSample, { kind: 'memory' }>;
type Action = Extract<TimelineSample, { kind: 'action' }>;

/** x position of a time on a chart spanning [t0, t1]. */
const xOf = (t: number, t0: number, t1: number) =>
  PAD + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * PAD);

function axis(label: string, max: string): string {
  return `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" class="axis"/><line x1="${PAD}" y1="10" x2="${PAD}" y2="${H - PAD}" class="axis"/><text x="4" y="16" class="small">${esc(max)}</text><text x="${W - PAD}" y="${H - 8}" text-anchor="end" class="small">${esc(label)}</text>`;
}

function markers(actions: Action[], t0: number, t1: number): string {
  return actions
    .map((a, i) => {
      const x = xOf(a.at, t0, t1).toFixed(1);
      return `<line x1="${x}" y1="10" x2="${x}" y2="${H - PAD}" class="marker"><title>${esc(a.text)}</title></line><text x="${x}" y="${H - PAD + 12 + (i % 2) * 10}" class="tiny">${i + 1}</text>`;
    })
    .join('');
}

/** Success rate (%) and p99 latency per second, with the run's steps as numbered markers. */
function trafficChart(samples: Traffic[], actions: Action[], t0: number, t1: number): string {
  if (samples.length === 0)
    return '<p>No traffic was sent (no task serves HTTP, or the sandbox did not come up).</p>';
  const maxP99 = Math.max(1, ...samples.map((s) => s.p99Ms));
  const y = (v: number, max: number) => (H - PAD - (v / max) * (H - PAD - 10)).toFixed(1);
  const rate = samples
    .map(
      (s) =>
        `${xOf(s.at, t0, t1).toFixed(1)},${y(s.ok + s.failed ? (100 * s.ok) / (s.ok + s.failed) : 100, 100)}`,
    )
    .join(' ');
  const p99 = samples.map((s) => `${xOf(s.at, t0, t1).toFixed(1)},${y(s.p99Ms, maxP99)}`).join(' ');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="success rate and p99 latency over time">${axis('time', '100 %')}${markers(actions, t0, t1)}<polyline points="${rate}" class="ok"/><polyline points="${p99}" class="lat"/><text x="${W - PAD}" y="20" text-anchor="end" class="small"><tspan class="ok-t">success rate</tspan> · <tspan class="lat-t">p99 (max ${maxP99} ms)</tspan></text></svg>`;
}

/** Memory of each replica against its limit. */
function memoryChart(samples: Memory[], t0: number, t1: number): string {
  if (samples.length === 0) return '<p>No memory samples.</p>';
  const limit = Math.max(...samples.map((s) => s.limitBytes));
  const max = Math.max(limit, ...samples.map((s) => s.bytes));
  const y = (v: number) => (H - PAD - (v / max) * (H - PAD - 10)).toFixed(1);
  const byContainer = new Map<string, Memory[]>();
  for (const s of samples)
    byContainer.set(s.container, [...(byContainer.get(s.container) ?? []), s]);
  const lines = [...byContainer.entries()]
    .map(
      ([name, list], i) =>
        `<polyline points="${list.map((s) => `${xOf(s.at, t0, t1).toFixed(1)},${y(s.bytes)}`).join(' ')}" class="mem" style="stroke: hsl(${(i * 67) % 360} 60% 45%)"><title>${esc(name)}</title></polyline>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="memory per replica against the limit">${axis('time', `${(max / 1048576).toFixed(0)} MiB`)}<line x1="${PAD}" y1="${y(limit)}" x2="${W - PAD}" y2="${y(limit)}" class="limit"><title>limit ${(limit / 1048576).toFixed(0)} MiB</title></line>${lines}</svg>`;
}

/** One self-contained HTML page: verdicts, evidence, fixes and the run's timeline (inline SVG, no scripts). */
export function toHtml(report: Report): string {
  const t = report.timeline;
  const t0 = Math.min(...t.map((s) => s.at), Date.parse(report.startedAt));
  const t1 = Math.max(...t.map((s) => s.at), Date.parse(report.finishedAt));
  const actions = t.filter((s): s is Action => s.kind === 'action');
  const rows = report.results
    .map(
      (r) =>
        `<details class="v-${r.verdict}"${r.verdict === 'fail' ? ' open' : ''}><summary><span class="badge">${VERDICT_LABEL[r.verdict]}</span> <b>${esc(r.title)}</b> <span class="sev">${r.severity}</span>${r.why ? ` — ${esc(r.why)}` : ''}</summary><blockquote>${esc(r.words)}</blockquote><p><b>Why it matters.</b> ${esc(r.matters)}</p>${r.did ? `<p><b>What Rehearsal did.</b> ${esc(r.did)}</p>` : ''}${r.evidence.length ? `<pre>${esc(r.evidence.join('\n'))}</pre>` : ''}<p><b>How to fix.</b> ${esc(r.fix)}</p>${
          r.profiles
            ? `<p class="small">${esc(
                Object.entries(r.profiles)
                  .map(([p, s]) => `${p}: ${s}`)
                  .join(' '),
              )}</p>`
            : ''
        }</details>`,
    )
    .join('\n');
  const s = report.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rehearsal check: ${esc(report.product)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#1d2433}
h1{font-size:1.5rem}details{border:1px solid #d6dae3;border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}
summary{cursor:pointer}.badge{display:inline-block;min-width:7em;font-weight:600}.sev{color:#667;font-size:.85em}
.v-pass .badge{color:#1a7f37}.v-fail .badge{color:#cf222e}.v-warn .badge{color:#9a6700}.v-not-checked .badge,.v-not-applicable .badge{color:#667}
blockquote{margin:.4rem 0;padding-left:.8rem;border-left:3px solid #d6dae3;color:#445}pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:.85em}
svg{width:100%;height:auto;background:#fbfcfe;border:1px solid #e3e6ee}.axis{stroke:#99a}.marker{stroke:#c9ced8;stroke-dasharray:3 3}
.ok{fill:none;stroke:#1a7f37;stroke-width:2}.lat{fill:none;stroke:#8250df;stroke-width:1.5}.mem{fill:none;stroke-width:1.5}.limit{stroke:#cf222e;stroke-dasharray:6 4}
.small{font-size:11px;fill:#556}.tiny{font-size:9px;fill:#778}.ok-t{fill:#1a7f37}.lat-t{fill:#8250df}ol.steps{font-size:.85em;color:#445}
</style></head><body>
<h1>Rehearsal check: ${esc(report.product)}</h1>
<p>Profile <code>${esc(report.profile)}</code> · ${s.pass} pass · <b>${s.fail} fail</b> (${s.mustFailed} MUST) · ${s.warn} warn · ${s['not-applicable']} not applicable · ${s['not-checked']} not checked · ${(report.durationMs / 1000).toFixed(0)} s · Rehearsal ${esc(report.tool.version)} · ${esc(report.startedAt)}</p>
<p class="small">Declaration ${esc(report.declaration.file)} (sha256 ${esc(report.declaration.sha256.slice(0, 12))})</p>
${
  report.profiles?.length
    ? `<ul class="profiles">${profileLines(report)
        .map((l) => `<li>${esc(l)}</li>`)
        .join('')}</ul>`
    : ''
}
<h2>Requirements</h2>
${rows}
<h2>Timeline</h2>
${trafficChart(
  t.filter((x): x is Traffic => x.kind === 'traffic'),
  actions,
  t0,
  t1,
)}
<ol class="steps">${actions.map((a) => `<li>${esc(a.text)}</li>`).join('')}</ol>
<h2>Memory per replica</h2>
${memoryChart(
  t.filter((x): x is Memory => x.kind === 'memory'),
  t0,
  t1,
)}
</body></html>
`;
}
