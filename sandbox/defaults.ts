/**
 * Every default a user can override from the command line, in one place: the flags show them in
 * `--help` (cli/flags.ts) and the core falls back on them when a caller gives none.
 */
export const DEFAULTS = {
  /** How long a replica may take to become healthy (`up --health-timeout`). */
  healthTimeoutSeconds: 180,
  /** How long the service may take to become healthy from an empty database (`check`). */
  bootstrapTimeoutSeconds: 180,
  /** `rehearsal chaos` and the dashboard's `c`: 20 actions a minute for a minute, 40 req/s. */
  chaos: { durationSeconds: 60, perMinute: 20, rps: 40 },
} as const;
