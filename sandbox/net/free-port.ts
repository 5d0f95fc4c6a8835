import { createServer } from 'node:net';

/** A port free on 127.0.0.1 right now (the kernel's choice), e.g. for a second TLS edge. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}
