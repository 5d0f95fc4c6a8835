import type { EdgeReply } from './edge-client.js';
import {
  pointerString,
  prepare,
  type Fill,
  type PreparedRequest,
  type TrafficSpec,
} from './journeys.js';
import type { Ledger } from './ledger.js';
import type { PersonaToken } from './persona-token.js';

/** Requests and successes per journey. */
export type JourneyCounts = Record<string, { sent: number; ok: number }>;

/** Sends one request through the edge and records it (figures, journey counts, failures). */
export type Call = (
  journey: string,
  req: PreparedRequest,
  expect: number[],
) => Promise<EdgeReply | undefined>;

export interface SessionTrafficOptions {
  spec: TrafficSpec;
  personaToken?: () => Promise<PersonaToken>;
  ledger: Ledger;
  journeys: JourneyCounts;
  call: Call;
  fill: () => Fill;
  /** Ms since the traffic started. */
  elapsed: () => number;
}

/** Renew a persona's access token this long before it expires. */
const RENEW_BEFORE_MS = 30_000;

/**
 * The traffic that decides statelessness: a session issued by one replica (the service's own
 * login) and a persona's access token from the sandbox's IdP, each presented to whichever replica
 * the edge picks, every use recorded with the replica that issued or first honoured it.
 */
export class SessionTraffic {
  private seq = 0;
  private session: { n: number; token: string; issuer: string; uses: number } | undefined;
  private sessionPending: Promise<void> | undefined;
  private persona: { n: number; token: PersonaToken; honouredBy?: string } | undefined;
  private personaPending: Promise<void> | undefined;

  constructor(private readonly o: SessionTrafficOptions) {}

  /** One use of the session, logging in first when there is none or it is used up. */
  async useSession(): Promise<void> {
    const spec = this.o.spec.session!;
    if (!this.session || this.session.uses >= spec.uses) {
      this.sessionPending ??= this.login().finally(() => (this.sessionPending = undefined));
      await this.sessionPending;
      return;
    }
    const s = this.session;
    s.uses++;
    const req = prepare(spec.check, this.o.fill());
    req.headers.authorization = `Bearer ${s.token}`;
    const r = await this.o.call('session', req, spec.check.expect);
    if (r?.replica) {
      this.o.ledger.push(this.o.ledger.sessions, {
        session: s.n,
        issuer: s.issuer,
        replica: r.replica,
        status: r.status,
        at: this.o.elapsed(),
      });
    }
  }

  private async login(): Promise<void> {
    const { login } = this.o.spec.session!;
    const r = await this.o.call('login', prepare(login, this.o.fill()), login.expect);
    if (!r || !login.expect.includes(r.status) || !r.replica) return;
    try {
      const token = pointerString(JSON.parse(r.body), login.token);
      if (token) this.session = { n: ++this.seq, token, issuer: r.replica, uses: 0 };
    } catch {
      // Not a session answer: the next session journey logs in again.
    }
  }

  /** One use of the persona's token, logging in at the IdP first when it is missing or old. */
  async usePersona(): Promise<void> {
    const spec = this.o.spec.persona!;
    if (!this.persona || this.persona.token.expiresAt - RENEW_BEFORE_MS < Date.now()) {
      this.personaPending ??= this.personaLogin().finally(() => (this.personaPending = undefined));
      await this.personaPending;
      if (!this.persona) return;
    }
    const p = this.persona;
    const req = prepare(spec, this.o.fill());
    req.headers.authorization = `Bearer ${p.token.accessToken}`;
    const r = await this.o.call(`persona:${spec.persona}`, req, spec.expect);
    if (!r?.replica) return;
    if (r.status === 200) p.honouredBy ??= r.replica;
    this.o.ledger.push(this.o.ledger.sessions, {
      session: p.n,
      persona: spec.persona,
      issuer: p.honouredBy ?? 'the IdP',
      replica: r.replica,
      status: r.status,
      at: this.o.elapsed(),
    });
  }

  private async personaLogin(): Promise<void> {
    const at = this.o.elapsed();
    const counts = (this.o.journeys['persona:login'] ??= { sent: 0, ok: 0 });
    counts.sent++;
    try {
      const token = await this.o.personaToken!();
      this.persona = { n: ++this.seq, token };
      counts.ok++;
    } catch (err) {
      this.o.ledger.push(this.o.ledger.failures, {
        at,
        journey: 'persona:login',
        cause: (err as Error).message,
      });
    }
  }
}
