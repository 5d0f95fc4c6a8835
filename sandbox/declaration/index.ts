export { loadDeclaration, type LoadOptions } from './load.js';
export { parseCron, type CronResult } from './cron.js';
export { slugify, taskNames, DNS_LABEL } from './names.js';
export type * from './types.js';
