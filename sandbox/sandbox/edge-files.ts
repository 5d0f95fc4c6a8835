import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { dirname, join } from 'node:path';
import {
  caBundle,
  ensureCa,
  issueLeaf,
  javaTruststore,
  needsRenewal,
} from '../../proxy/ca/index.js';
import type { Emit } from '../events.js';
import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE } from '../plan/bind-files.js';
import { ADMIN_TOKEN_SECRET, EDGE_FILES, proxyConfig, SANDBOX_DOMAIN } from '../plan/edge.js';
import type { Plan } from '../plan/types.js';

/** Writes one file of the state folder atomically (temporary name, then rename). */
export async function writeStateFile(
  stateDir: string,
  rel: string,
  content: string | Buffer,
  mode: number,
): Promise<void> {
  const file = join(stateDir, rel);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, content, { mode });
    // The mode is the file's contract (bind-files.ts), whatever the user's umask.
    await chmod(tmp, mode);
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function existing(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes the sandbox's TLS material into its state folder: the user's local CA root (created on
 * first use), a bundle of the public roots plus that root, a Java truststore, and — when the
 * sandbox has a TLS edge — the proxy's configuration, admin token and a short-lived leaf
 * certificate for `*.rehearsal.localhost`, reissued a day before it expires. Modes: see
 * plan/bind-files.ts (the key and token are group-readable for compose's bind mounts).
 */
export async function writeEdgeFiles(plan: Plan, emit: Emit, now = new Date()): Promise<void> {
  const ca = await ensureCa({ now });
  if (ca.created) {
    emit({
      type: 'warning',
      message: `created a local CA (${ca.paths.dir}); \`rehearsal trust\` makes your browser trust it`,
    });
  }
  const sameRoot = (await existing(join(plan.stateDir, EDGE_FILES.root))) === ca.rootPem;
  await writeStateFile(plan.stateDir, EDGE_FILES.root, ca.rootPem, PUBLIC_FILE_MODE);
  await writeStateFile(
    plan.stateDir,
    EDGE_FILES.bundle,
    caBundle(rootCertificates.join('\n'), ca.rootPem),
    PUBLIC_FILE_MODE,
  );
  // A truststore's bytes differ at every writing (random salt): it is kept while its root is the
  // same, so a Swarm redeploy sees an unchanged config and leaves the running tasks alone.
  if (!sameRoot || !(await existing(join(plan.stateDir, EDGE_FILES.truststore)))) {
    await writeStateFile(
      plan.stateDir,
      EDGE_FILES.truststore,
      javaTruststore(ca.rootPem, undefined, [...rootCertificates]),
      PUBLIC_FILE_MODE,
    );
  }
  if (!plan.proxy) return;
  await writeStateFile(
    plan.stateDir,
    EDGE_FILES.proxyConfig,
    proxyConfig(plan.proxy),
    PUBLIC_FILE_MODE,
  );
  await writeStateFile(
    plan.stateDir,
    EDGE_FILES.adminToken,
    plan.secrets[ADMIN_TOKEN_SECRET] ?? '',
    PRIVATE_FILE_MODE,
  );
  const cert = await existing(join(plan.stateDir, EDGE_FILES.cert));
  const key = await existing(join(plan.stateDir, EDGE_FILES.key));
  const renewed = ca.intermediateRenewed || !cert || !key || needsRenewal(cert, now);
  // A key kept from an earlier version (0600) gets the mode a compose bind mount needs.
  if (!renewed) return chmod(join(plan.stateDir, EDGE_FILES.key), PRIVATE_FILE_MODE);
  const leaf = await issueLeaf(ca, {
    dnsNames: [`*.${SANDBOX_DOMAIN}`, SANDBOX_DOMAIN, 'localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    // Issued as of the real clock: `now` only decides whether renewal is due.
  });
  await writeStateFile(plan.stateDir, EDGE_FILES.key, leaf.keyPem, PRIVATE_FILE_MODE);
  await writeStateFile(plan.stateDir, EDGE_FILES.cert, leaf.chainPem, PUBLIC_FILE_MODE);
}
