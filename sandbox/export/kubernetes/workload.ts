import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { containerEnvironment } from './env.js';
import { selectorLabels, serviceLabels, serviceMeta } from './labels.js';
import type { Manifest } from './manifest.js';

/** Settings of the export that the declaration cannot say. */
export interface WorkloadOptions {
  /** Name of the Secret holding the sandbox's generated secrets. */
  sharedSecret: string;
  /** The autoscaler's ceiling when `instances_maximum` is unlimited. */
  unlimitedMaximum: number;
}

/** Memory in Kubernetes' quantity syntax: whole MiB as `Mi`, else bytes. */
export function memoryQuantity(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024}Mi` : String(bytes);
}

/** The name of a service's port: `http` for the one probed, else `port-<n>`. */
export function portName(s: ServicePlan, port: number): string {
  return s.probe?.port === port ? 'http' : `port-${port}`;
}

/**
 * The objects of a long-running task: Deployment, Service, autoscaler, disruption budget,
 * variables. `initContainers` are the initialization tasks: Kubernetes runs them to completion,
 * in order, before the task's container starts in every pod.
 */
export function taskManifests(
  plan: Plan,
  s: ServicePlan,
  options: WorkloadOptions,
  initContainers: IContainer[] = [],
): Manifest[] {
  const { container, config, secret } = taskContainer(plan, s, options);
  const out: Manifest[] = [];
  if (config) out.push(config);
  if (secret) out.push(secret);
  const deployment: IDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: serviceMeta(plan, s),
    spec: {
      replicas: s.replicas,
      selector: { matchLabels: selectorLabels(plan, s) },
      // One new replica at a time, and none removed before its successor is ready.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: serviceLabels(plan, s) },
        spec: {
          terminationGracePeriodSeconds: s.stopGraceSeconds,
          ...(initContainers.length > 0 ? { initContainers } : {}),
          containers: [container],
        },
      },
    },
  };
  out.push(deployment);
  if (s.ports.length > 0) out.push(clusterService(plan, s));
  const hpa = autoscaler(plan, s, options);
  if (hpa) out.push(hpa);
  if (s.instancesMinimum > 0) out.push(disruptionBudget(plan, s));
  return out;
}

/** A cron task: a CronJob that never overlaps itself (as the sandbox's scheduler does). */
export function cronManifests(plan: Plan, s: ServicePlan, options: WorkloadOptions): Manifest[] {
  const { container, config, secret } = taskContainer(plan, s, options);
  const cron: ICronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: serviceMeta(plan, s),
    spec: {
      schedule: s.cron ?? '',
      concurrencyPolicy: 'Forbid',
      jobTemplate: {
        metadata: { labels: serviceLabels(plan, s) },
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { labels: serviceLabels(plan, s) },
            spec: {
              restartPolicy: 'Never',
              terminationGracePeriodSeconds: s.stopGraceSeconds,
              containers: [container],
            },
          },
        },
      },
    },
  };
  return [...(config ? [config] : []), ...(secret ? [secret] : []), cron];
}

/**
 * An initialization task: its variables (ConfigMap, Secret) and the container that every web and
 * worker Deployment runs as an init container.
 */
export function initManifests(
  plan: Plan,
  s: ServicePlan,
  options: WorkloadOptions,
): { manifests: Manifest[]; container: IContainer } {
  const { container, config, secret } = taskContainer(plan, s, options);
  return { manifests: [...(config ? [config] : []), ...(secret ? [secret] : [])], container };
}

function taskContainer(
  plan: Plan,
  s: ServicePlan,
  options: WorkloadOptions,
): { container: IContainer; config?: IConfigMap; secret?: ISecret } {
  const env = containerEnvironment(plan, s, options.sharedSecret);
  // One name for both: the variables of `<task>`, plain in the ConfigMap, credentials in the Secret.
  const name = `${s.name}-env`;
  const metadata = serviceMeta(plan, s, name);
  const config: IConfigMap | undefined = isEmpty(env.config)
    ? undefined
    : { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: env.config };
  const secret: ISecret | undefined = isEmpty(env.secret)
    ? undefined
    : { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', stringData: env.secret };
  const probe = httpProbe(s);
  const container: IContainer = {
    name: s.name,
    image: s.image.tag,
    ...(env.args ? { args: env.args } : {}),
    ...(s.ports.length > 0
      ? { ports: s.ports.map((p) => ({ name: portName(s, p), containerPort: p, protocol: 'TCP' })) }
      : {}),
    ...(config || secret
      ? {
          envFrom: [
            ...(config ? [{ configMapRef: { name } }] : []),
            ...(secret ? [{ secretRef: { name } }] : []),
          ],
        }
      : {}),
    ...(env.env.length > 0 ? { env: env.env } : {}),
    ...(s.memoryBytes !== undefined
      ? {
          resources: {
            limits: { memory: memoryQuantity(s.memoryBytes) },
            requests: { memory: memoryQuantity(s.memoryRequestBytes ?? s.memoryBytes) },
          },
        }
      : {}),
    ...(probe
      ? {
          // Up to a minute to start, then out of rotation after 3 failures, restarted after 6.
          startupProbe: { ...probe, periodSeconds: 2, failureThreshold: 30 },
          readinessProbe: { ...probe, periodSeconds: 5, failureThreshold: 3 },
          livenessProbe: { ...probe, periodSeconds: 10, failureThreshold: 6 },
        }
      : {}),
  };
  return { container, ...(config ? { config } : {}), ...(secret ? { secret } : {}) };
}

function isEmpty(values: Record<string, string>): boolean {
  return Object.keys(values).length === 0;
}

function httpProbe(s: ServicePlan): IProbe | undefined {
  if (!s.probe) return undefined;
  return { httpGet: { path: s.probe.path, port: portName(s, s.probe.port) }, timeoutSeconds: 2 };
}

function clusterService(plan: Plan, s: ServicePlan): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: serviceMeta(plan, s),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(plan, s),
      ports: s.ports.map((p) => ({
        name: portName(s, p),
        port: p,
        targetPort: portName(s, p),
        protocol: 'TCP',
      })),
    },
  };
}

/**
 * Scales between `instances_minimum` and `instances_maximum` on memory use relative to
 * `memory_minimum` (the declaration names no CPU figure to scale on). An autoscaler needs at
 * least one replica, so a minimum of 0 becomes 1.
 */
function autoscaler(
  plan: Plan,
  s: ServicePlan,
  options: WorkloadOptions,
): IHorizontalPodAutoscaler | undefined {
  const min = Math.max(1, s.instancesMinimum);
  const max = s.instancesMaximum ?? Math.max(options.unlimitedMaximum, min, s.replicas);
  if (max < min) return undefined;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: serviceMeta(plan, s),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: s.name },
      minReplicas: min,
      maxReplicas: max,
      ...(s.memoryBytes !== undefined
        ? {
            metrics: [
              {
                type: 'Resource',
                resource: {
                  name: 'memory',
                  target: { type: 'Utilization', averageUtilization: 80 },
                },
              },
            ],
          }
        : {}),
    },
  };
}

/** Voluntary disruptions (drains, upgrades) never take the task below its declared minimum. */
function disruptionBudget(plan: Plan, s: ServicePlan): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: serviceMeta(plan, s),
    spec: {
      minAvailable: s.instancesMinimum,
      selector: { matchLabels: selectorLabels(plan, s) },
    },
  };
}
