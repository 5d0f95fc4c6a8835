import { finding, imageFailure, replicasOf, type Check } from './judging.js';
import { allCauses, CAUSE_REQUIREMENT, causesFor } from './startup-causes.js';

/**
 * Checks of how the sandbox came up: from nothing, by itself (Self-bootstrapped), and without
 * devices, privileges or host paths (Not hardware dependent). When it did not come up, each takes
 * only the diagnosed causes that belong to it (sandbox/checks/startup-causes.ts).
 */
export const STARTUP_CHECKS: Record<string, Check> = {
  'self-bootstrapped'(f) {
    const did = `Started the sandbox from nothing (an empty database) and waited, without intervention, for every replica to be healthy (budget ${f.bootstrapBudgetMs / 1000} s).`;
    const evidence = [
      `healthy after ${(f.bootstrap.ms / 1000).toFixed(1)} s`,
      // Initialization runs inside bootstrapping, before the web and worker tasks start.
      ...(f.initialization ?? []).map((i) =>
        i.exitCode === undefined
          ? `initialization ${i.service.name}: did not run`
          : `initialization ${i.service.name}: exited ${i.exitCode}${i.ms ? ` after ${(i.ms / 1000).toFixed(1)} s` : ' (completed in an earlier run)'}`,
      ),
    ];
    if (!f.bootstrap.ok) {
      const mine = causesFor(f.tasks, 'self-bootstrapped');
      const lines = f.tasks.flatMap((t) =>
        (t.startup?.replicas ?? []).flatMap((r) =>
          r.lastLines.slice(-4).map((l) => `${r.name} │ ${l.slice(0, 200)}`),
        ),
      );
      if (mine.length > 0)
        return finding(
          'fail',
          did,
          [...mine.map((c) => c.text), ...lines],
          `the sandbox did not become healthy by itself: ${mine.map((c) => c.text).join('; ')}`,
        );
      const image = f.tasks.map((t) => imageFailure(f, t)).find(Boolean);
      if (image)
        return finding(
          'not-checked',
          did,
          [image],
          `not checked, because the image could not be built or started (${image}; see Containerized); fix that and run the check again`,
        );
      const other = allCauses(f.tasks).filter((c) => c.kind !== 'not-started');
      if (other.length > 0)
        return finding(
          'not-checked',
          did,
          [...other.map((c) => c.text), ...lines],
          `not checked, because another requirement explains why it did not become healthy: ${other.map((c) => `${c.text} (${CAUSE_REQUIREMENT[c.kind]})`).join('; ')}; fix that and run the check again`,
        );
      return finding(
        'fail',
        did,
        [f.bootstrap.error ?? 'not healthy', ...evidence.slice(1)],
        `the sandbox did not become healthy by itself: ${f.bootstrap.error ?? 'unknown'}`,
      );
    }
    return f.bootstrap.ms > f.bootstrapBudgetMs
      ? finding(
          'fail',
          did,
          evidence,
          `bootstrapping took longer than ${f.bootstrapBudgetMs / 1000} s`,
        )
      : finding('pass', did, evidence);
  },

  'not-hardware-dependent'(f) {
    const did =
      'Ran every replica as Rehearsal always does — no devices, no privileged mode, no host paths — and required it to become healthy and serve; read the output of any that did not for a device, privilege, host path or CPU-feature need.';
    const hw = causesFor(f.tasks, 'not-hardware-dependent');
    if (hw.length > 0)
      return finding(
        'fail',
        did,
        hw.map((c) => c.text),
        hw.map((c) => c.text).join('; '),
      );
    if (!f.bootstrap.ok) {
      const other = allCauses(f.tasks).filter((c) => c.kind !== 'not-started');
      return finding(
        'not-checked',
        did,
        other.map((c) => c.text),
        `not checked, because the service did not come up for another reason (${other.map((c) => c.text).join('; ') || (f.bootstrap.error ?? 'unknown')}) and its output shows no device, privilege, host path or CPU-feature need`,
      );
    }
    const evidence = replicasOf(f).map(
      ([, r]) => `${r.name}: healthy without devices, privileges or host mounts`,
    );
    return finding('pass', did, evidence);
  },
};
