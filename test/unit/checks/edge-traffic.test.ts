import { describe, expect, it } from 'vitest';
import { refusedElsewhere } from '../../../sandbox/checks/facts/edge-traffic.js';
import type { SessionUse } from '../../../sandbox/traffic/ledger.js';

describe("the check's traffic phase counts a persona's token as a session", () => {
  const use = (over: Partial<SessionUse>): SessionUse => ({
    session: 1,
    issuer: 'api-1',
    replica: 'api-2',
    status: 200,
    at: 0,
    ...over,
  });

  it('once a replica honoured it: another replica refusing it is a refused session', () => {
    const persona = { persona: 'dr-ada', issuer: 'api-1' };
    const refused = use({ ...persona, status: 401 });
    expect(
      refusedElsewhere([use({ ...persona, replica: 'api-1' }), refused, use({ status: 403 })]),
    ).toEqual([refused, use({ status: 403 })]);
  });

  it('not while no replica honoured it (its own login page refuses it everywhere: SSO aware)', () => {
    const everywhere = ['api-1', 'api-2'].map((replica) =>
      use({ persona: 'dr-ada', issuer: 'the IdP', replica, status: 401 }),
    );
    expect(refusedElsewhere(everywhere)).toEqual([]);
  });
});
