import { connect } from 'node:tls';

export interface TlsProbe {
  /** The port completed a TLS handshake. */
  handshake: boolean;
  /** `TLS handshake completed: TLSv1.3, certificate CN=…, issued by CN=…` or why none came. */
  detail: string;
}

/**
 * Tries a TLS handshake on a port (certificate not verified: any certificate counts), with a
 * hard, ref'd deadline. A port that speaks only plain HTTP answers the ClientHello with an HTTP
 * 400 or closes: no handshake.
 */
export function tlsProbe(host: string, port: number, timeoutMs: number): Promise<TlsProbe> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: TlsProbe) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = connect(
      { host, port, rejectUnauthorized: false, servername: 'localhost' },
      () => {
        const cert = socket.getPeerCertificate();
        const name = (n: unknown) =>
          Object.entries((n ?? {}) as Record<string, string>)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ') || 'none';
        finish({
          handshake: true,
          detail: `TLS handshake completed (${socket.getProtocol() ?? 'TLS'}): certificate ${name(cert.subject)}, issued by ${name(cert.issuer)}`,
        });
      },
    );
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish({ handshake: false, detail: `no TLS handshake (${err.code ?? err.message})` }),
    );
    socket.on('close', () => finish({ handshake: false, detail: 'no TLS handshake (closed)' }));
    const timer = setTimeout(
      () => finish({ handshake: false, detail: `no TLS handshake within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
}
