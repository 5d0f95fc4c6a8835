import path from 'node:path';
import { loadDeclaration } from '../../../sandbox/declaration/index.js';
import { createPlan } from '../../../sandbox/plan/plan.js';
import type { Plan } from '../../../sandbox/plan/types.js';
import { examplesDir, fixturesDir, repoRoot } from '../declaration/helpers.js';

/**
 * The declarations every export is checked on: the reference service, the two real examples, and
 * vendors' files of both shapes built from them.
 */
export const DECLARATIONS = {
  reference: {
    file: path.join(repoRoot, 'templates/reference-service/marketplace.json'),
    overlay: path.join(repoRoot, 'templates/reference-service/rehearsal.yaml'),
  },
  'cds-hooks': { file: path.join(examplesDir, 'cds-hooks.product.build.json') },
  smart: { file: path.join(examplesDir, 'smart.product.build.json') },
  // Vendors' files as written, from the two examples: tasks without ids, ports or memory.
  'vendor-current': { file: path.join(fixturesDir, 'vendor-current/marketplace.json') },
  'vendor-earlier': { file: path.join(fixturesDir, 'vendor-earlier/marketplace.json') },
} as const;

export type DeclarationName = keyof typeof DECLARATIONS;

/** The plan of a declaration, with fixed secrets so outputs are stable. */
export async function planOf(name: DeclarationName): Promise<Plan> {
  const d: { file: string; overlay?: string } = DECLARATIONS[name];
  const loaded = await loadDeclaration({
    file: d.file,
    ...(d.overlay ? { overlayFile: d.overlay } : {}),
  });
  let n = 0;
  return createPlan(loaded, {
    cwd: '/work/example',
    imageMode: 'official',
    randomSecret: () => `secret-${++n}`,
  });
}
