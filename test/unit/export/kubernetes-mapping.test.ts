import { beforeAll, describe, expect, it } from 'vitest';
import { kubernetesExport } from '../../../sandbox/export/kubernetes/kubernetes.js';
import type { Manifest } from '../../../sandbox/export/kubernetes/manifest.js';
import { assertValidManifests } from '../../../sandbox/export/kubernetes/validate.js';
import { createPlan } from '../../../sandbox/plan/plan.js';
import { loadFiles } from '../declaration/helpers.js';

/** A declaration that sets every field the export maps, with values found nowhere else. */
const MARKETPLACE = `{
  "product": {
    "facts": { "name": "Mapping Example" },
    "build": { "binary": { "image": "vendor/api:2.1" } }
  },
  "configuration": [{
    "default": true,
    "task": [{
      "id": "task-api",
      "label": "Api Server",
      "memory_minimum": 100,
      "memory_maximum": 300,
      "instances_minimum": 2,
      "instances_maximum": 5,
      "options": ["--mode", "production"],
      "ports": [8080, 9090],
      "environment": [
        { "key": "LOG_LEVEL", "description": "verbosity", "default": "warn" },
        { "key": "API_TOKEN", "description": "a credential", "default": "t0ken" },
        { "key": "FHIR_BASE", "description": "no value anywhere", "required": true },
        { "key": "DATABASE_URL", "description": "bound to the database", "required": true },
        { "key": "PRICE", "description": "a literal dollar", "default": "$(5)" }
      ]
    }, {
      "id": "task-nightly",
      "label": "Nightly Export",
      "memory_maximum": 128,
      "options": ["export", "--all"],
      "cron": "30 2 * * *"
    }]
  }]
}
`;

const OVERLAY = `profile: hl7-hsp-r2
sandbox: { name: mapping }
database: { kind: postgres, version: '15' }
tasks:
  Api Server:
    name: api
    replicas: 4
    health: { path: /ready, port: 9090 }
`;

/** Declaration field → the manifest and JSON path it must land in → the value it must have. */
// prettier-ignore
const MAPPING: [field: string, manifest: string, path: string, expected: unknown][] = [
  ['product.build.binary.image', 'Deployment/api', 'spec.template.spec.containers[0].image', 'vendor/api:2.1'],
  ['product.build.binary.image (cron task)', 'CronJob/nightly-export', 'spec.jobTemplate.spec.template.spec.containers[0].image', 'vendor/api:2.1'],
  ['task[0].label (slug; overlay name wins)', 'Deployment/api', 'metadata.labels["app.kubernetes.io/name"]', 'api'],
  ['task[1].label (slug)', 'CronJob/nightly-export', 'metadata.name', 'nightly-export'],
  ['task[0].id', 'Deployment/api', 'metadata.annotations["dev.rehearsal.task-id"]', 'task-api'],
  ['task[0].memory_maximum', 'Deployment/api', 'spec.template.spec.containers[0].resources.limits.memory', '300Mi'],
  ['task[0].memory_minimum', 'Deployment/api', 'spec.template.spec.containers[0].resources.requests.memory', '100Mi'],
  ['task[1].memory_maximum', 'CronJob/nightly-export', 'spec.jobTemplate.spec.template.spec.containers[0].resources.limits.memory', '128Mi'],
  ['task[0].instances_minimum', 'HorizontalPodAutoscaler/api', 'spec.minReplicas', 2],
  ['task[0].instances_minimum', 'PodDisruptionBudget/api', 'spec.minAvailable', 2],
  ['task[0].instances_maximum', 'HorizontalPodAutoscaler/api', 'spec.maxReplicas', 5],
  ['task[0].options', 'Deployment/api', 'spec.template.spec.containers[0].args', ['--mode', 'production']],
  ['task[1].options', 'CronJob/nightly-export', 'spec.jobTemplate.spec.template.spec.containers[0].args', ['export', '--all']],
  ['task[0].ports[0]', 'Deployment/api', 'spec.template.spec.containers[0].ports[0].containerPort', 8080],
  ['task[0].ports[1]', 'Deployment/api', 'spec.template.spec.containers[0].ports[1].containerPort', 9090],
  ['task[0].ports[0]', 'Service/api', 'spec.ports[0].port', 8080],
  ['task[0].ports[1]', 'Service/api', 'spec.ports[1].port', 9090],
  ['task[1].cron', 'CronJob/nightly-export', 'spec.schedule', '30 2 * * *'],
  ['environment LOG_LEVEL default', 'ConfigMap/api-env', 'data.LOG_LEVEL', 'warn'],
  ['environment PRICE default (literal $)', 'ConfigMap/api-env', 'data.PRICE', '$(5)'],
  ['environment API_TOKEN (credential by name)', 'Secret/api-env', 'stringData.API_TOKEN', 't0ken'],
  ['environment FHIR_BASE (required, no value)', 'ConfigMap/api-env', 'data.FHIR_BASE', ''],
  ['environment DATABASE_URL (bound to the database)', 'Deployment/api', 'spec.template.spec.containers[0].env[1]', { name: 'DATABASE_URL', value: 'postgres://rehearsal:$(REHEARSAL_DB_PASSWORD)@database:5432/app' }],
  ['environment DATABASE_URL: its password from the shared Secret', 'Deployment/api', 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef', { name: 'mapping-secrets', key: 'REHEARSAL_DB_PASSWORD' }],
  ['rehearsal.yaml replicas', 'Deployment/api', 'spec.replicas', 4],
  ['rehearsal.yaml health.path', 'Deployment/api', 'spec.template.spec.containers[0].readinessProbe.httpGet.path', '/ready'],
  ['rehearsal.yaml health.path', 'Deployment/api', 'spec.template.spec.containers[0].livenessProbe.httpGet.path', '/ready'],
  ['rehearsal.yaml health.port', 'Deployment/api', 'spec.template.spec.containers[0].ports[1].name', 'http'],
  ['rehearsal.yaml health.port', 'Ingress/mapping', 'spec.rules[0].http.paths[0].backend.service', { name: 'api', port: { name: 'http' } }],
  ['rehearsal.yaml profile (hl7-hsp-r2: 15 s stop budget)', 'Deployment/api', 'spec.template.spec.terminationGracePeriodSeconds', 15],
  ['rehearsal.yaml profile (cron task)', 'CronJob/nightly-export', 'spec.jobTemplate.spec.template.spec.terminationGracePeriodSeconds', 15],
  ['rehearsal.yaml sandbox.name', 'Namespace/mapping', 'metadata.name', 'mapping'],
  ['rehearsal.yaml sandbox.name', 'Deployment/api', 'metadata.labels["app.kubernetes.io/part-of"]', 'mapping'],
  ['rehearsal.yaml database.kind + version', 'StatefulSet/database', 'spec.template.spec.containers[0].image', 'postgres:15'],
  ['rehearsal.yaml database (password)', 'Secret/mapping-secrets', 'stringData.REHEARSAL_DB_PASSWORD', 'generated-1'],
  ['product version (image tag)', 'Deployment/api', 'metadata.labels["app.kubernetes.io/version"]', '2.1'],
  ['task name → host', 'Ingress/mapping', 'spec.rules[0].host', 'api.rehearsal.localhost'],
];

let manifests: Map<string, Manifest>;

beforeAll(async () => {
  const loaded = await loadFiles(MARKETPLACE, OVERLAY);
  let n = 0;
  const plan = createPlan(loaded, {
    cwd: '/work/example',
    imageMode: 'official',
    randomSecret: () => `generated-${++n}`,
  });
  const out = kubernetesExport(plan);
  await assertValidManifests(out.manifests);
  manifests = new Map(out.manifests.map((m) => [`${m.kind}/${m.metadata?.name}`, m]));
});

describe('each declaration field lands in its manifest field', () => {
  it.each(MAPPING)('%s → %s %s', (_field, manifest, path, expected) => {
    const m = manifests.get(manifest);
    expect(m, `no ${manifest} among ${[...manifests.keys()].join(', ')}`).toBeDefined();
    expect(at(m, path)).toEqual(expected);
  });

  it('a cron task gets no Deployment, autoscaler or disruption budget', () => {
    expect([...manifests.keys()].filter((k) => k.endsWith('/nightly-export'))).toEqual([
      'CronJob/nightly-export',
    ]);
  });
});

/** Reads `a.b[0]["c.d"]` from an object. */
function at(value: unknown, path: string): unknown {
  const steps = [...path.matchAll(/([^.[\]"]+)|\[(\d+)\]|\["([^"]+)"\]/g)].map(
    (m) => m[1] ?? m[3] ?? Number(m[2]),
  );
  let cur = value;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur;
}
