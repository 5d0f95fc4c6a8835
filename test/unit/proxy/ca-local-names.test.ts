import { describe, expect, it } from 'vitest';
import { isLocalDnsName, isLoopbackIp } from '../../../proxy/ca/index.js';

describe('the names issueLeaf accepts', () => {
  it.each(['localhost', 'api.rehearsal.localhost', '*.rehearsal.localhost', 'A.LOCALHOST'])(
    'accepts %s',
    (name) => expect(isLocalDnsName(name)).toBe(true),
  );
  it.each([
    'example.com',
    'evillocalhost',
    'localhost.example.com',
    '*.localhost',
    'a.*.localhost',
    '-a.localhost',
    'a..localhost',
    '',
  ])('rejects %j', (name) => expect(isLocalDnsName(name)).toBe(false));

  it.each(['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1'])('accepts address %s', (ip) =>
    expect(isLoopbackIp(ip)).toBe(true),
  );
  it.each(['10.0.0.1', '::2', '::ffff:127.0.0.1', 'localhost', '128.0.0.1'])(
    'rejects address %s',
    (ip) => expect(isLoopbackIp(ip)).toBe(false),
  );
});
