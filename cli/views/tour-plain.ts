import { requirement } from '../../sandbox/checks/catalogue.js';
import type { Engine } from '../../sandbox/engine/engine.js';
import type { Emit } from '../../sandbox/events.js';
import { runTourStep, TOUR } from '../../sandbox/live/tour.js';
import type { PlanRequest } from '../../sandbox/sandbox/resolve.js';

/**
 * `rehearsal demo --tour` without a terminal: every step in turn, as plain lines — the variant,
 * the requirement with why it matters and how to fix it, the progress, and the verdict.
 */
export async function plainTour(
  request: PlanRequest,
  options: { engine: Engine; emit: Emit; out: (text: string) => void; signal: AbortSignal },
): Promise<void> {
  for (const [i, step] of TOUR.entries()) {
    if (options.signal.aborted) return;
    const env = Object.entries(step.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const lines = [
      `\n== Tour step ${i + 1} of ${TOUR.length}: ${step.title}${env ? ` (${env})` : ''}`,
      `   ${step.does}.`,
    ];
    if (step.requirement) {
      const r = requirement(step.requirement);
      lines.push(
        `   Requirement: ${r.title} (${r.severity}): “${r.words}”`,
        `   Why it matters: ${r.matters}`,
        `   How to fix: ${r.fix}`,
      );
    }
    options.out(lines.join('\n'));
    const result = await runTourStep(step, request, options);
    options.out(
      `   Verdict by ${step.by === 'check' ? 'the checks' : `chaos (${step.verdict})`}: ${result.verdict.toUpperCase()}${result.why ? ` — ${result.why}` : ''}`,
    );
  }
}
