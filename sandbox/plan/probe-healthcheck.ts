import type { HttpProbePlan } from './types.js';

/**
 * A container health check on a service's health path, asked from inside the container with
 * whichever client its image has (curl, wget, or Node.js), every 2 s so a replacement counts as
 * soon as it serves. Compose v2 needs it to honour `depends_on: service_healthy` and
 * `up --wait`; Swarm needs it because nothing of a stack is published for Rehearsal's own probe.
 * It replaces the image's own check, whose interval may be long.
 */
export function probeHealthcheck(probe: HttpProbePlan): Record<string, unknown> {
  const url = `http://127.0.0.1:${probe.port}${probe.path}`;
  const node = `require('http').get('${url}',r=>process.exit(r.statusCode<400?0:1)).on('error',()=>process.exit(1))`;
  return {
    test: [
      'CMD-SHELL',
      `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url} || node -e "${node}"`,
    ],
    interval: '2s',
    timeout: '5s',
    retries: 3,
    start_period: '60s',
  };
}
