/** The functions behind `rehearsal trust`, `rehearsal trust --uninstall` and `--show`. */
export { formatCommand, formatElevated, type Command } from './command.js';
export { systemTrustHost, type RunResult, type TrustHost } from './host.js';
export {
  describeReport,
  installTrust,
  uninstallTrust,
  type InstallStatus,
  type TrustOptions,
  type UninstallStatus,
} from './install.js';
export { showTrust, trustStatus, type TrustShow } from './status.js';
export { ROOT_NICKNAME, type Presence, type StoreReport, type TrustSubject } from './store.js';
