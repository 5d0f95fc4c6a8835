import { stringify } from 'yaml';
import { deployKeys } from '../export/compose.js';
import { secretReferences } from '../export/portable.js';
import { LABEL } from '../labels.js';
import { composeHealthcheck, serviceLabels, volumeKey } from '../plan/compose.js';
import { isPrivateFile } from '../plan/bind-files.js';
import { probeHealthcheck } from '../plan/probe-healthcheck.js';
import type { FilePlan, Plan, ServicePlan } from '../plan/types.js';
import { VERSION } from '../version.js';

/**
 * How the stack's services are found on its network. Real clusters give each service a virtual
 * IP (`vip`, balanced by IPVS); a kernel without IPVS (as on Rehearsal's CI machine) has none,
 * while `dnsrr` (the service name resolves to every task) works everywhere. Nothing of the
 * stack is published on the host in either mode: Swarm publishes on 0.0.0.0 only (host mode
 * and the routing mesh alike), so the TLS edge runs beside the stack as a plain container on
 * 127.0.0.1, attached to the stack's overlay network (swarm/edge.ts).
 */
export interface SwarmNetworking {
  endpointMode: 'dnsrr' | 'vip';
}

/** What works on any engine, including one without IPVS. */
export const PORTABLE_NETWORKING: SwarmNetworking = { endpointMode: 'dnsrr' };

/** The Swarm service of a plan's service: `docker stack deploy` prefixes the stack's name. */
export function swarmServiceName(sandboxId: string, service: string): string {
  return `${sandboxId}_${service}`;
}

export interface SwarmStackOptions {
  networking?: SwarmNetworking;
  /**
   * Swarm configs and secrets cannot change in place: the deploy names each one after its
   * content (key → name); the default name is `<sandbox>_<key>`.
   */
  objectNames?: Record<string, string>;
}

/** Where the stack's secret files live, relative to the sandbox's state folder. */
export const SECRETS_DIR = 'secrets';

/**
 * The plan as a Docker stack (compose file format 3.8, for `docker stack deploy`): every
 * long-running service with `deploy` keys (replicas, memory limit, restart, update and rollback),
 * health checks, the database and the IdP on one attachable overlay network, the sandbox's
 * secrets as Swarm secrets, and the files Rehearsal copies into containers as Swarm configs (or
 * secrets, when only their owner may read them). Nothing is published on the host. Not in it:
 * the TLS edge (a plain container on 127.0.0.1 beside the stack, carrying the sandbox's host
 * names as aliases on its network) and cron tasks (Swarm has no schedule).
 * Variables keep compose's `${NAME}` syntax, filled in by `docker stack deploy` from its
 * environment, because a vendor's task reads its settings from variables, not files.
 */
export function swarmStackModel(
  plan: Plan,
  options: SwarmStackOptions = {},
): Record<string, unknown> {
  const networking = options.networking ?? PORTABLE_NETWORKING;
  const nameOf = (key: string): string => options.objectNames?.[key] ?? `${plan.sandboxId}_${key}`;
  const secrets: Record<string, unknown> = {};
  const configs: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  const labels = { [LABEL.sandbox]: plan.sandboxId, [LABEL.version]: VERSION };
  // Swarm has no schedule and no ordering: cron and initialization tasks are not in the stack.
  for (const s of plan.services.filter(
    (x) => x.role !== 'cron' && x.role !== 'init' && x.role !== 'proxy',
  )) {
    const service = stackService(plan, s, networking);
    const used = usedSecrets(plan, s);
    const mounted = [
      ...used.map((name) => ({ source: name, target: name, mode: 0o400 })),
      ...(s.files ?? []).filter(isPrivateFile).map((f) => fileMount(f)),
    ];
    for (const name of used)
      secrets[name] = { name: nameOf(name), file: `./${SECRETS_DIR}/${name}`, labels };
    for (const f of s.files ?? []) {
      const entry = { name: nameOf(fileKey(f)), file: `./${f.source}`, labels };
      if (isPrivateFile(f)) secrets[fileKey(f)] = entry;
      else configs[fileKey(f)] = entry;
    }
    if (mounted.length > 0) service.secrets = mounted;
    const shared = (s.files ?? []).filter((f) => !isPrivateFile(f)).map((f) => fileMount(f));
    if (shared.length > 0) service.configs = shared;
    services[s.name] = service;
  }
  return {
    version: '3.8',
    services,
    networks: {
      default: { name: plan.network, driver: 'overlay', attachable: true, labels },
    },
    ...(plan.volumes.length > 0
      ? {
          volumes: Object.fromEntries(
            plan.volumes.map((v) => [volumeKey(plan, v), { name: v, labels }]),
          ),
        }
      : {}),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    ...(Object.keys(configs).length > 0 ? { configs } : {}),
  };
}

/** The stack file's text, with a header saying how it is deployed. */
export function swarmStackYaml(plan: Plan, options: SwarmStackOptions = {}): string {
  const header = [
    `# Rehearsal ${VERSION} stack "${plan.sandboxId}" for ${plan.productName}`,
    `# Generated from ${plan.declarationFile} (sha256 ${plan.declarationSha256.slice(0, 12)}).`,
    `# rehearsal up --engine swarm deploys it (docker stack deploy -c stack.yaml ${plan.sandboxId},`,
    '# with the secrets of .env in its environment).',
    '',
  ].join('\n');
  return header + stringify(swarmStackModel(plan, options), { lineWidth: 0 });
}

function stackService(
  plan: Plan,
  s: ServicePlan,
  networking: SwarmNetworking,
): Record<string, unknown> {
  const out: Record<string, unknown> = { image: s.image.tag };
  if (s.command) out.command = s.command;
  if (Object.keys(s.environment).length > 0) out.environment = s.environment;
  if (s.volumes.length > 0)
    out.volumes = s.volumes.map((v) => `${volumeKey(plan, v.volume)}:${v.target}`);
  // Swarm judges a task by its container's health check, not by Rehearsal's probe from the
  // host: nothing of the stack is published.
  if (s.healthcheck) out.healthcheck = composeHealthcheck(s.healthcheck);
  else if (s.probe) out.healthcheck = probeHealthcheck(s.probe);
  out.stop_grace_period = `${s.stopGraceSeconds}s`;
  const labels = serviceLabels(plan, s);
  // The task containers carry the service's name as Rehearsal's own replicas do, so the same
  // code lists them (status, chaos); their number is the task's slot (sandbox/replicas.ts).
  out.labels = { ...labels, [LABEL.composeService]: s.name };
  out.deploy = { ...deployKeys(s), endpoint_mode: networking.endpointMode, labels };
  if (s.aliases.length > 0) out.networks = { default: { aliases: s.aliases } };
  if (s.probe) out['x-rehearsal-health'] = { port: s.probe.port, path: s.probe.path };
  return out;
}

function usedSecrets(plan: Plan, s: ServicePlan): string[] {
  const values = [...Object.values(s.environment), ...(s.command ?? [])];
  return [...new Set(values.flatMap((v) => secretReferences(v, plan.secrets)))];
}

/** A config or secret key from a file's path: `proxy/tls/key.pem` → `proxy_tls_key_pem`. */
export function fileKey(f: FilePlan): string {
  return f.source.replace(/[^A-Za-z0-9]+/g, '_');
}

function fileMount(f: FilePlan): Record<string, unknown> {
  return {
    source: fileKey(f),
    target: f.target,
    mode: f.mode,
    ...(f.uid !== undefined ? { uid: String(f.uid), gid: String(f.uid) } : {}),
  };
}
