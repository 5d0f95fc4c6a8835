import type { SandboxOnEngine } from '../../sandbox/sandbox/on-engine.js';

/** `rehearsal ls`: one row per sandbox on the engine, as `docker compose ls` prints projects. */
export function renderSandboxes(list: SandboxOnEngine[]): string {
  if (list.length === 0)
    return 'No sandbox on this engine. `rehearsal up` (or `rehearsal demo`) makes one.';
  const rows = [['NAME', 'ENGINE', 'RUNNING', 'SERVICES', 'STATE FOLDER']];
  for (const s of list) {
    const services = Object.entries(s.services)
      .map(([name, n]) => `${name} ${n.running}/${n.containers}`)
      .join(', ');
    rows.push([s.name, s.engine, `${s.running}/${s.containers}`, services, s.stateDir ?? '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}
