import { describe, expect, it } from 'vitest';
import { rehearsal, tempDir } from '../helpers/cli.js';

// No engine anywhere: these must fail before one is needed, with the flag to pass.
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('rehearsal init without a terminal', () => {
  it('asks for --image instead of waiting for input (exit 2)', async () => {
    const t = tempDir();
    try {
      const r = await rehearsal(['init'], { cwd: t.dir, env: NO_ENGINE, timeoutMs: 20_000 });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/no terminal to ask for it/);
      expect(r.stderr).toMatch(/Pass `--image <ref>`/);
    } finally {
      t.remove();
    }
  });

  it('names every missing flag before touching the engine or the image', async () => {
    const t = tempDir();
    try {
      const r = await rehearsal(['init', '--image', 'vendor/app:1', '--memory', '256'], {
        cwd: t.dir,
        env: NO_ENGINE,
        timeoutMs: 20_000,
      });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(
        /missing: --name <name>, --sandbox <id>, --instances-min <n>, --instances-max <n>, --port <port>, --health-path <path>, --database <kind>/,
      );
      expect(r.stderr).not.toMatch(/--memory/);
      expect(r.stderr).toMatch(/or `--yes`/);
      expect(r.stderr).not.toMatch(/engine/);
    } finally {
      t.remove();
    }
  });

  it('with --yes goes to the engine, and says so when there is none', async () => {
    const t = tempDir();
    try {
      const r = await rehearsal(['init', '--yes', '--image', 'vendor/app:1'], {
        cwd: t.dir,
        env: NO_ENGINE,
        timeoutMs: 20_000,
      });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/no container engine answered/);
    } finally {
      t.remove();
    }
  });

  it('refuses a bad --var before anything else', async () => {
    const r = await rehearsal(['init', '--yes', '--image', 'x', '--var', 'lower=1'], {
      env: NO_ENGINE,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/"lower" is not a variable name/);
  });

  it('is listed in the help, with the global --no-tui', async () => {
    const r = await rehearsal(['--help']);
    expect(r.stdout).toMatch(/--no-tui/);
    expect(r.stdout).toMatch(/init \[options\]\s+propose marketplace.json and rehearsal.yaml/);
  });
});
