import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's headless Chromium (never a downloaded one) in a throwaway HOME whose NSS database
 * trusts the sandbox's root, with every `*.rehearsal.localhost` name mapped to 127.0.0.1.
 * Playwright gives the launch a fresh profile; `close()` removes the HOME as well.
 */
export async function trustingChromium(
  stateDir: string,
): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'rh-chromium-'));
  try {
    const nssdb = join(home, '.pki/nssdb');
    mkdirSync(nssdb, { recursive: true });
    await execa('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
    const root = join(stateDir, 'ca/root.pem');
    await execa('certutil', [
      '-A',
      '-d',
      `sql:${nssdb}`,
      '-t',
      'C,,',
      '-n',
      'Rehearsal test root',
      '-i',
      root,
    ]);
    const browser = await chromium.launch({
      executablePath: (await execa('which', ['chromium'])).stdout.trim(),
      env: { ...process.env, HOME: home },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--host-resolver-rules=MAP *.rehearsal.localhost 127.0.0.1',
      ],
    });
    return {
      browser,
      close: async () => {
        await browser.close();
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
}
