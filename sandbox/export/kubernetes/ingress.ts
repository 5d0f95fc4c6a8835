import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { Plan } from '../../plan/types.js';
import { productLabels } from './labels.js';
import { portName } from './workload.js';

export interface IngressOptions {
  /** Hosts are `<task>.<domain>`. */
  domain: string;
  /** `spec.ingressClassName`; the cluster's default class when absent. */
  ingressClass?: string;
}

/** The TLS Secret the Ingress names: made by cert-manager, or by the user (`kubectl create secret tls`). */
export function tlsSecretName(plan: Plan): string {
  return `${plan.sandboxId}-tls`;
}

/**
 * One Ingress for every task that serves HTTP, terminating TLS as the Marketplace's edge does:
 * `https://<task>.<domain>` reaches the task's Service on its health-checked port.
 */
export function ingressManifest(plan: Plan, options: IngressOptions): IIngress | undefined {
  const http = plan.services.filter((s) => s.role === 'task' && s.probe);
  if (http.length === 0) return undefined;
  const hosts = http.map((s) => `${s.name}.${options.domain}`);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: plan.sandboxId, labels: productLabels(plan) },
    spec: {
      ...(options.ingressClass ? { ingressClassName: options.ingressClass } : {}),
      tls: [{ hosts, secretName: tlsSecretName(plan) }],
      rules: http.map((s, i) => ({
        host: hosts[i] as string,
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: {
                service: { name: s.name, port: { name: portName(s, s.probe?.port ?? 0) } },
              },
            },
          ],
        },
      })),
    },
  };
}
