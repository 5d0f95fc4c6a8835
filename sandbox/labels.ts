/**
 * Labels on every container, network and volume Rehearsal creates: compose's own (so that
 * `docker compose ls/ps` and other tools understand the sandbox) plus Rehearsal's (so that only
 * this sandbox's resources are ever touched, ../shared/DESIGN.md "Safe by default").
 */
export const LABEL = {
  sandbox: 'dev.rehearsal.sandbox',
  version: 'dev.rehearsal.version',
  role: 'dev.rehearsal.role',
  taskId: 'dev.rehearsal.task-id',
  declaration: 'dev.rehearsal.declaration',
  composeProject: 'com.docker.compose.project',
  composeService: 'com.docker.compose.service',
  composeNumber: 'com.docker.compose.container-number',
  composeOneoff: 'com.docker.compose.oneoff',
  composeConfigHash: 'com.docker.compose.config-hash',
  composeWorkingDir: 'com.docker.compose.project.working_dir',
  composeConfigFiles: 'com.docker.compose.project.config_files',
  composeNetwork: 'com.docker.compose.network',
  composeVolume: 'com.docker.compose.volume',
  composeVersion: 'com.docker.compose.version',
} as const;

/** The filter that selects everything of one sandbox. */
export function sandboxFilter(sandboxId: string): Record<string, string> {
  return { [LABEL.sandbox]: sandboxId };
}
