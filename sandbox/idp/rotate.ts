import { setTimeout as sleep } from 'node:timers/promises';
import { ROTATION_STAGES, type RotationStage } from '../../idp/rotation-stages.js';
import type { Engine } from '../engine/engine.js';
import { AbortedError, UserError } from '../errors.js';
import { IDP_ADMIN_TOKEN_SECRET } from '../plan/idp.js';
import type { Plan } from '../plan/types.js';
import { listReplicas } from '../sandbox/replicas.js';

export { ROTATION_STAGES, type RotationStage };

/** The running IdP's admin channel: a port published on 127.0.0.1 and its token. */
async function idpAdmin(plan: Plan, engine: Engine): Promise<{ url: string; token: string }> {
  if (!plan.idp) {
    throw new UserError(`sandbox ${plan.sandboxId} has no identity provider`, {
      hint: 'Set `sso: true` for a task in rehearsal.yaml (or declare CLIENT_ID), then `rehearsal up`.',
    });
  }
  const replica = (await listReplicas(engine, plan.sandboxId, plan.idp.service)).find(
    (r) => r.state === 'running',
  );
  const port = replica?.published[plan.idp.adminPort];
  const token = plan.secrets[IDP_ADMIN_TOKEN_SECRET];
  if (!port || !token) {
    throw new UserError(`the identity provider of ${plan.sandboxId} is not running`, {
      hint: 'Start the sandbox with `rehearsal up`, then try again.',
    });
  }
  return { url: `http://127.0.0.1:${port}`, token };
}

async function call(
  admin: { url: string; token: string },
  method: string,
  path: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  try {
    const res = await fetch(`${admin.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin.token}` },
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  } catch (err) {
    throw new UserError(`the identity provider did not answer ${method} ${path}`, {
      hint: 'Check `rehearsal status` and `rehearsal logs idp`.',
      cause: err,
    });
  }
}

/** The IdP's published keys and their states (next, current, previous). */
export async function idpKeys(
  plan: Plan,
  engine: Engine,
): Promise<{ kid: string; state: string }[]> {
  const r = await call(await idpAdmin(plan, engine), 'GET', '/keys');
  return (r.json['keys'] as { kid: string; state: string }[] | undefined) ?? [];
}

export interface RotateOptions {
  engine: Engine;
  stages: RotationStage[];
  /** Pause after each stage but the last, so relying parties see the change (ms). */
  pausesMs: number[];
  onStage?: (stage: RotationStage, done: string) => void;
  signal?: AbortSignal;
}

/**
 * A staged key rotation: publish the next key (relying parties can fetch it before any token
 * uses it), sign with it (the old key stays published, so tokens it signed still verify), then
 * retire the old one.
 */
export async function rotateKeys(plan: Plan, options: RotateOptions): Promise<void> {
  const admin = await idpAdmin(plan, options.engine);
  for (const [i, stage] of options.stages.entries()) {
    if (options.signal?.aborted) throw new AbortedError();
    const r = await call(admin, 'POST', `/keys/rotate/${stage}`);
    if (r.status !== 200) {
      throw new UserError(
        `the identity provider refused the ${stage} stage: ${String(r.json['error'])}`,
        {
          hint: 'Run `rehearsal idp keys` to see the key states; stages go publish, sign, retire.',
        },
      );
    }
    options.onStage?.(stage, String(r.json['done']));
    const pause = options.pausesMs[i] ?? 0;
    if (i < options.stages.length - 1 && pause > 0) {
      try {
        await sleep(pause, undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        throw new AbortedError();
      }
    }
  }
}
