import { describe, expect, it } from 'vitest';
import {
  ResponseParseError,
  ResponseParser,
  type ResponseHead,
} from '../../../proxy/server/response-parser.js';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  ended: number;
  extra: number;
}

/** Feeds `text` in pieces of `step` bytes (every split point gets exercised). */
function parse(text: string, step = text.length, headRequest = false): Parsed {
  const out: Parsed = { heads: [], body: '', ended: 0, extra: 0 };
  const parser = new ResponseParser();
  parser.begin(
    {
      onHead: (h) => out.heads.push(h),
      onBody: (c) => (out.body += c.toString('latin1')),
      onEnd: () => out.ended++,
    },
    headRequest,
  );
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += step)
    out.extra += parser.push(bytes.subarray(i, i + step));
  return out;
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n' +
  '5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('ResponseParser', () => {
  it('reads a Content-Length response whatever the split, and reports bytes beyond it', () => {
    const text = 'HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-A: 1\r\nX-A: 2\r\n\r\nhelloEXTRA';
    for (const step of [1, 2, 3, 7, text.length]) {
      const r = parse(text, step);
      expect(r.heads).toEqual([
        {
          status: 201,
          reason: 'Created',
          headers: ['Content-Length', '5', 'X-A', '1', 'X-A', '2'],
          keepAlive: true,
        },
      ]);
      expect(r.body).toBe('hello');
      expect(r.ended).toBe(1);
      expect(r.extra).toBe(5);
    }
  });

  it('decodes chunked bodies split anywhere and drops Transfer-Encoding and trailers', () => {
    for (let step = 1; step <= CHUNKED.length; step += 5) {
      const r = parse(CHUNKED, step);
      expect(r.heads[0]?.headers).toEqual(['Content-Type', 'text/plain']);
      expect(r.body).toBe('hello, world');
      expect(r.ended).toBe(1);
    }
  });

  it('has no body for HEAD, 204 and 304, and skips 1xx interim responses', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 4, true)).toMatchObject({
      body: '',
      ended: 1,
    });
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n')).toMatchObject({ body: '', ended: 1 });
    expect(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n')).toMatchObject({
      body: '',
      ended: 1,
    });
    const r = parse(
      'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      3,
    );
    expect(r.heads.map((h) => h.status)).toEqual([200]);
    expect(r.body).toBe('ok');
  });

  it('reads until close without a length, and never reuses such a connection', () => {
    const parser = new ResponseParser();
    let body = '';
    let ended = 0;
    let head: ResponseHead | undefined;
    parser.begin(
      { onHead: (h) => (head = h), onBody: (c) => (body += String(c)), onEnd: () => ended++ },
      false,
    );
    parser.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\nsome'));
    parser.push(Buffer.from(' more'));
    expect(parser.untilClose).toBe(true);
    expect(parser.closeEndsResponse()).toBe(true);
    expect([body, ended, head?.keepAlive]).toEqual(['some more', 1, false]);
  });

  it('honours Connection: close and removes the headers Connection names', () => {
    const r = parse(
      'HTTP/1.1 200 OK\r\nConnection: close, x-hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n',
    );
    expect(r.heads[0]).toEqual({
      status: 200,
      reason: 'OK',
      headers: ['Content-Length', '0'],
      keepAlive: false,
    });
  });

  it('treats Content-Length beside Transfer-Encoding as chunked and not reusable', () => {
    const r = parse(CHUNKED.replace('Content-Type', 'Content-Length: 3\r\nContent-Type'));
    expect(r.body).toBe('hello, world');
    expect(r.heads[0]?.keepAlive).toBe(false);
    expect(r.heads[0]?.headers).toEqual(['Content-Type', 'text/plain']);
  });

  it('rejects what is not HTTP/1.1', () => {
    for (const bad of [
      'SSH-2.0-OpenSSH\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 101 Switching Protocols\r\n\r\n',
    ]) {
      expect(() => parse(bad)).toThrow(ResponseParseError);
    }
    expect(() => parse(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`)).toThrow(/too large/);
  });
});
