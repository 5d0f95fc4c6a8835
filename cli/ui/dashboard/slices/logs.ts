import type { DashboardAction } from '../actions.js';
import type { LogBuffer } from '../state.js';

/** Lines kept per replica: the pane shows the last few; nothing grows without bound. */
export const LOG_LINES = 200;
/** A longer line is cut: one runaway JSON line must not hold megabytes. */
export const LOG_LINE_CHARS = 1000;

function append(buffer: LogBuffer | undefined, text: string): LogBuffer {
  const line = text.length > LOG_LINE_CHARS ? `${text.slice(0, LOG_LINE_CHARS)}…` : text;
  const lines = buffer?.lines ?? [];
  if (lines.length < LOG_LINES) return { lines: [...lines, line], dropped: buffer?.dropped ?? 0 };
  return {
    lines: [...lines.slice(lines.length - LOG_LINES + 1), line],
    dropped: (buffer?.dropped ?? 0) + lines.length - LOG_LINES + 1,
  };
}

function without(logs: Record<string, LogBuffer>, container: string): Record<string, LogBuffer> {
  if (!(container in logs)) return logs;
  const { [container]: _gone, ...rest } = logs;
  return rest;
}

/**
 * The last lines of each replica. A dead replica's lines stay until it is replaced or removed
 * (they often say why it died); a replacement with the same name continues the buffer after a
 * marker line.
 */
export function logsReducer(
  logs: Record<string, LogBuffer>,
  a: DashboardAction,
): Record<string, LogBuffer> {
  switch (a.type) {
    case 'ui.log':
      return { ...logs, [a.container]: append(logs[a.container], a.text) };
    case 'replica.created':
      return a.container in logs
        ? { ...logs, [a.container]: append(logs[a.container], '── a new replica starts ──') }
        : logs;
    case 'replica.removed':
      return without(logs, a.container);
    case 'replica.replaced':
      return a.died === a.replacement ? logs : without(logs, a.died);
    case 'sandbox.removed':
      return {};
    default:
      return logs;
  }
}
