/**
 * Chaos runs on the sandbox's `Platform` (sandbox/platform/platform.ts), which subsumed the
 * chaos-only `ChaosPlatform`. These names stay for the chaos files that still import them.
 */
export type { Platform as ChaosPlatform } from '../platform/platform.js';
export { dockerPlatform } from '../platform/docker.js';
