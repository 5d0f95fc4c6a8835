import { CHAOS_CHECKS, chaosBounds, chaosEphemeral, combine } from './chaos-checks.js';
import { HTTP_CHECKS } from './http-checks.js';
import { IDENTITY_CHECKS } from './identity-checks.js';
import { IMAGE_CHECKS } from './image-checks.js';
import type { Check } from './judging.js';
import { LOGGING_CHECKS } from './logging-checks.js';
import { NETWORK_CHECKS } from './network-checks.js';
import { cdsDataNotApplicable, withProtocolSuite } from './protocol-checks.js';
import { RUNTIME_CHECKS } from './runtime-checks.js';
import { STARTUP_CHECKS } from './startup-checks.js';
import { TRACE_CHECKS } from './trace-checks.js';

export { FAILED_SHARE, LARGE_IMAGE_BYTES, MEMORY_SHARE, PAYLOAD_FILE_BYTES } from './judging.js';

/** Every check run from one run's facts, by requirement id (sandbox/checks/catalogue.ts). */
export const CHECKS: Record<string, Check> = {
  ...IMAGE_CHECKS,
  ...RUNTIME_CHECKS,
  ...STARTUP_CHECKS,
  ...HTTP_CHECKS,
  ...LOGGING_CHECKS,
  ...TRACE_CHECKS,
  ...NETWORK_CHECKS,
  ...CHAOS_CHECKS,
  ...IDENTITY_CHECKS,
  'programmatically-verifiable': withProtocolSuite(RUNTIME_CHECKS['programmatically-verifiable']!),
  incorruptible: cdsDataNotApplicable(CHAOS_CHECKS.incorruptible!),
  // What one observation shows, and what chaos adds: the worse verdict, both sets of evidence.
  ephemeral: (f) => combine(RUNTIME_CHECKS.ephemeral!(f), cdsDataNotApplicable(chaosEphemeral)(f)),
  'horizontally-scaled': (f) => combine(RUNTIME_CHECKS['horizontally-scaled']!(f), chaosBounds(f)),
};

/** Checks that need machinery not in this run: they say so, with the reason and what to run. */
export const NOT_IN_THIS_RUN: Record<string, string> = {};
