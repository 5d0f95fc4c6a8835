import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';

/**
 * Every kind of object the export writes, typed with kubernetes-models' interfaces (generated
 * from the OpenAPI schema of the Kubernetes version the package pins), so a misspelt field is a
 * compile error, and validated against the same schema at run time (validate.ts).
 */
export type Manifest =
  | INamespace
  | IConfigMap
  | ISecret
  | IService
  | IDeployment
  | IStatefulSet
  | IHorizontalPodAutoscaler
  | IPodDisruptionBudget
  | ICronJob
  | IIngress;

/** The file a manifest is written to: `<name>-<kind>.yaml`, one object per file. */
export function manifestFile(m: Manifest): string {
  return `${m.metadata?.name ?? 'unnamed'}-${m.kind.toLowerCase()}.yaml`;
}
