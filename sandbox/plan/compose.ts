import { stringify } from 'yaml';
import { LABEL } from '../labels.js';
import { VERSION } from '../version.js';
import { boundFiles, composeGroupAdd, hostFilesGid } from './bind-files.js';
import { formatDuration } from './duration.js';
import { probeHealthcheck } from './probe-healthcheck.js';
import type { HealthcheckPlan, Plan, ServicePlan } from './types.js';

/** How the compose file meets the host it runs on. */
export interface ComposeOptions {
  /** The group owning the state files on the host (default: this process's); see bind-files.ts. */
  filesGid?: number | undefined;
}

/**
 * The compose model of a plan: what `rehearsal up` creates, written down so that
 * `docker compose -p <sandbox> -f compose.yaml up -d --wait` (v2, or Debian's docker-compose 1.29)
 * runs the same sandbox without Rehearsal, from the files beside it. Every service has a health
 * check (compose v2 refuses `depends_on: service_healthy` on one without). Secrets stay out of
 * it: `${REHEARSAL_…}` references are resolved from the `.env` file beside it.
 */
export function composeModel(plan: Plan, options: ComposeOptions = {}): Record<string, unknown> {
  const gid = 'filesGid' in options ? options.filesGid : hostFilesGid();
  const services: Record<string, unknown> = {};
  for (const s of plan.services) services[s.name] = composeService(plan, s, gid);
  return {
    services,
    networks: {
      default: { name: plan.network, labels: resourceLabels(plan) },
    },
    ...(plan.volumes.length > 0
      ? {
          volumes: Object.fromEntries(
            plan.volumes.map((v) => [
              volumeKey(plan, v),
              { name: v, labels: resourceLabels(plan) },
            ]),
          ),
        }
      : {}),
    // The top-level `name` key is not accepted by docker-compose 1.29; the project name travels
    // here and on the command line (`-p`).
    'x-rehearsal': {
      project: plan.sandboxId,
      version: VERSION,
      declaration: plan.declarationFile,
      sha256: plan.declarationSha256,
      profile: plan.profile,
    },
  };
}

/** compose.yaml's text, with a header that says how to use it and what it needs beside it. */
export function composeYaml(plan: Plan, options: ComposeOptions = {}): string {
  const files = boundFiles(plan);
  const header = [
    `# Rehearsal ${VERSION} sandbox "${plan.sandboxId}" for ${plan.productName}`,
    `# Generated from ${plan.declarationFile} (sha256 ${plan.declarationSha256.slice(0, 12)}).`,
    `# Run it without Rehearsal: docker compose -p ${plan.sandboxId} -f compose.yaml up -d --wait`,
    '# Secrets are read from the .env file beside this one; they never appear here.',
    ...(files.length > 0
      ? [
          `# It bind-mounts files beside it: ${files.join(', ')}`,
          '# (`rehearsal up` and `rehearsal plan -o DIR` write them with the .env).',
        ]
      : []),
    '',
  ].join('\n');
  return header + stringify(composeModel(plan, options), { lineWidth: 0 });
}

/** A volume's key in the compose file: its name without the sandbox prefix. */
export function volumeKey(plan: Plan, volume: string): string {
  return volume.startsWith(`${plan.sandboxId}_`) ? volume.slice(plan.sandboxId.length + 1) : volume;
}

function resourceLabels(plan: Plan): Record<string, string> {
  return { [LABEL.sandbox]: plan.sandboxId, [LABEL.version]: VERSION };
}

function composeService(
  plan: Plan,
  s: ServicePlan,
  gid: number | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { image: s.image.tag };
  if (s.image.build) {
    out.build = {
      context: s.image.build.context,
      dockerfile: s.image.build.dockerfile,
      args: s.image.build.buildArgs,
    };
  }
  if (s.command) out.command = s.command;
  if (Object.keys(s.environment).length > 0) out.environment = s.environment;
  if (s.ports.length > 0)
    out.ports = s.ports.map((p) => `127.0.0.1:${s.hostPorts?.[p] ?? ''}:${p}`);
  const mounts = [
    ...s.volumes.map((v) => `${volumeKey(plan, v.volume)}:${v.target}`),
    // Rehearsal copies these files into the container; a plain compose run bind-mounts them.
    ...(s.files ?? []).map((f) => `./${f.source}:${f.target}:ro`),
  ];
  if (mounts.length > 0) out.volumes = mounts;
  const groups = composeGroupAdd(s, gid);
  if (groups) out.group_add = groups;
  if (s.memoryBytes !== undefined) out.mem_limit = s.memoryBytes;
  const deploy: Record<string, unknown> = { replicas: s.replicas };
  if (s.memoryBytes !== undefined) {
    deploy.resources = { limits: { memory: `${Math.round(s.memoryBytes / 1024 / 1024)}M` } };
  }
  if (s.role !== 'cron') out.deploy = deploy;
  if (s.dependsOn.length > 0) {
    const roleOf = (name: string) => plan.services.find((x) => x.name === name)?.role;
    out.depends_on = Object.fromEntries(
      s.dependsOn.map((d) => [
        d,
        {
          condition: roleOf(d) === 'init' ? 'service_completed_successfully' : 'service_healthy',
        },
      ]),
    );
  }
  // Rehearsal probes the health path from the host; a compose run asks inside the container.
  if (s.healthcheck) out.healthcheck = composeHealthcheck(s.healthcheck);
  else if (s.probe && s.role !== 'cron') out.healthcheck = probeHealthcheck(s.probe);
  out.stop_grace_period = `${s.stopGraceSeconds}s`;
  out.labels = serviceLabels(plan, s);
  if (s.aliases.length > 0) out.networks = { default: { aliases: s.aliases } };
  if (s.role === 'cron') {
    // Cron tasks are one-off runs on a schedule; a plain `compose up` must not start them.
    out.profiles = ['cron'];
    out['x-rehearsal-cron'] = s.cron;
  }
  if (s.probe) out['x-rehearsal-health'] = { port: s.probe.port, path: s.probe.path };
  if (s.kind) out['x-rehearsal-kind'] = s.kind;
  return out;
}

/** A health check in compose syntax. */
export function composeHealthcheck(h: HealthcheckPlan): Record<string, unknown> {
  return {
    test: h.test,
    interval: formatDuration(h.intervalMs),
    timeout: formatDuration(h.timeoutMs),
    retries: h.retries,
    start_period: formatDuration(h.startPeriodMs),
  };
}

/** Rehearsal's labels on a service's containers: sandbox, version, role and task id. */
export function serviceLabels(plan: Plan, s: ServicePlan): Record<string, string> {
  return {
    [LABEL.sandbox]: plan.sandboxId,
    [LABEL.version]: VERSION,
    [LABEL.role]: s.role,
    ...(s.taskId ? { [LABEL.taskId]: s.taskId } : {}),
  };
}
