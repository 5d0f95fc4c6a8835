import type { ImageDetails } from '../engine/engine.js';

/** What `init` learned from an image, in the terms its proposal needs. */
export interface ImageFacts {
  image: string;
  /** Exposed TCP ports, in the image's order. */
  ports: number[];
  /** The image's own variables, minus the ones every base image sets (PATH, NODE_VERSION, …). */
  env: { key: string; value: string }[];
  /** The image's HEALTHCHECK command, as one line; undefined when it has none. */
  healthcheck?: string;
  /** An HTTP path the health check calls (`/health`, `/healthz`, …), when one can be seen. */
  healthPath?: string;
  user: string;
  runsAsRoot: boolean;
  entrypoint: string[];
  cmd: string[];
  /** `linux/amd64` and the like. */
  platform: string;
  sizeBytes: number;
  /** `org.opencontainers.image.title`, when the image carries it. */
  title?: string;
  /** Things the vendor should know before submitting; each one sentence. */
  notes: string[];
}

/** Variables every base image sets: not the service's configuration, so not proposed. */
const BASE_VARIABLE = [
  /^(PATH|HOME|HOSTNAME|TERM|SHLVL|PWD|LANG|LANGUAGE|TZ|GPG_KEY|JAVA_HOME|GOPATH|GOTOOLCHAIN)$/,
  /^(DEBIAN_FRONTEND|SSL_CERT_FILE|SSL_CERT_DIR|CA_CERTIFICATES_JAVA_VERSION)$/,
  /^LC_/,
  /_VERSION$/,
  /_SHA256$/,
  /^PIP_/,
  /^PYTHON(DONTWRITEBYTECODE|UNBUFFERED)$/,
];

// An HTTP path in the HEALTHCHECK command; not a file's (`/app/healthcheck.sh`).
const HEALTH_PATH =
  /["'`\s(]?(\/(?:health|healthz|healthcheck|ready|readyz|live|livez|status|ping)(?![\w\-/]*\.[a-z])[\w\-/]*)/i;

/**
 * Reads an image's inspection into the facts `init` proposes from. Pure: the caller inspects the
 * image through the engine.
 */
export function imageFacts(image: string, d: ImageDetails): ImageFacts {
  const env = d.env.flatMap((pair) => {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    return BASE_VARIABLE.some((re) => re.test(key)) ? [] : [{ key, value }];
  });
  const test = d.healthcheck ?? [];
  // Docker writes ["NONE"] for a disabled check, ["CMD", …] or ["CMD-SHELL", "…"] otherwise.
  const healthcheck =
    test.length > 0 && test[0] !== 'NONE'
      ? test.slice(test[0] === 'CMD' || test[0] === 'CMD-SHELL' ? 1 : 0).join(' ')
      : undefined;
  const healthPath = healthcheck ? HEALTH_PATH.exec(healthcheck)?.[1] : undefined;
  const user = d.user.trim();
  const runsAsRoot = user === '' || user === 'root' || user === '0' || user.startsWith('0:');
  const ports = [...new Set(d.exposedPorts.filter((p) => Number.isInteger(p) && p > 0))];
  const title = d.labels?.['org.opencontainers.image.title']?.trim();
  const notes: string[] = [];
  if (ports.length === 0)
    notes.push('The image exposes no port: say which port serves HTTP (EXPOSE it, or --port).');
  if (!healthcheck)
    notes.push('The image has no HEALTHCHECK: Rehearsal will probe the health path over HTTP.');
  if (runsAsRoot) notes.push('The image runs as root; the platform expects a non-root user.');
  if (d.architecture !== 'amd64')
    notes.push(`The image is built for ${d.architecture}; the platform runs linux/amd64.`);
  return {
    image,
    ports,
    env,
    ...(healthcheck ? { healthcheck } : {}),
    ...(healthPath ? { healthPath } : {}),
    user: user || 'root',
    runsAsRoot,
    entrypoint: d.entrypoint,
    cmd: d.cmd,
    platform: `${d.os}/${d.architecture}`,
    sizeBytes: d.sizeBytes,
    ...(title ? { title } : {}),
    notes,
  };
}
