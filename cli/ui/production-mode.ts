/**
 * Imported first by each Ink entry point, before React loads: React's development build checks
 * every render and, since React 19.2, records a `performance.measure` entry per commit — megabytes
 * of garbage a minute for a dashboard that re-renders every second. A CLI wants the production
 * build unless someone asked otherwise (tests run with NODE_ENV=test).
 */
process.env.NODE_ENV ??= 'production';

export {};
