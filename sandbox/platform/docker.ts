import { CHAOS_KINDS } from '../chaos/action.js';
import { replaceAll } from '../chaos/execute.js';
import { LABEL } from '../labels.js';
import { down } from '../sandbox/down.js';
import { monitor } from '../sandbox/monitor.js';
import { scale } from '../sandbox/scale.js';
import { status } from '../sandbox/status.js';
import { supervise } from '../sandbox/supervise.js';
import { up } from '../sandbox/up.js';
import type { Platform } from './platform.js';

/**
 * Plain Docker: Rehearsal creates every container itself (sandbox/sandbox/up.ts) and its own
 * supervisor repairs what dies, as the Marketplace's platform would; so `up` stays and follows.
 */
export const dockerPlatform: Platform = {
  engine: 'docker',
  runsOn: 'plain Docker',
  downCommand: 'rehearsal down',
  repairsItself: false,
  kinds: CHAOS_KINDS,
  deploy: (plan, options) => up(plan, options),
  async remove(plan, options) {
    await down(plan.sandboxId, options);
  },
  status: (plan, engine) => status(plan, engine),
  scale: (plan, service, to, options) => scale(plan, service, to, options),
  replicas: (all) => all.filter((r) => r.labels[LABEL.composeOneoff] !== 'True'),
  repair: (plan, options) => supervise(plan, options),
  watch: (plan, options) => monitor(plan, options),
  replaceAll,
};
