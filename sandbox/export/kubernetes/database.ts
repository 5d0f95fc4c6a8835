import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { containerEnvironment, plainValue } from './env.js';
import { selectorLabels, serviceLabels, serviceMeta } from './labels.js';
import type { Manifest } from './manifest.js';
import { memoryQuantity, portName } from './workload.js';

export interface DatabaseOptions {
  sharedSecret: string;
  /** Size of the data volume each database replica claims, e.g. `1Gi`. */
  storage: string;
  /** Use this host instead of running the database in the cluster. */
  externalHost?: string;
}

/**
 * The database: a StatefulSet with a persistent volume claim and a headless Service named as in
 * the sandbox (`database`), so the connection settings bound to the tasks stay the same. With an
 * external host, only a Service of type ExternalName under that name, pointing at it.
 */
export function databaseManifests(
  plan: Plan,
  s: ServicePlan,
  options: DatabaseOptions,
): Manifest[] {
  if (options.externalHost) {
    const external: IService = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: serviceMeta(plan, s),
      spec: { type: 'ExternalName', externalName: options.externalHost },
    };
    return [external];
  }
  const env = containerEnvironment(plan, s, options.sharedSecret);
  const headless: IService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: serviceMeta(plan, s),
    spec: {
      clusterIP: 'None',
      selector: selectorLabels(plan, s),
      ports: s.ports.map((p) => ({
        name: portName(s, p),
        port: p,
        targetPort: p,
        protocol: 'TCP',
      })),
    },
  };
  const probe = execProbe(s);
  const literal = { ...env.config, ...env.secret };
  const set: IStatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: serviceMeta(plan, s),
    spec: {
      serviceName: s.name,
      replicas: 1,
      selector: { matchLabels: selectorLabels(plan, s) },
      template: {
        metadata: { labels: serviceLabels(plan, s) },
        spec: {
          terminationGracePeriodSeconds: s.stopGraceSeconds,
          containers: [
            {
              name: s.name,
              image: s.image.tag,
              ...(env.args ? { args: env.args } : {}),
              ports: s.ports.map((p) => ({
                name: portName(s, p),
                containerPort: p,
                protocol: 'TCP',
              })),
              env: [
                ...Object.entries(literal).map(([name, value]) => ({
                  name,
                  value: value.replaceAll('$', '$$'),
                })),
                ...env.env,
              ],
              ...(s.memoryBytes !== undefined
                ? { resources: { limits: { memory: memoryQuantity(s.memoryBytes) } } }
                : {}),
              ...(probe
                ? {
                    readinessProbe: probe,
                    livenessProbe: { ...probe, periodSeconds: 10, failureThreshold: 6 },
                  }
                : {}),
              // A subdirectory: a fresh volume's root may hold lost+found, which initdb refuses.
              volumeMounts: s.volumes.map((v) => ({
                name: 'data',
                mountPath: v.target,
                subPath: 'data',
              })),
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: selectorLabels(plan, s) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: options.storage } },
          },
        },
      ],
    },
  };
  return [headless, set];
}

/** The database image's own health check as an exec probe (compose's CMD / CMD-SHELL forms). */
function execProbe(s: ServicePlan): IProbe | undefined {
  const h = s.healthcheck;
  if (!h) return undefined;
  const [form, ...rest] = h.test;
  const command =
    form === 'CMD-SHELL' ? ['sh', '-c', rest.join(' ')] : form === 'CMD' ? rest : undefined;
  if (!command) return undefined;
  return {
    exec: { command: command.map(plainValue) },
    periodSeconds: Math.max(1, Math.round(h.intervalMs / 1000)),
    timeoutSeconds: Math.max(1, Math.round(h.timeoutMs / 1000)),
    failureThreshold: h.retries,
    initialDelaySeconds: Math.round(h.startPeriodMs / 1000),
  };
}
