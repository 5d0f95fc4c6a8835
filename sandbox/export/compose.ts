import { stringify } from 'yaml';
import { composeModel } from '../plan/compose.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { VERSION } from '../version.js';
import { portablePlan } from './portable.js';

/**
 * Swarm-style `deploy` keys for one service: replicas, memory limit, restart, and rolling update
 * with automatic rollback. A task's new replica starts before an old one stops; the database,
 * which owns its volume, stops first.
 */
export function deployKeys(s: ServicePlan): Record<string, unknown> {
  const order = s.role === 'database' ? 'stop-first' : 'start-first';
  // A cron run and an initialization run are one-offs: not restarted when they exit.
  const oneOff = s.role === 'cron' || s.role === 'init';
  return {
    ...(s.role === 'cron' ? {} : { replicas: s.replicas }),
    ...(s.memoryBytes !== undefined
      ? { resources: { limits: { memory: `${Math.round(s.memoryBytes / 1024 / 1024)}M` } } }
      : {}),
    restart_policy: oneOff
      ? { condition: 'none' }
      : { condition: 'any', delay: '5s', window: '30s' },
    ...(oneOff
      ? {}
      : {
          update_config: {
            parallelism: 1,
            delay: '10s',
            order,
            failure_action: 'rollback',
            monitor: '30s',
          },
          rollback_config: { parallelism: 1, delay: '0s', order, monitor: '30s' },
        }),
  };
}

/**
 * The stand-alone compose model: the declared tasks and their database, without the sandbox's
 * edge and CA files, with `deploy` keys, for `docker compose up` (or a Swarm stack) without
 * Rehearsal. Secrets stay out of it, as `${NAME}` references resolved from a `.env` beside it.
 */
export function standaloneComposeModel(sandboxPlan: Plan): Record<string, unknown> {
  const plan = portablePlan(sandboxPlan);
  const model = composeModel(plan);
  const services = model.services as Record<string, Record<string, unknown>>;
  for (const s of plan.services) {
    const service = services[s.name];
    if (service) service.deploy = deployKeys(s);
  }
  return model;
}

/** The stand-alone compose file's text, with a header that says how to run it. */
export function standaloneComposeYaml(sandboxPlan: Plan): string {
  const secrets = Object.keys(portablePlan(sandboxPlan).secrets);
  const header = [
    `# Rehearsal ${VERSION}: stand-alone compose file for ${sandboxPlan.productName}`,
    `# Generated from ${sandboxPlan.declarationFile} (sha256 ${sandboxPlan.declarationSha256.slice(0, 12)}).`,
    `# Run it without Rehearsal: docker compose -p ${sandboxPlan.sandboxId} -f <this file> up -d --wait`,
    ...(secrets.length > 0
      ? [`# It reads ${secrets.join(', ')} from the .env file beside it.`]
      : []),
    '',
  ].join('\n');
  return header + stringify(standaloneComposeModel(sandboxPlan), { lineWidth: 0 });
}
