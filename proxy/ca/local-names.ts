/**
 * The names the local CA may certify, and the Name Constraints extension that makes the
 * intermediate unable to certify anything else (../shared/DESIGN.md, "Safe by default").
 *
 * dNSName constraints: RFC 5280 says a constraint `localhost` permits `localhost` and every
 * subdomain (`a.localhost`), and OpenSSL (`nc_dns`) and Java implement exactly that. Some other
 * verifiers read a leading dot as "subdomains only", so `.localhost` is listed as well; permitted
 * subtrees of one type are alternatives, so the second entry can only widen a match, never narrow
 * it, and never beyond `*.localhost`.
 */
import { isIP } from 'node:net';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  NameConstraints,
  id_ce_nameConstraints,
} from '@peculiar/asn1-x509';
import { Extension } from './x509.js';

/** Permitted dNSName subtrees. */
export const PERMITTED_DNS = ['localhost', '.localhost'] as const;

/** Permitted iPAddress subtrees (loopback only). */
export const PERMITTED_IP = ['127.0.0.0/8', '::1/128'] as const;

/** The critical Name Constraints extension of the intermediate CA. */
export function nameConstraintsExtension(): Extension {
  const subtrees = [
    ...PERMITTED_DNS.map((dNSName) => new GeneralName({ dNSName })),
    ...PERMITTED_IP.map((iPAddress) => new GeneralName({ iPAddress })),
  ].map((base) => new GeneralSubtree({ base }));
  const value = AsnConvert.serialize(
    new NameConstraints({ permittedSubtrees: new GeneralSubtrees(subtrees) }),
  );
  return new Extension(id_ce_nameConstraints, true, value);
}

/** True for `localhost` and any name under `.localhost` made of valid DNS labels (or `*`). */
export function isLocalDnsName(name: string): boolean {
  const labels = name.toLowerCase().split('.');
  if (labels.at(-1) !== 'localhost') return false;
  return labels.every(
    (label, i) =>
      (label === '*' && i === 0 && labels.length > 2) ||
      /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label),
  );
}

/** True for an IPv4 address in 127.0.0.0/8 or the IPv6 loopback `::1`. */
export function isLoopbackIp(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return address.split('.')[0] === '127';
  // The URL parser normalises every spelling of an IPv6 address (`0:0::1`) to its short form.
  if (version === 6) return new URL(`http://[${address}]/`).hostname === '[::1]';
  return false;
}
