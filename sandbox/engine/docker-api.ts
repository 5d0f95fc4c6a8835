/**
 * Conventions of the Docker Engine API that every dockerode call shares: label filters and the
 * HTTP status codes its errors carry.
 */

/** The `filters` query parameter that selects objects carrying every given label. */
export function labelFilter(labels: Record<string, string>): string {
  // An empty value selects every resource that has the label, whatever its value.
  return JSON.stringify({
    label: Object.entries(labels).map(([k, v]) => (v === '' ? k : `${k}=${v}`)),
  });
}

/** The HTTP status of a failed Engine API call (404 missing, 304 no change, 409 conflict). */
export function statusCode(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** Awaits a call that may find its object already gone (404), or answer one of `also`. */
export async function ignore404(p: Promise<unknown>, also: number[] = []): Promise<void> {
  try {
    await p;
  } catch (err) {
    const code = statusCode(err);
    if (code !== 404 && !also.includes(code ?? 0)) throw err;
  }
}
