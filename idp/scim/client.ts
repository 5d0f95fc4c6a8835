/** One HTTP exchange with the service under test, kept as evidence (the token redacted). */
export interface Exchange {
  request: { method: string; url: string; body?: unknown };
  response: { status: number; etag?: string; contentType?: string; body?: unknown };
}

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface ScimTarget {
  /** The service's SCIM base URL, e.g. `https://app.rehearsal.localhost:8443/scim/v2`. */
  baseUrl: string;
  token: string;
  fetch?: Fetch;
  /** `entra`: capitalised PATCH ops, "True"/"False" strings, member removal by value. */
  dialect?: 'standard' | 'entra';
}

/** A SCIM client that records every exchange of the check it serves. */
export class ScimClient {
  evidence: Exchange[] = [];
  constructor(private readonly target: ScimTarget) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown>; etag: string | undefined }> {
    const url = `${this.target.baseUrl.replace(/\/+$/, '')}${path}`;
    const res = await (this.target.fetch ?? fetch)(url, {
      method,
      headers: {
        authorization: `Bearer ${this.target.token}`,
        accept: 'application/scim+json',
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text === '' ? undefined : text;
    try {
      if (text !== '') parsed = JSON.parse(text);
    } catch {
      // kept as text: a non-JSON answer is itself evidence
    }
    const etag = res.headers.get('etag') ?? undefined;
    const contentType = res.headers.get('content-type') ?? undefined;
    this.evidence.push({
      request: { method, url, ...(body === undefined ? {} : { body }) },
      response: {
        status: res.status,
        ...(etag ? { etag } : {}),
        ...(contentType ? { contentType } : {}),
        ...(parsed === undefined ? {} : { body: parsed }),
      },
    });
    const obj = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    return { status: res.status, body: obj, etag };
  }
}
