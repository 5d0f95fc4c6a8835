import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDeclaration } from '../declaration/index.js';
import { UserError, ValidationError, type Problem } from '../errors.js';
import type { ImageMode } from '../images/catalogue.js';
import { composeYaml } from '../plan/compose.js';
import { createPlan } from '../plan/plan.js';
import { MARKETPLACE_FILE, type Proposal } from './propose.js';

export interface ProposalCheck {
  /** Errors and warnings exactly as `rehearsal validate` would report them, for the target dir. */
  problems: Problem[];
  /** The compose model `rehearsal up` would run; absent when the proposal has errors. */
  compose?: string;
  /** What `up` would say about the plan: required variables left without a value, notes. */
  notes: string[];
}

/**
 * Checks a proposal with the real reader: writes both files to a temporary folder, loads them
 * with `loadDeclaration`, plans them and renders the compose model. Paths in the result name the
 * target folder, not the temporary one. The temporary folder is always removed.
 */
export async function checkProposal(
  proposal: Proposal,
  options: { targetDir: string; imageMode: ImageMode },
): Promise<ProposalCheck> {
  const tmp = await mkdtemp(join(tmpdir(), 'rehearsal-init-'));
  const retarget = (text: string) => text.split(tmp).join(options.targetDir);
  try {
    for (const [name, text] of Object.entries(proposal.files))
      await writeFile(join(tmp, name), text);
    let loaded;
    try {
      loaded = await loadDeclaration({ file: MARKETPLACE_FILE, cwd: tmp });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return {
        problems: err.problems.map((p) => ({
          ...p,
          location: { ...p.location, file: retarget(p.location.file) },
        })),
        notes: [],
      };
    }
    const problems = loaded.warnings.map((p) => ({
      ...p,
      location: { ...p.location, file: retarget(p.location.file) },
    }));
    let plan;
    try {
      // A fixed secret: the preview never shows one, and a random one would make it unstable.
      plan = createPlan(loaded, {
        cwd: options.targetDir,
        imageMode: options.imageMode,
        randomSecret: () => 'preview',
      });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      return { problems, notes: [`it cannot be planned: ${err.message}`] };
    }
    const compose = composeYaml({
      ...plan,
      declarationFile: join(options.targetDir, MARKETPLACE_FILE),
    });
    return {
      problems,
      compose,
      notes: [
        ...plan.notes,
        ...plan.unbound.map(
          (u) =>
            `${u.key} is required and has no value: \`rehearsal up --env ${u.key}=…\` or env: in rehearsal.yaml`,
        ),
      ],
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
