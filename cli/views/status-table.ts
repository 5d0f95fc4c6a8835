import type { SandboxStatus } from '../../sandbox/sandbox/status.js';

function uptime(s: number | undefined): string {
  if (s === undefined) return '-';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

/** A plain table: one row per replica, after a line per task and before the endpoints. */
export function renderStatus(s: SandboxStatus): string {
  if (s.replicas.length === 0) return `Sandbox ${s.sandboxId}: nothing running.`;
  const rows = [['REPLICA', 'STATE', 'HEALTH', 'UPTIME', 'URL', 'DETAIL']];
  for (const r of s.replicas) {
    rows.push([
      r.container,
      r.state,
      r.health,
      uptime(r.uptimeSeconds),
      Object.values(r.urls)[0] ?? '-',
      r.detail,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
  );
  const summary = s.services
    .filter((x) => x.role !== 'cron')
    .map((x) => {
      if (x.role === 'init') {
        const ran = s.replicas.find((r) => r.service === x.name);
        return `${x.name} (initialization) ${ran ? ran.detail.split(':')[0] : 'not run'}`;
      }
      const kind = x.kind === 'worker' ? ' (worker)' : '';
      return `${x.name}${kind} ${x.healthy}/${x.running} healthy (bounds ${x.bounds[0]}..${x.bounds[1] ?? '∞'})`;
    })
    .join(', ');
  const endpoints = s.endpoints.map((e) => `${e.service}: ${e.url}`).join('\n');
  return `Sandbox ${s.sandboxId}: ${summary}\n${lines.join('\n')}${endpoints ? `\n${endpoints}` : ''}`;
}
