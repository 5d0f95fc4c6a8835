/** The local CA: what the TLS edge and `rehearsal trust` use. */
export { caBundle } from './ca-bundle.js';
export { caPaths, type CaPaths } from './ca-files.js';
export { defaultCaDir, rehearsalConfigDir, type ConfigDirHost } from './config-dir.js';
export {
  ensureCa,
  readRoot,
  INTERMEDIATE_RENEW_MS,
  type EnsureCaOptions,
  type LocalCa,
  type LocalIntermediate,
} from './ensure-ca.js';
export { fingerprint } from './fingerprint.js';
export {
  javaTruststore,
  JAVA_TRUSTSTORE_ALIAS,
  JAVA_TRUSTSTORE_PASSWORD,
} from './java-truststore.js';
export { issueLeaf, needsRenewal, type Leaf, type LeafRequest } from './leaf.js';
export { isLocalDnsName, isLoopbackIp, PERMITTED_DNS, PERMITTED_IP } from './local-names.js';
