import { describe, expect, it } from 'vitest';
import { imageFacts } from '../../../sandbox/init/image-facts.js';
import { BARE_DETAILS, REFERENCE_DETAILS } from './fixtures.js';

describe('imageFacts', () => {
  it('reads the reference image: port, health path from its HEALTHCHECK, own variables only', () => {
    const f = imageFacts('rehearsal/reference-service:0.1.0', REFERENCE_DETAILS);
    expect(f).toMatchObject({
      ports: [8080],
      env: [{ key: 'NODE_ENV', value: 'production' }],
      healthPath: '/health',
      user: 'node',
      runsAsRoot: false,
      platform: 'linux/amd64',
      title: 'Rehearsal Reference Patient Service',
      notes: [],
    });
    expect(f.healthcheck).toMatch(/^node -e fetch/);
  });

  it('says what a bare image lacks and drops base-image variables', () => {
    const f = imageFacts('vendor/app', BARE_DETAILS);
    expect(f.env.map((e) => e.key)).toEqual(['PGHOST', 'API_TOKEN', 'LOG_LEVEL']);
    expect(f.runsAsRoot).toBe(true);
    expect(f.user).toBe('root');
    expect(f.healthcheck).toBeUndefined();
    expect(f.notes.join('\n')).toMatch(
      /exposes no port[\s\S]*no HEALTHCHECK[\s\S]*root[\s\S]*arm64/,
    );
  });

  it('reads the path a health-check script is given, and never a file path as one', () => {
    const script = (...args: string[]) =>
      imageFacts('x/y', { ...REFERENCE_DETAILS, healthcheck: ['CMD', 'sh', ...args] });
    expect(script('/app/healthcheck.sh', '/health').healthPath).toBe('/health');
    expect(script('/app/healthcheck.sh').healthPath).toBeUndefined();
    expect(script('/opt/readyz.py', 'http://127.0.0.1:8080/readyz').healthPath).toBe('/readyz');
  });

  it('treats a disabled health check as none', () => {
    const f = imageFacts('x/y', { ...REFERENCE_DETAILS, healthcheck: ['NONE'] });
    expect(f.healthcheck).toBeUndefined();
    expect(f.healthPath).toBeUndefined();
  });
});
