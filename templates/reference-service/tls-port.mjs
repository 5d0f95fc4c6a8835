// NAUGHTY_TLS_PORT: the task port also speaks TLS, with a certificate the service made for
// itself. Plain HTTP keeps working (so every other check holds); the first byte of each
// connection decides: 0x16 opens a TLS handshake, anything else is HTTP. Breaks "Unencrypted":
// TLS belongs to the platform's load balancer, not to the task port.
import https from 'node:https';
import net from 'node:net';
import { Duplex } from 'node:stream';
// @peculiar/x509's dependency injection needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { PemConverter, X509CertificateGenerator } from '@peculiar/x509';

const TLS_HANDSHAKE = 0x16;
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/**
 * A certificate the service makes for itself at start (a day long, its own issuer): the service's
 * own, not Rehearsal's CA, as a vendor's image that terminates TLS itself would have.
 */
async function selfSigned() {
  const keys = await crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=reference-service',
    keys,
    signingAlgorithm: EC,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
  });
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

/**
 * The socket as a plain stream that starts with `first`: TLS reads a socket's handle directly,
 * past bytes already read from it, so the handshake's first bytes must come through JS.
 */
function replaying(socket, first) {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, encoding, done) {
      socket.write(chunk, encoding, done);
    },
    final(done) {
      socket.end(done);
    },
    destroy(err, done) {
      socket.destroy(err ?? undefined);
      done(err);
    },
  });
  stream.push(first);
  socket.on('data', (chunk) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return stream;
}

/**
 * A listener for `server`'s port that hands each connection to `server` (plain HTTP) or to a
 * TLS server answering with the same handler. Close it with the server.
 */
export async function dualModeListener(server, log) {
  const { cert, key } = await selfSigned();
  const tls = https.createServer({ cert, key }, (req, res) => server.emit('request', req, res));
  const listener = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (first) => {
      socket.pause();
      if (first[0] === TLS_HANDSHAKE) {
        tls.emit('connection', replaying(socket, first));
        return;
      }
      socket.unshift(first);
      server.emit('connection', socket);
      socket.resume();
    });
  });
  log.warn('the task port also speaks TLS (NAUGHTY_TLS_PORT)');
  return listener;
}
