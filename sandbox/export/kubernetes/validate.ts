import { BugError } from '../../errors.js';
import type { Manifest } from './manifest.js';

/** One schema violation: which object, where in it, and what is wrong. */
export interface ManifestProblem {
  object: string;
  path: string;
  message: string;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/**
 * The model class of each kind, loaded on demand: the validators are compiled from the OpenAPI
 * schema of the Kubernetes version kubernetes-models pins (see package.json), and only the
 * export needs them.
 */
const MODELS: Record<Manifest['kind'], () => Promise<ModelClass>> = {
  Namespace: async () => (await import('kubernetes-models/v1/Namespace')).Namespace,
  ConfigMap: async () => (await import('kubernetes-models/v1/ConfigMap')).ConfigMap,
  Secret: async () => (await import('kubernetes-models/v1/Secret')).Secret,
  Service: async () => (await import('kubernetes-models/v1/Service')).Service,
  Deployment: async () => (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
  StatefulSet: async () => (await import('kubernetes-models/apps/v1/StatefulSet')).StatefulSet,
  HorizontalPodAutoscaler: async () =>
    (await import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'))
      .HorizontalPodAutoscaler,
  PodDisruptionBudget: async () =>
    (await import('kubernetes-models/policy/v1/PodDisruptionBudget')).PodDisruptionBudget,
  CronJob: async () => (await import('kubernetes-models/batch/v1/CronJob')).CronJob,
  Ingress: async () => (await import('kubernetes-models/networking.k8s.io/v1/Ingress')).Ingress,
};

/** Validates one manifest against the Kubernetes OpenAPI schema; returns its problems. */
export async function manifestProblems(m: Manifest): Promise<ManifestProblem[]> {
  const Model = await MODELS[m.kind]();
  const object = `${m.kind}/${m.metadata?.name ?? '?'}`;
  try {
    new Model(m as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: { instancePath?: string; message?: string }[] }).errors;
    if (!errors) throw err;
    return errors.map((e) => ({
      object,
      path: e.instancePath ?? '',
      message: e.message ?? 'is invalid',
    }));
  }
}

/** Throws a BugError naming every problem when a generated manifest breaks the schema. */
export async function assertValidManifests(manifests: Manifest[]): Promise<void> {
  const problems = (await Promise.all(manifests.map(manifestProblems))).flat();
  if (problems.length > 0) {
    throw new BugError(
      `the generated Kubernetes manifests break the Kubernetes schema: ${problems
        .map((p) => `${p.object} ${p.path}: ${p.message}`)
        .join('; ')}`,
    );
  }
}
