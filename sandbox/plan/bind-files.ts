import type { FilePlan, Plan, ServicePlan } from './types.js';

/**
 * Host mode of a state file only its service may read (a TLS key, an admin token, the IdP's
 * configuration with client secrets). `rehearsal up` copies such a file into the container as
 * 0400 owned by the service's user; `docker compose` bind-mounts it instead, and a bind mount
 * keeps the host's owner and mode. The container process (uid 1000) is not the host user, so
 * the file is group-readable (0640) and the service runs with the host user's group added
 * (`group_add`, see {@link composeGroupAdd}). It is still never world-readable, and the folders
 * holding it are 0700, so no other host user reaches it.
 */
export const PRIVATE_FILE_MODE = 0o640;

/** Host mode of a state file any container may read (certificates, the CA bundle). */
export const PUBLIC_FILE_MODE = 0o644;

/** A file only its owner may read inside the container. */
export function isPrivateFile(f: FilePlan): boolean {
  return (f.mode & 0o077) === 0;
}

/** The group that owns the state files Rehearsal writes: this process's (effective) group. */
export function hostFilesGid(): number | undefined {
  return process.getegid?.();
}

/**
 * `group_add` for a service that reads private files through bind mounts: the group that owns
 * them on the host. Omitted where no file is private, or where the platform has no gids.
 */
export function composeGroupAdd(s: ServicePlan, gid: number | undefined): string[] | undefined {
  if (gid === undefined || !(s.files ?? []).some(isPrivateFile)) return undefined;
  return [String(gid)];
}

/** The state files a plan's compose file bind-mounts, relative to its folder. */
export function boundFiles(plan: Plan): string[] {
  return [...new Set(plan.services.flatMap((s) => (s.files ?? []).map((f) => f.source)))];
}
