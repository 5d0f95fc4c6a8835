// WebSocket echo at /ws: every text message comes back as `echo <message>`.
// It keeps nothing between messages, so a client whose replica went away
// reconnects to any other and carries on. The upgrade answer names the replica
// (X-Replica), as every HTTP answer does.
import { hostname } from 'node:os';
import { WebSocketServer } from 'ws';

const REPLICA = hostname();
/** Largest message accepted: 64 KiB. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Attaches the echo endpoint to `server`. On shutdown, `close()` ends every
 * open socket with 1001 (going away), so clients reconnect elsewhere at once.
 * `swallowEvery: n` (the NAUGHTY_WS_SWALLOW variant) never answers every n-th
 * message of a socket, on a socket that otherwise stays healthy.
 */
export function attachWebSocket(server, { path = '/ws', log, swallowEvery = 0 }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('headers', (headers) => headers.push(`X-Replica: ${REPLICA}`));
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      socket.end(`HTTP/1.1 404 Not Found\r\nX-Replica: ${REPLICA}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      let received = 0;
      ws.on('message', (data, binary) => {
        received++;
        if (swallowEvery > 0 && received % swallowEvery === 0) return;
        if (binary) ws.send(data, { binary: true });
        else ws.send(`echo ${String(data)}`);
      });
      ws.on('error', (err) => log.debug('websocket error', { message: err.message }));
    });
  });
  return {
    close() {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
    },
  };
}
