import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kubernetesExport } from '../../../sandbox/export/kubernetes/kubernetes.js';
import type { Manifest } from '../../../sandbox/export/kubernetes/manifest.js';
import {
  assertValidManifests,
  manifestProblems,
} from '../../../sandbox/export/kubernetes/validate.js';
import { DECLARATIONS, planOf, type DeclarationName } from './declarations.js';

const names = Object.keys(DECLARATIONS) as DeclarationName[];

describe('Kubernetes export against the pinned Kubernetes OpenAPI schema (kubernetes-models)', () => {
  it.each(names)('every manifest of %s validates, as written to disk', async (name) => {
    const out = kubernetesExport(await planOf(name));
    const written = out.files
      .filter((f) => f.path !== 'kustomization.yaml')
      .flatMap((f) => parseAllDocuments(f.text).map((d) => d.toJS() as Manifest));
    expect(written).toEqual(out.manifests);
    for (const m of written)
      expect(await manifestProblems(m), `${m.kind}/${m.metadata?.name}`).toEqual([]);
  });

  it.each(names)('%s with an external database validates too', async (name) => {
    const out = kubernetesExport(await planOf(name), {
      externalDatabase: 'db.example.internal',
      ingressClass: 'nginx',
      domain: 'apps.example.org',
    });
    await assertValidManifests(out.manifests);
    expect(out.manifests.some((m) => m.kind === 'StatefulSet')).toBe(false);
  });

  it('the kustomization lists every manifest file, and only those', async () => {
    const out = kubernetesExport(await planOf('cds-hooks'));
    const k = out.files.find((f) => f.path === 'kustomization.yaml');
    const doc = parseAllDocuments(k?.text ?? '')[0]?.toJS() as {
      resources: string[];
      namespace: string;
    };
    expect(doc.resources.sort()).toEqual(
      out.files
        .map((f) => f.path)
        .filter((p) => p !== 'kustomization.yaml')
        .sort(),
    );
    expect(doc.namespace).toBe('example-opioid-prescribing-cds');
  });

  it("leaves out the sandbox's identity provider: its client id is for the user to fill in", async () => {
    const out = kubernetesExport(await planOf('smart'));
    const config = out.manifests.find(
      (m) => m.kind === 'ConfigMap' && m.metadata?.name === 'my-smart-application-env',
    ) as { data: Record<string, string> } | undefined;
    expect(config?.data.CLIENT_ID).toBe('');
    expect(out.notes.some((n) => n.includes('CLIENT_ID is required'))).toBe(true);
    expect(out.manifests.some((m) => m.metadata?.name === 'idp')).toBe(false);
    expect(JSON.stringify(out.manifests)).not.toContain('idp.rehearsal.localhost');
  });

  it('reports a schema violation with the object and the path', async () => {
    const out = kubernetesExport(await planOf('reference'));
    const deployment = out.manifests.find((m) => m.kind === 'Deployment');
    const broken = structuredClone(deployment) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'three';
    expect(await manifestProblems(broken as unknown as Manifest)).toEqual([
      { object: 'Deployment/patient-api', path: '/spec/replicas', message: 'must be integer' },
    ]);
    await expect(assertValidManifests([broken as unknown as Manifest])).rejects.toThrow(
      /Deployment\/patient-api \/spec\/replicas: must be integer/,
    );
  });
});
