/** Small text helpers shared by the views. Pure, so the components stay thin. */

export function mib(bytes: number): string {
  const m = bytes / 1024 / 1024;
  return m >= 100 ? m.toFixed(0) : m.toFixed(m >= 10 ? 0 : 1);
}

export function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${bytes} B`;
}

/** Uptime as `42s`, `7m`, `3h`: short enough for a table column. */
export function uptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A bar of `width` cells, `ratio` of them full. */
export function bar(ratio: number, width: number): string {
  if (width <= 0) return '';
  const r = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
  const full = Math.round(r * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Cuts `text` to `width` columns with an ellipsis, or pads it to exactly `width`. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return text.padEnd(width);
}

/** `title` followed by a rule to exactly `width` columns (cut, if longer, with no ellipsis). */
export function rule(title: string, width: number): string {
  return title.length >= width ? title.slice(0, width) : title + '─'.repeat(width - title.length);
}
