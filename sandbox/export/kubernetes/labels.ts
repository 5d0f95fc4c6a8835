import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { LABEL } from '../../labels.js';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { VERSION } from '../../version.js';

/** Kubernetes' recommended labels (`app.kubernetes.io/*`). */
export const K8S_LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

const COMPONENT: Record<string, string> = {
  task: 'server',
  init: 'initialization',
  cron: 'cron',
  database: 'database',
};

/** The labels that pick a service's pods: stable for its whole life (selectors are immutable). */
export function selectorLabels(plan: Plan, s: ServicePlan): Record<string, string> {
  return { [K8S_LABEL.name]: s.name, [K8S_LABEL.instance]: plan.sandboxId };
}

/** Every recommended label of a service's objects and pods. */
export function serviceLabels(plan: Plan, s: ServicePlan): Record<string, string> {
  const version = imageVersion(s.image.tag);
  return {
    ...selectorLabels(plan, s),
    ...(version ? { [K8S_LABEL.version]: version } : {}),
    [K8S_LABEL.component]: s.kind === 'worker' ? 'worker' : (COMPONENT[s.role] ?? s.role),
    [K8S_LABEL.partOf]: plan.sandboxId,
    [K8S_LABEL.managedBy]: 'rehearsal',
  };
}

/** Labels of objects that belong to the whole product rather than one service. */
export function productLabels(plan: Plan): Record<string, string> {
  return {
    [K8S_LABEL.instance]: plan.sandboxId,
    [K8S_LABEL.partOf]: plan.sandboxId,
    [K8S_LABEL.managedBy]: 'rehearsal',
  };
}

/** Object metadata for one service's object: name, labels, and where it came from. */
export function serviceMeta(plan: Plan, s: ServicePlan, name = s.name): IObjectMeta {
  return {
    name,
    labels: serviceLabels(plan, s),
    annotations: {
      [LABEL.version]: VERSION,
      [LABEL.declaration]: plan.declarationSha256,
      ...(s.taskId ? { [LABEL.taskId]: s.taskId } : {}),
    },
  };
}

/** A label value from an image's tag (`vendor/app:1.2` → `1.2`), if it is a valid label value. */
function imageVersion(image: string): string | undefined {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  if (colon < 0 || ref.indexOf('/', colon) >= 0) return undefined;
  const tag = ref.slice(colon + 1);
  return /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(tag) ? tag : undefined;
}
