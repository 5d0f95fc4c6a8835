import { stringify } from 'yaml';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { SANDBOX_DOMAIN } from '../../plan/edge.js';
import type { Plan } from '../../plan/types.js';
import { VERSION } from '../../version.js';
import type { ExportFile } from '../files.js';
import { portablePlan } from '../portable.js';
import { databaseManifests } from './database.js';
import { ingressManifest, tlsSecretName } from './ingress.js';
import { productLabels } from './labels.js';
import { manifestFile, type Manifest } from './manifest.js';
import { cronManifests, initManifests, taskManifests } from './workload.js';

export interface KubernetesExportOptions {
  /** Ingress hosts are `<task>.<domain>` (default `rehearsal.localhost`, as in the sandbox). */
  domain?: string;
  ingressClass?: string;
  /** Host name of an existing database: no StatefulSet, an ExternalName Service instead. */
  externalDatabase?: string;
  /** Size of the database's volume claim (default 1Gi). */
  databaseStorage?: string;
  /** The autoscaler's ceiling for tasks whose `instances_maximum` is unlimited (default 10). */
  unlimitedMaximum?: number;
}

export interface KubernetesExport {
  manifests: Manifest[];
  /** The manifests, one per file, and kustomization.yaml listing them. */
  files: ExportFile[];
  /** What the user must do or know before `kubectl apply -k`. */
  notes: string[];
}

export const DEFAULT_UNLIMITED_MAXIMUM = 10;

/**
 * Kubernetes manifests for a plan, with a kustomization: per task a Deployment, Service,
 * HorizontalPodAutoscaler, PodDisruptionBudget, ConfigMap and Secret (or a CronJob for a cron
 * task); the database as a StatefulSet (or an ExternalName Service); one Ingress with TLS; the
 * generated secrets in one Secret; and a Namespace named after the sandbox. Pure: no cluster.
 */
export function kubernetesExport(
  sandboxPlan: Plan,
  options: KubernetesExportOptions = {},
): KubernetesExport {
  const plan = portablePlan(sandboxPlan);
  const sharedSecret = `${plan.sandboxId}-secrets`;
  const notes: string[] = [];
  const manifests: Manifest[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: plan.sandboxId, labels: productLabels(plan) },
    },
  ];
  if (Object.keys(plan.secrets).length > 0) {
    const shared: ISecret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: sharedSecret, labels: productLabels(plan) },
      type: 'Opaque',
      stringData: plan.secrets,
    };
    manifests.push(shared);
  }
  const workload = {
    sharedSecret,
    unlimitedMaximum: options.unlimitedMaximum ?? DEFAULT_UNLIMITED_MAXIMUM,
  };
  const inits = plan.services
    .filter((s) => s.role === 'init')
    .map((s) => initManifests(plan, s, workload));
  for (const init of inits) manifests.push(...init.manifests);
  if (inits.length > 0)
    notes.push(
      `${inits.map((i) => i.container.name).join(', ')} run${inits.length === 1 ? 's' : ''} as an init container in every pod of the web and worker tasks, to completion before they start: once per pod, so it must be safe to run again`,
    );
  for (const s of plan.services) {
    if (s.role === 'init') continue;
    if (s.role === 'database') {
      manifests.push(
        ...databaseManifests(plan, s, {
          sharedSecret,
          storage: options.databaseStorage ?? '1Gi',
          ...(options.externalDatabase ? { externalHost: options.externalDatabase } : {}),
        }),
      );
    } else if (s.role === 'cron') manifests.push(...cronManifests(plan, s, workload));
    else {
      manifests.push(
        ...taskManifests(
          plan,
          s,
          workload,
          inits.map((i) => i.container),
        ),
      );
      if (s.instancesMaximum === undefined) {
        notes.push(
          `"${s.name}" declares no instances_maximum: its autoscaler stops at ${Math.max(workload.unlimitedMaximum, s.instancesMinimum, s.replicas)} replicas (--max-replicas)`,
        );
      }
    }
  }
  const ingress = ingressManifest(plan, {
    domain: options.domain ?? SANDBOX_DOMAIN,
    ...(options.ingressClass ? { ingressClass: options.ingressClass } : {}),
  });
  if (ingress) {
    manifests.push(ingress);
    notes.push(
      `the Ingress serves TLS with the Secret "${tlsSecretName(plan)}": create it (kubectl create secret tls ${tlsSecretName(plan)} --cert … --key … -n ${plan.sandboxId}) or let cert-manager issue it`,
    );
  }
  for (const u of plan.unbound) {
    notes.push(
      `${u.service}: ${u.key} is required and has no value (${u.description}); it is empty in ${u.service}-env: fill it in, or pass --env ${u.key}=…`,
    );
  }
  if (options.externalDatabase && Object.keys(plan.secrets).length > 0) {
    notes.push(
      `the database is ${options.externalDatabase}: put its password in the Secret "${sharedSecret}" (generated values are placeholders), or pass the connection with --env`,
    );
  }
  return { manifests, files: manifestFiles(sandboxPlan, manifests), notes };
}

function manifestFiles(plan: Plan, manifests: Manifest[]): ExportFile[] {
  const header = [
    `# Rehearsal ${VERSION}: Kubernetes export of ${plan.productName}`,
    `# Generated from ${plan.declarationFile} (sha256 ${plan.declarationSha256.slice(0, 12)}).`,
    '',
  ].join('\n');
  const files: ExportFile[] = manifests.map((m) => ({
    path: manifestFile(m),
    text: header + stringify(m, { lineWidth: 0, aliasDuplicateObjects: false }),
    mode: m.kind === 'Secret' ? 0o600 : 0o644,
  }));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: plan.sandboxId,
    resources: files.map((f) => f.path),
  };
  files.push({
    path: 'kustomization.yaml',
    text: `${header}# Apply with: kubectl apply -k .\n${stringify(kustomization, { lineWidth: 0 })}`,
    mode: 0o644,
  });
  return files;
}
