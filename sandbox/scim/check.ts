import { ScimClient } from '../../idp/scim/client.js';
import { runScimSuite, type CheckResult } from '../../idp/scim/suite.js';
import type { Persona } from '../../idp/personas.js';
import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import { readPersonas } from '../plan/idp.js';
import type { Plan } from '../plan/types.js';
import { listReplicas } from '../sandbox/replicas.js';
import { templatePath } from '../version.js';

export interface ScimCheckOptions {
  engine: Engine;
  /** The task to test (default: the only one with a SCIM endpoint). */
  task?: string;
  dialect: 'standard' | 'entra';
  /** Create the personas (users, and groups with their members) after the suite. */
  provision: boolean;
}

export interface ScimCheckReport {
  task: string;
  baseUrl: string;
  dialect: 'standard' | 'entra';
  results: CheckResult[];
  provisioned?: { users: number; groups: number };
}

/**
 * Runs the SCIM conformance suite against a task's endpoint (one replica, over its port on
 * 127.0.0.1), then provisions the sandbox's personas into it the way an identity provider would.
 */
export async function checkScim(plan: Plan, options: ScimCheckOptions): Promise<ScimCheckReport> {
  const endpoints = plan.scim ?? [];
  const scim = options.task ? endpoints.find((s) => s.task === options.task) : endpoints[0];
  if (!scim || (!options.task && endpoints.length > 1)) {
    throw new UserError(
      options.task
        ? `task "${options.task}" declares no SCIM endpoint`
        : endpoints.length > 1
          ? `several tasks have SCIM endpoints: ${endpoints.map((e) => e.task).join(', ')}`
          : `no task of sandbox ${plan.sandboxId} declares a SCIM endpoint`,
      {
        hint: 'Set `scim: { path: /scim/v2 }` for the task in rehearsal.yaml, run `rehearsal up`, and name the task if there are several.',
      },
    );
  }
  const service = plan.services.find((s) => s.name === scim.task);
  const port = service?.probe?.port;
  const replica = (await listReplicas(options.engine, plan.sandboxId, scim.task)).find(
    (r) => r.state === 'running' && port !== undefined && r.published[port],
  );
  if (!replica || port === undefined) {
    throw new UserError(`no replica of ${scim.task} is running`, {
      hint: 'Start the sandbox with `rehearsal up`.',
    });
  }
  const token = plan.secrets[scim.tokenName] ?? '';
  const baseUrl = `http://127.0.0.1:${replica.published[port]}${scim.path}`;
  const target = { baseUrl, token, dialect: options.dialect };
  const results = await runScimSuite(target);
  const report: ScimCheckReport = { task: scim.task, baseUrl, dialect: options.dialect, results };
  if (options.provision) {
    const personas =
      plan.idp?.personas ??
      readPersonas(plan.idp?.personasFile ?? templatePath('idp', 'personas.yaml'));
    report.provisioned = await provision(new ScimClient(target), personas);
  }
  return report;
}

/** Creates (or finds) a user per persona and a group per persona group, with its members. */
async function provision(
  c: ScimClient,
  personas: Persona[],
): Promise<{ users: number; groups: number }> {
  const ids = new Map<string, string>();
  const find = async (kind: string, attr: string, value: string) => {
    const r = await c.call('GET', `/${kind}?filter=${encodeURIComponent(`${attr} eq "${value}"`)}`);
    const first = (r.body['Resources'] as { id?: string }[] | undefined)?.[0];
    return first?.id;
  };
  for (const p of personas) {
    const user = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: p.email,
      externalId: p.id,
      displayName: p.name,
      emails: [{ value: p.email, type: 'work', primary: true }],
      active: true,
    };
    const r = await c.call('POST', '/Users', user);
    const id = r.status === 201 ? String(r.body['id']) : await find('Users', 'userName', p.email);
    if (!id)
      throw new UserError(`the service would not provision persona ${p.id} (HTTP ${r.status})`);
    ids.set(p.id, id);
  }
  const groups = [...new Set(personas.flatMap((p) => p.groups))];
  for (const g of groups) {
    const members = personas
      .filter((p) => p.groups.includes(g))
      .map((p) => ({ value: ids.get(p.id)! }));
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: g,
      members,
    };
    const r = await c.call('POST', '/Groups', body);
    const id = r.status === 201 ? String(r.body['id']) : await find('Groups', 'displayName', g);
    if (!id) throw new UserError(`the service would not provision group ${g} (HTTP ${r.status})`);
    if (r.status !== 201) await c.call('PUT', `/Groups/${id}`, body);
  }
  return { users: ids.size, groups: groups.length };
}
