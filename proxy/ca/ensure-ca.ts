/**
 * The per-user local CA: created once, loaded afterwards, its intermediate renewed before it
 * expires. Everything that signs certificates for the TLS edge starts from `ensureCa`.
 */
import { UserError } from '../../base/user-error.js';
import { createIntermediate, createRoot } from './authority.js';
import { caDirExists, caPaths, createCaDir, readCaFiles, replaceIntermediate } from './ca-files.js';
import type { CaFiles, CaPaths } from './ca-files.js';
import { defaultCaDir } from './config-dir.js';
import { fingerprint } from './fingerprint.js';
import { importPrivateKey, publicKeyOf, type Key } from './keys.js';
import { certificatePem, X509Certificate } from './x509.js';

/** An intermediate with less than this left is replaced. */
export const INTERMEDIATE_RENEW_MS = 30 * 24 * 60 * 60 * 1000;

/** The intermediate CA that signs leaves. Its key can sign but never be exported. */
export interface LocalIntermediate {
  cert: X509Certificate;
  certPem: string;
  notBefore: Date;
  notAfter: Date;
  signingKey: Key;
}

/** A loaded local CA. Holds no private key material in readable form. */
export interface LocalCa {
  paths: CaPaths;
  rootPem: string;
  /** Upper-case colon hex, as `openssl x509 -noout -fingerprint -sha256` prints it. */
  rootFingerprintSha256: string;
  rootNotBefore: Date;
  rootNotAfter: Date;
  intermediate: LocalIntermediate;
  /** This call created the CA (so it is not trusted anywhere yet). */
  created: boolean;
  /** This call issued a new intermediate (expiring, missing or damaged). */
  intermediateRenewed: boolean;
}

/** Options of {@link ensureCa}. */
export interface EnsureCaOptions {
  /** The CA directory; default `<config dir>/ca` (see `rehearsalConfigDir`). */
  dir?: string;
  now?: Date;
}

function damaged(dir: string, why: string, cause?: unknown): UserError {
  return new UserError(`the local CA in ${dir} is damaged: ${why}`, {
    hint: `run \`rehearsal trust --uninstall\`, then delete ${dir}; the next run creates a new CA`,
    cause,
  });
}

function parseCert(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

/**
 * Loads the user's local CA, creating it on first use (root + intermediate, written atomically)
 * and replacing the intermediate when it has under 30 days left or does not match its key or
 * the root. A damaged or expired root is a {@link UserError}; it is never silently replaced,
 * because browsers and system stores may trust it.
 */
export async function ensureCa(options: EnsureCaOptions = {}): Promise<LocalCa> {
  const paths = caPaths(options.dir ?? defaultCaDir());
  const now = options.now ?? new Date();
  let created = false;
  let files = (await caDirExists(paths.dir)) ? await readCaFiles(paths) : {};
  if (Object.keys(files).length === 0) {
    const root = await createRoot(now);
    const intermediate = await createIntermediate(root.cert, root.key.keys.privateKey, now);
    const full: CaFiles = {
      root: certificatePem(root.cert),
      rootKey: root.key.privateKeyPem,
      intermediate: certificatePem(intermediate.cert),
      intermediateKey: intermediate.key.privateKeyPem,
    };
    created = await createCaDir(paths.dir, full);
    files = created ? full : await readCaFiles(paths);
  }
  const root = loadRoot(paths.dir, files, now);
  let intermediate = await loadIntermediate(files, root, now);
  const renew = intermediate === undefined;
  if (intermediate === undefined) {
    const rootKey = await importPrivateKey(files.rootKey ?? '');
    const issued = await createIntermediate(root, rootKey, now);
    await replaceIntermediate(paths, certificatePem(issued.cert), issued.key.privateKeyPem);
    intermediate = toIntermediate(issued.cert, issued.key.keys.privateKey);
  }
  return {
    paths,
    rootPem: certificatePem(root),
    rootFingerprintSha256: fingerprint(certificatePem(root)),
    rootNotBefore: root.notBefore,
    rootNotAfter: root.notAfter,
    intermediate,
    created,
    intermediateRenewed: renew && !created,
  };
}

function loadRoot(dir: string, files: Partial<CaFiles>, now: Date): X509Certificate {
  if (files.root === undefined) throw damaged(dir, 'root.pem is missing');
  if (files.rootKey === undefined) throw damaged(dir, 'root-key.pem is missing');
  let root: X509Certificate;
  let rootKeySpki: Buffer;
  try {
    root = parseCert(files.root);
  } catch (e) {
    throw damaged(dir, 'root.pem is not a certificate', e);
  }
  try {
    rootKeySpki = publicKeyOf(files.rootKey);
  } catch (e) {
    throw damaged(dir, 'root-key.pem is not a private key', e);
  }
  if (!rootKeySpki.equals(Buffer.from(root.publicKey.rawData))) {
    throw damaged(dir, 'root-key.pem does not belong to root.pem');
  }
  if (root.notAfter <= now) {
    throw new UserError(`the local root CA in ${dir} expired on ${root.notAfter.toISOString()}`, {
      hint: `run \`rehearsal trust --uninstall\`, then delete ${dir}; the next run creates a new CA`,
    });
  }
  return root;
}

/** The stored intermediate if it is usable for a while yet, else undefined (issue a new one). */
async function loadIntermediate(
  files: Partial<CaFiles>,
  root: X509Certificate,
  now: Date,
): Promise<LocalIntermediate | undefined> {
  if (files.intermediate === undefined || files.intermediateKey === undefined) return undefined;
  let cert: X509Certificate;
  let spki: Buffer;
  try {
    cert = parseCert(files.intermediate);
    spki = publicKeyOf(files.intermediateKey);
  } catch {
    // Unreadable intermediate files are replaced; the root alone can issue a new pair.
    return undefined;
  }
  if (!spki.equals(Buffer.from(cert.publicKey.rawData))) return undefined;
  if (!(await cert.verify({ publicKey: root.publicKey, signatureOnly: true }))) return undefined;
  const expiring = cert.notAfter.getTime() - now.getTime() < INTERMEDIATE_RENEW_MS;
  // Near the root's own end a new intermediate would not last longer: keep the current one.
  if (cert.notBefore > now || (expiring && cert.notAfter < root.notAfter)) return undefined;
  if (cert.notAfter <= now) return undefined;
  return toIntermediate(cert, await importPrivateKey(files.intermediateKey));
}

function toIntermediate(cert: X509Certificate, signingKey: Key): LocalIntermediate {
  return {
    cert,
    certPem: certificatePem(cert),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    signingKey,
  };
}

/**
 * Only the root certificate and its path, without checking the keys: what `rehearsal trust
 * --uninstall` needs when {@link ensureCa} reports a damaged CA.
 */
export async function readRoot(
  options: { dir?: string } = {},
): Promise<Pick<LocalCa, 'paths' | 'rootPem'>> {
  const paths = caPaths(options.dir ?? defaultCaDir());
  if (!(await caDirExists(paths.dir))) {
    throw new UserError(`there is no local CA in ${paths.dir}`, {
      hint: 'Rehearsal creates it on the first `rehearsal trust` or `rehearsal up`',
    });
  }
  const files = await readCaFiles(paths);
  if (files.root === undefined) throw damaged(paths.dir, 'root.pem is missing');
  try {
    return { paths, rootPem: certificatePem(parseCert(files.root)) };
  } catch (e) {
    throw damaged(paths.dir, 'root.pem is not a certificate', e);
  }
}
