/**
 * A trust store — the operating system's, or one NSS database of a browser profile — described
 * as data: the commands that add and remove the root, and how to tell whether it is in there.
 */
import type { LocalCa } from '../ca/ensure-ca.js';
import type { Command } from './command.js';
import type { TrustHost } from './host.js';

/** What the trust functions need of the CA: the root certificate and where it is on disk. */
export type TrustSubject = Pick<LocalCa, 'paths' | 'rootPem'>;

/**
 * Whether a store holds the root: `trusted`; `partial` (a trace of Rehearsal is there, e.g. an
 * anchor file not yet compiled into the bundle, or an older Rehearsal root); `absent`; or
 * `unknown` when the tool to look is missing.
 */
export type Presence = 'trusted' | 'partial' | 'absent' | 'unknown';

/** A store and how to act on it. */
export interface TrustStore {
  /** Stable id: `system`, `nss:chromium`, `nss:firefox:<profile dir>`. */
  id: string;
  /** For people: `system (Debian/Ubuntu)`, `Firefox profile 1a2b.default-release`. */
  label: string;
  /** Needs root / an elevated prompt. */
  admin: boolean;
  /** Programs that must be on PATH; when one is missing the store is skipped. */
  tools: string[];
  /** How to get the missing tools, e.g. `sudo apt-get install libnss3-tools`. */
  toolHint?: string;
  install: Command[];
  uninstall: Command[];
  /** Read-only look at the store. */
  presence(host: TrustHost): Promise<Presence>;
  /** Run after an install; exit 0 proves the store now trusts the root. */
  verify?: Command;
}

/** The result of one store in a trust, uninstall or status operation. */
export interface StoreReport<Status extends string> {
  store: string;
  label: string;
  status: Status;
  /** Why it failed or was skipped. */
  reason?: string;
  /**
   * Commands for the user to run where Rehearsal could not act (already prefixed with `sudo`
   * where needed), or what a dry run would run.
   */
  commands?: string[];
  /** The command whose success confirmed the result. */
  verifiedBy?: string;
}

/** The root certificate's name in NSS databases and key chains. */
export const ROOT_NICKNAME = 'Rehearsal Local Root CA';

/** True when a PEM bundle contains the certificate `pem` (line wrapping ignored). */
export function bundleContains(bundle: string, pem: string): boolean {
  const body = (text: string) => text.replace(/-----[A-Z ]+-----|\s+/g, '');
  const wanted = body(pem);
  return wanted !== '' && body(bundle).includes(wanted);
}
