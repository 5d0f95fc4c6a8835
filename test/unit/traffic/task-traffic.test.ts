import { describe, expect, it } from 'vitest';
import type { TrafficDeclaration } from '../../../sandbox/declaration/types.js';
import { createPlan } from '../../../sandbox/plan/plan.js';
import type { EdgeTarget } from '../../../sandbox/traffic/edge-client.js';
import { taskTraffic, type TrafficOverlays } from '../../../sandbox/traffic/task-traffic.js';
import { loadedDeclaration } from '../../helpers/loaded.js';

const opts = { cwd: '/work', imageMode: 'official' as const, randomSecret: () => 'S3CRET' };
const env = (key: string) => ({
  key,
  description: key,
  required: true,
  location: { file: 'f', line: 1, column: 1, pointer: '' },
});
const target: EdgeTarget = { host: 'portal.rehearsal.localhost', port: 28443, ca: 'CA' };

/** A task whose rehearsal.yaml declares a write journey and a persona journey. */
const traffic = {
  journeys: [{ name: 'create', method: 'POST', path: '/notes', expect: [201], weight: 1 }],
  persona: { persona: '', method: 'GET', path: '/me', expect: [200], weight: 1 },
} as unknown as TrafficDeclaration;
const overlays: TrafficOverlays = { portal: { traffic } };

function planOf(sso: boolean) {
  return createPlan(
    loadedDeclaration({
      tasks: [
        {
          name: 'portal',
          environment: sso ? [env('OIDC_ISSUER'), env('CLIENT_ID'), env('CLIENT_SECRET')] : [],
        },
      ],
    }),
    { ...opts, proxyPort: 28443 },
  );
}

/**
 * The spec every traffic-sending phase gets (chaos, the check's traffic phase, its chaos phase):
 * the declared journeys, and with the IdP the persona journey together with the login it needs.
 */
describe('taskTraffic', () => {
  it("sends the declared journeys and the persona's, with its login, when the task uses SSO", async () => {
    const plan = planOf(true);
    const portal = plan.services.find((s) => s.name === 'portal')!;
    const t = await taskTraffic(plan, portal, overlays, target);
    expect(t.spec.origin).toBe('declared');
    expect(t.spec.journeys.map((j) => j.name)).toEqual(['create']);
    expect(t.spec.persona?.persona).toBe(plan.idp!.personas[0]!.id);
    expect(typeof t.personaToken).toBe('function');
  });

  it('drops the persona journey, and needs no login, without an identity provider', async () => {
    const plan = planOf(false);
    const portal = plan.services.find((s) => s.name === 'portal')!;
    const t = await taskTraffic(plan, portal, overlays, target);
    expect(t.spec.journeys.map((j) => j.name)).toEqual(['create']);
    expect(t.spec.persona).toBeUndefined();
    expect(t.personaToken).toBeUndefined();
  });
});
