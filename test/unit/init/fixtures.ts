import type { ImageDetails } from '../../../sandbox/engine/engine.js';

/** The reference service image as the engine inspects it (rehearsal/reference-service:0.1.0). */
export const REFERENCE_DETAILS: ImageDetails = {
  id: 'sha256:f4e1f1fda4e8',
  architecture: 'amd64',
  os: 'linux',
  sizeBytes: 390_528_074,
  exposedPorts: [8080],
  env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_ENV=production'],
  user: 'node',
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['node', '/app/server.mjs'],
  healthcheck: [
    'CMD',
    'node',
    '-e',
    "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
  ],
  labels: { 'org.opencontainers.image.title': 'Rehearsal Reference Patient Service' },
};

/** A bare image: no port, no health check, root, a few variables of its own. */
export const BARE_DETAILS: ImageDetails = {
  id: 'sha256:0000',
  architecture: 'arm64',
  os: 'linux',
  sizeBytes: 12_000_000,
  exposedPorts: [],
  env: [
    'PATH=/bin',
    'NODE_VERSION=20.1.0',
    'PGHOST=',
    'API_TOKEN=',
    'LOG_LEVEL=info',
    'LANG=C.UTF-8',
  ],
  user: '',
  entrypoint: [],
  cmd: ['/app'],
};

let n = 0;
/** Deterministic ids and clock for snapshot-stable proposals. */
export const fixed = {
  uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  now: () => new Date('2026-01-02T03:04:05.000Z'),
  reset: () => {
    n = 0;
  },
};
