import { COLLECTOR_OTLP_PORT, COLLECTOR_SERVICE } from '../plan/collector.js';
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
    (s) => s.role === 'task' || s.role === 'init' || s.role === 'cron' || s.role === 'database',
  );
  const names = new Set(kept.map((s) => s.name));
  const fromIdp = sandboxIdpValue(plan);
  const unbound = [...plan.unbound];
  const services = kept.map((s): ServicePlan => {
    const { files: _files, ...rest } = s;
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(s.environment)) {
      if (trustVars.has(key)) continue;
      // The sandbox's identity provider stays home: its issuer and client are not the platform's.
      if (fromIdp(value)) {
        unbound.push({
          service: s.name,
          key,
          description: "the sandbox's identity provider set it; give your platform's value",
        });
      } else if (value.includes(COLLECTOR_URL)) {
        // So does its trace collector: the platform has its own, or none.
        unbound.push({
          service: s.name,
          key,
          description: "the sandbox's trace collector set it; give your platform's OTLP endpoint",
        });
      } else environment[key] = value;
    }
    return { ...rest, environment, dependsOn: s.dependsOn.filter((d) => names.has(d)) };
  });
  const { proxy: _proxy, idp: _idp, ...rest } = plan;
  const secrets = Object.fromEntries(
    Object.entries(plan.secrets).filter(([name]) => usesSecret(services, name)),
  );
  return { ...rest, services, secrets, unbound };
}

const COLLECTOR_URL = `http://${COLLECTOR_SERVICE}:${COLLECTOR_OTLP_PORT}`;

/** Whether a value came from the sandbox's identity provider: its issuer, a client id or secret. */
function sandboxIdpValue(plan: Plan): (value: string) => boolean {
  const idp = plan.idp;
  if (!idp) return () => false;
  return (value) =>
    value.includes(idp.issuer) ||
    idp.clients.some((c) => value === c.clientId || value.includes(`\${${c.secretName}}`));
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
