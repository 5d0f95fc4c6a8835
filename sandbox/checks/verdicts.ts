import { IMAGE_CHECKS } from './image-checks.js';
import type { Check } from './judging.js';
import { LOGGING_CHECKS } from './logging-checks.js';
import { NETWORK_CHECKS } from './network-checks.js';
import { RUNTIME_CHECKS } from './runtime-checks.js';
import { TRACE_CHECKS } from './trace-checks.js';

export { FAILED_SHARE, LARGE_IMAGE_BYTES, MEMORY_SHARE, PAYLOAD_FILE_BYTES } from './judging.js';

/** Every check run from one run's facts, by requirement id (sandbox/checks/catalogue.ts). */
export const CHECKS: Record<string, Check> = {
  ...IMAGE_CHECKS,
  ...RUNTIME_CHECKS,
  ...LOGGING_CHECKS,
  ...TRACE_CHECKS,
  ...NETWORK_CHECKS,
};

/** Checks that need machinery not in this run: they say so, with the reason and what to run. */
export const NOT_IN_THIS_RUN: Record<string, string> = {
  'dynamically-scalable':
    'measured under chaos: run `rehearsal chaos`, whose scalable verdict covers it',
  incorruptible:
    'measured under chaos: run `rehearsal chaos`, whose incorruptible verdict covers it',
  'sso-aware':
    'OIDC login is exercised by the identity provider suite (`rehearsal idp`), not by this run yet',
  provisionable: 'the SCIM suite runs with the identity provider, not in this run yet',
};
