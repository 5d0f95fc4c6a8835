import { trustInjection } from '../plan/edge.js';
import type { Plan, ServicePlan } from '../plan/types.js';

/**
 * The plan without what only a local sandbox has: the TLS edge and the other helpers Rehearsal
 * runs beside the service (a cluster or a stand-alone compose run brings its own), and the local
 * CA's files and variables injected into every container (they point at files only `rehearsal up`
 * copies in). What remains is the service as the declaration describes it, plus its database.
 */
export function portablePlan(plan: Plan): Plan {
  const trustVars = new Set(Object.keys(trustInjection().environment));
  // Only the declared tasks and their database: the edge and any other sandbox helper stay home.
  const kept = plan.services.filter(
    (s) => s.role === 'task' || s.role === 'cron' || s.role === 'database',
  );
  const names = new Set(kept.map((s) => s.name));
  const services = kept.map((s): ServicePlan => {
    const { files: _files, ...rest } = s;
    return {
      ...rest,
      environment: Object.fromEntries(
        Object.entries(s.environment).filter(([k]) => !trustVars.has(k)),
      ),
      dependsOn: s.dependsOn.filter((d) => names.has(d)),
    };
  });
  const { proxy: _proxy, ...rest } = plan;
  const secrets = Object.fromEntries(
    Object.entries(plan.secrets).filter(([name]) => usesSecret(services, name)),
  );
  return { ...rest, services, secrets };
}

/** Names of the sandbox secrets a compose-syntax value refers to (`${NAME}`). */
export function secretReferences(value: string, secrets: Record<string, string>): string[] {
  const names: string[] = [];
  for (const m of value.matchAll(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\})/g)) {
    const name = m[2];
    if (name !== undefined && name in secrets && !names.includes(name)) names.push(name);
  }
  return names;
}

function usesSecret(services: ServicePlan[], name: string): boolean {
  const ref = `\${${name}}`;
  return services.some(
    (s) =>
      Object.values(s.environment).some((v) => v.includes(ref)) ||
      (s.command ?? []).some((a) => a.includes(ref)),
  );
}

/** Variable names that carry a credential by convention, whatever their value's origin. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY)/i;

/** Whether a variable holds a secret: its name says so, or its value uses a sandbox secret. */
export function isSecretVariable(
  key: string,
  value: string,
  secrets: Record<string, string>,
): boolean {
  return SECRET_NAME.test(key) || secretReferences(value, secrets).length > 0;
}
