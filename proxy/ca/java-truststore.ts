/**
 * A PKCS#12 truststore for Java (9+, where PKCS12 is the default keystore type): the local root
 * as a trusted certificate entry, store password `changeit`.
 *
 * Java reads a certificate bag as a `trustedCertEntry` only when it carries Oracle's "trusted key
 * usage" attribute (OID 2.16.840.1.113894.746875.1.1); without it the certificate is ignored.
 * The value anyExtendedKeyUsage (2.5.29.37.0) is what `keytool -importcert` writes: trusted for
 * every purpose Java checks.
 */
import { ObjectIdentifier } from 'asn1js';
import { ContentInfo, id_data } from '@peculiar/asn1-cms';
import {
  AuthenticatedSafe,
  CertBag,
  PFX,
  PKCS12Attribute,
  SafeBag,
  SafeContents,
  id_certBag,
  id_x509Certificate,
} from '@peculiar/asn1-pfx';
import { FriendlyName, id_pkcs9_at_friendlyName } from '@peculiar/asn1-pkcs9';
import { AsnConvert } from '@peculiar/asn1-schema';
import { octetStringDer, pkcs12MacData } from './pkcs12-mac.js';
import { PemConverter } from './x509.js';

/** Oracle's "trusted key usage" bag attribute that marks a trusted certificate entry. */
export const ORACLE_TRUSTED_KEY_USAGE = '2.16.840.1.113894.746875.1.1';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/** The store password Java's tooling assumes (`-Djavax.net.ssl.trustStorePassword=changeit`). */
export const JAVA_TRUSTSTORE_PASSWORD = 'changeit';
/** The entry's alias as `keytool -list` shows it. */
export const JAVA_TRUSTSTORE_ALIAS = 'rehearsal-local-root';

/**
 * A bag attribute with one value. Fields are assigned after construction because the
 * `PKCS12Attribute` constructor of @peculiar/asn1-pfx 2.11 drops its argument
 * (`Object.assign(params)` instead of `Object.assign(this, params)`).
 */
function attribute(attrId: string, value: ArrayBuffer): PKCS12Attribute {
  return Object.assign(new PKCS12Attribute(), { attrId, attrValues: [value] });
}

/**
 * A PKCS#12 truststore holding `rootPem` as a trusted certificate entry, for
 * `-Djavax.net.ssl.trustStore=<file> -Djavax.net.ssl.trustStoreType=PKCS12
 * -Djavax.net.ssl.trustStorePassword=changeit`. Contains no private key.
 */
export function javaTruststore(
  rootPem: string,
  password = JAVA_TRUSTSTORE_PASSWORD,
  publicRoots: string[] = [],
): Buffer {
  // The sandbox's root plus, when given, the public roots: `-Djavax.net.ssl.trustStore` replaces
  // Java's own store, so a truststore without them would break every call to a real site.
  const entries = [
    { pem: rootPem, alias: JAVA_TRUSTSTORE_ALIAS },
    ...publicRoots.map((pem, i) => ({ pem, alias: `public-root-${i + 1}` })),
  ];
  const safeBags = entries.map(
    ({ pem, alias }) =>
      new SafeBag({
        bagId: id_certBag,
        bagValue: AsnConvert.serialize(
          new CertBag({
            certId: id_x509Certificate,
            certValue: octetStringDer(PemConverter.decodeFirst(pem)),
          }),
        ),
        bagAttributes: [
          attribute(id_pkcs9_at_friendlyName, AsnConvert.serialize(new FriendlyName(alias))),
          attribute(
            ORACLE_TRUSTED_KEY_USAGE,
            new ObjectIdentifier({ value: ANY_EXTENDED_KEY_USAGE }).toBER(),
          ),
        ],
      }),
  );
  // Certificates are public: the bag goes in a plain `data` ContentInfo, not an encrypted one.
  const safeContents = AsnConvert.serialize(new SafeContents(safeBags));
  const authSafe = AsnConvert.serialize(
    new AuthenticatedSafe([
      new ContentInfo({ contentType: id_data, content: octetStringDer(safeContents) }),
    ]),
  );
  const pfx = new PFX({
    version: 3,
    authSafe: new ContentInfo({ contentType: id_data, content: octetStringDer(authSafe) }),
    macData: pkcs12MacData(Buffer.from(authSafe), password),
  });
  return Buffer.from(AsnConvert.serialize(pfx));
}
