import type { Command } from 'commander';
import { loadDeclaration } from '../../sandbox/declaration/index.js';
import { formatProblem, ValidationError } from '../../sandbox/errors.js';
import { DEFAULT_DECLARATION, declarationFile } from '../../sandbox/sandbox/resolve.js';
import type { CommandContext } from '../context.js';

export function registerValidate(program: Command, ctx: () => CommandContext): void {
  program
    .command('validate')
    .description(
      'check marketplace.json (and rehearsal.yaml) and explain every problem; exit 0 valid, 2 invalid',
    )
    .option('-f, --file <path>', `the declaration (default: ./${DEFAULT_DECLARATION})`)
    .option('--overlay <path>', 'the rehearsal.yaml overlay (default: beside the declaration)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (opts: { file?: string; overlay?: string; json?: boolean }) => {
      const c = ctx();
      const file = declarationFile(c.cwd, opts.file);
      const loaded = await loadDeclaration({
        file,
        cwd: c.cwd,
        ...(opts.overlay ? { overlayFile: opts.overlay } : {}),
      }).catch((err: unknown) => {
        // With --json the problems are the result: stdout gets them, the exit code stays 2.
        if (!opts.json || !(err instanceof ValidationError)) throw err;
        c.out(JSON.stringify({ valid: false, file, problems: err.problems }, null, 2));
        process.exitCode = 2;
        return undefined;
      });
      if (!loaded) return;
      const d = loaded.declaration;
      if (opts.json) {
        c.out(
          JSON.stringify(
            {
              valid: true,
              file: d.file,
              shape: d.shape,
              tasks: d.tasks.map((t) => t.name),
              kinds: d.tasks.map((t) => ({
                task: t.name,
                id: t.id,
                kind: t.kind,
                why: t.kindReason,
              })),
              warnings: loaded.warnings,
            },
            null,
            2,
          ),
        );
        return;
      }
      for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
      c.out(
        `${d.file} is valid: "${d.product.name}", ${d.tasks.length} task(s): ${d.tasks.map((t) => t.name).join(', ')}` +
          (loaded.overlay.file ? `; overlay ${loaded.overlay.file}` : '') +
          (loaded.warnings.length ? ` (${loaded.warnings.length} warning(s))` : ''),
      );
      // How each task will run, and why (README: "Task kinds").
      for (const t of d.tasks) c.out(`  ${t.name}: ${t.kind}, because ${t.kindReason}`);
    });
}
