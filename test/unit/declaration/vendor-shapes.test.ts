import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadDeclaration } from '../../../sandbox/declaration/index.js';
import { standaloneComposeYaml } from '../../../sandbox/export/compose.js';
import { kubernetesExport } from '../../../sandbox/export/kubernetes/kubernetes.js';
import { assertValidManifests } from '../../../sandbox/export/kubernetes/validate.js';
import { createPlan } from '../../../sandbox/plan/plan.js';
import { fixturesDir, loadFailure, loadFiles } from './helpers.js';

/**
 * Vendors' files as they write them, built from the two real examples
 * (../shared/marketplace/examples): test/fixtures/declarations/vendor-current (configuration
 * shape, from the CDS Hooks example) and vendor-earlier (the earlier ballot's top-level `tasks`,
 * from the SMART example, with `ProductFacts`, `dataAccess` and camelCase task fields). Tasks have
 * no ids; "Loading Content" and "Logging" have no ports and no memory; the image is only at
 * product.build.binary.
 */
const load = (name: string) =>
  loadDeclaration({ file: path.join(fixturesDir, name, 'marketplace.json') });

const planOf = async (name: string) => {
  let n = 0;
  return createPlan(await load(name), {
    cwd: '/work/vendor',
    imageMode: 'official',
    randomSecret: () => `secret-${++n}`,
  });
};

describe('both ballot shapes, as vendors write them', () => {
  it('current shape: ids from labels, kinds from the fields, the product image for every task', async () => {
    const { declaration } = await load('vendor-current');
    expect(declaration.shape).toBe('configuration');
    expect(
      declaration.tasks.map((t) => ({ id: t.id, kind: t.kind, idFromLabel: t.idFromLabel })),
    ).toEqual([
      { id: 'opioid-prescribing-support-smart-on-fhir', kind: 'web', idFromLabel: true },
      { id: 'loading-content', kind: 'initialization', idFromLabel: true },
      { id: 'logging', kind: 'worker', idFromLabel: true },
      { id: 'opioid-prescribing-restart', kind: 'cron', idFromLabel: true },
    ]);
    const loading = declaration.tasks[1];
    expect(loading?.ports).toEqual([]);
    expect(loading?.memoryMaximumMiB).toBeUndefined();
    expect(loading?.kindReason).toMatch(/options name 2 URLs/);
    expect(declaration.product.image).toBe(
      'p3000/marketplace-product-build-example-cds-hooks:latest',
    );
  });

  it('earlier shape: other spellings read, each a warning naming the current spelling', async () => {
    const { declaration, warnings } = await load('vendor-earlier');
    expect(declaration.shape).toBe('tasks');
    expect(declaration.product.name).toBe('Bilirubin Visualizer');
    // The image under its own registry, which is not Docker Hub.
    expect(declaration.product.image).toBe(
      'registry.bilirubin.example/p3000/marketplace-product-build-example-smart-on-fhir:latest',
    );
    const [web, loading, logging] = declaration.tasks;
    expect(web).toMatchObject({
      id: 'my-smart-application',
      kind: 'web',
      memoryMinimumMiB: 128,
      memoryMaximumMiB: 256,
      instancesMinimum: 1,
    });
    expect(loading).toMatchObject({ id: 'loading-content', kind: 'initialization', ports: [] });
    expect(logging).toMatchObject({
      id: 'logging',
      kind: 'worker',
      options: ['level=info', 'format=json'],
    });
    const spelling = warnings
      .filter((w) => /earlier spelling/.test(w.message))
      .map((w) => [w.location.pointer, w.location.line, w.hint]);
    expect(spelling).toEqual([
      ['/ProductFacts', 14, 'move it into "product": { "facts": ... }, the current layout'],
      ['/ProductFacts/dataAccess', 40, 'write "data_access", the current spelling'],
      [
        '/ProductFacts/technologyMimeType',
        50,
        'write "technology_mime_type", the current spelling',
      ],
      ['/ProductFacts/customerService', 51, 'write "customer_service", the current spelling'],
      ['/tasks/0/memoryMinimum', 83, 'write "memory_minimum", the current spelling'],
      ['/tasks/0/memoryMaximum', 84, 'write "memory_maximum", the current spelling'],
      ['/tasks/0/instancesMinimum', 85, 'write "instances_minimum", the current spelling'],
    ]);
    expect(warnings.some((w) => /unknown field/.test(w.message))).toBe(false);
  });

  it.each(['vendor-current', 'vendor-earlier'])(
    '%s plans, and exports to compose and Kubernetes',
    async (name) => {
      const plan = await planOf(name);
      const byName = Object.fromEntries(plan.services.map((s) => [s.name, s]));
      expect(byName['loading-content']).toMatchObject({
        role: 'init',
        kind: 'initialization',
        ports: [],
      });
      expect(byName['logging']).toMatchObject({ role: 'task', kind: 'worker', ports: [] });
      expect(byName['logging']?.probe).toBeUndefined();
      expect(byName['logging']?.dependsOn).toContain('loading-content');
      // Of the declared tasks, only the web task is behind the edge.
      const declared = new Set(plan.services.filter((s) => s.kind).map((s) => s.name));
      expect(plan.proxy?.routes.map((r) => r.service).filter((r) => declared.has(r))).toEqual([
        plan.services.find((s) => s.kind === 'web')?.name,
      ]);

      const compose = parse(standaloneComposeYaml(plan)) as {
        services: Record<
          string,
          {
            depends_on?: Record<string, { condition: string }>;
            deploy?: { restart_policy?: unknown };
            ports?: unknown;
          }
        >;
      };
      expect(compose.services['logging']?.depends_on?.['loading-content']).toEqual({
        condition: 'service_completed_successfully',
      });
      expect(compose.services['loading-content']?.deploy?.restart_policy).toEqual({
        condition: 'none',
      });
      expect(compose.services['logging']?.ports).toBeUndefined();

      const k8s = kubernetesExport(plan);
      await assertValidManifests(k8s.manifests);
      const deployments = k8s.manifests.filter((m) => m.kind === 'Deployment') as unknown as {
        metadata: { name: string };
        spec: { template: { spec: { initContainers?: { name: string; args?: string[] }[] } } };
      }[];
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
        plan.services
          .filter((s) => s.role === 'task')
          .map((s) => s.name)
          .sort(),
      );
      for (const d of deployments)
        expect(d.spec.template.spec.initContainers?.map((c) => c.name)).toEqual([
          'loading-content',
        ]);
      expect(
        k8s.manifests.some((m) => m.kind === 'Service' && m.metadata?.name === 'logging'),
      ).toBe(false);
    },
  );
});

describe('ids, kinds and hints from the file itself', () => {
  const twoLoaders = (second: string) => `{
  "product": { "build": { "binary": { "image": "vendor/content:2" } } },
  "tasks": [
    { "label": "Loading Content", "options": ["https://example.org/a.json"] },
    ${second}
  ]
}
`;

  it('two tasks without ids whose labels are the same: one error naming both lines', async () => {
    const e = await loadFailure(twoLoaders('{ "label": "Loading Content" }'));
    const errors = e.problems.filter((p) => p.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(
      'two tasks would have the id "loading-content": "Loading Content" at line 4 (no id) and "Loading Content" at line 5 (no id)',
    );
    expect(errors[0]?.location).toMatchObject({ line: 5, pointer: '/tasks/1' });
    expect(errors[0]?.hint).toMatch(/"id": "loading-content-2"/);
  });

  it("a label whose slug is another task's declared id is that error too", async () => {
    const e = await loadFailure(twoLoaders('{ "id": "loading-content", "label": "Other" }'));
    expect(e.problems.find((p) => p.severity === 'error')?.message).toMatch(
      /"Loading Content" at line 4 \(no id\) and "Other" at line 5 \(id "loading-content"\)/,
    );
  });

  it('a task image wins over the product image', async () => {
    const { declaration } = await loadFiles(
      twoLoaders('{ "label": "Worker", "image": "vendor/worker:3" }'),
    );
    const plan = createPlan(
      { ...(await loadFiles(twoLoaders('{ "label": "Worker", "image": "vendor/worker:3" }'))) },
      { cwd: '/tmp/x', imageMode: 'official', randomSecret: () => 's' },
    );
    expect(declaration.tasks.map((t) => t.image)).toEqual([undefined, 'vendor/worker:3']);
    expect(plan.services.find((s) => s.name === 'worker')?.image.tag).toBe('vendor/worker:3');
    expect(plan.services.find((s) => s.name === 'loading-content')?.image.tag).toBe(
      'vendor/content:2',
    );
  });

  it('kind: in rehearsal.yaml overrides what the fields say, and must fit them', async () => {
    const { declaration } = await loadFiles(
      twoLoaders('{ "label": "Sessions" }'),
      'tasks:\n  loading-content:\n    kind: worker\n  sessions:\n    kind: initialization\n',
    );
    expect(declaration.tasks.map((t) => [t.kind, t.kindReason])).toEqual([
      ['worker', 'rehearsal.yaml says kind: worker'],
      ['initialization', 'rehearsal.yaml says kind: initialization'],
    ]);
    const e = await loadFailure(
      twoLoaders('{ "label": "Sessions" }'),
      'tasks:\n  sessions:\n    kind: web\n',
    );
    expect(e.problems.find((p) => p.severity === 'error')).toMatchObject({
      message: 'task sessions is kind: web but declares no ports',
      location: expect.objectContaining({ line: 3, pointer: '/tasks/sessions/kind' }),
    });
  });

  it("hints name the file's own tasks and image, never the reference service's", async () => {
    const e = await loadFailure(
      twoLoaders('{ "label": 7 }'),
      'tasks:\n  loading-content:\n    replicas: two\n  nope: 3\n',
    );
    const hints = e.problems.map((p) => p.hint ?? '').join('\n');
    expect(hints).not.toMatch(/patient|Patient API/);
    const wrong = await loadFailure(
      twoLoaders('{ "label": "Sessions" }'),
      'tasks:\n  sessions: 3\n',
    );
    expect(wrong.problems.find((p) => p.severity === 'error')?.hint).toMatch(
      /loading-content: \{ replicas: 2 \}/,
    );
    const noImage = await loadFailure(
      '{ "tasks": [{ "label": "Loading Content" }, { "id": 5, "label": "Logging" }] }',
    );
    const all = noImage.problems.map((p) => `${p.message} ${p.hint ?? ''}`).join('\n');
    expect(all).toMatch(/"id": "logging"/);
    expect(all).not.toMatch(/patient/i);
  });
});
