import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeExportDir, writeExportFile } from '../../../sandbox/export/files.js';
import { UserError } from '../../../sandbox/errors.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rehearsal-export-files-'));
  dirs.push(dir);
  return dir;
}
const files = [
  { path: 'a.yaml', text: 'a: 1\n', mode: 0o644 },
  { path: 'secret.yaml', text: 'b: 2\n', mode: 0o600 },
];

describe('writing an export', () => {
  it('creates the folder with every file and its mode, and nothing else beside it', async () => {
    const root = await scratch();
    await writeExportDir(join(root, 'out'), files);
    expect((await readdir(join(root, 'out'))).sort()).toEqual(['a.yaml', 'secret.yaml']);
    expect((await stat(join(root, 'out', 'secret.yaml'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'out'))).mode & 0o777).toBe(0o755);
    expect(await readdir(root)).toEqual(['out']);
  });

  it('refuses a folder with files in it unless forced, then replaces it whole', async () => {
    const root = await scratch();
    const out = join(root, 'out');
    await writeExportDir(out, [{ path: 'old.yaml', text: 'x', mode: 0o644 }]);
    const refused = await writeExportDir(out, files).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).hint).toMatch(/--force/);
    expect(await readdir(out)).toEqual(['old.yaml']);
    await writeExportDir(out, files, { force: true });
    expect((await readdir(out)).sort()).toEqual(['a.yaml', 'secret.yaml']);
    expect(await readdir(root)).toEqual(['out']);
  });

  it('says so when --output names a file', async () => {
    const root = await scratch();
    await writeFile(join(root, 'taken'), 'x');
    await expect(writeExportDir(join(root, 'taken'), files)).rejects.toThrow(/is a file/);
  });

  it('writes one file, and replaces an existing one only when forced', async () => {
    const root = await scratch();
    const file = join(root, 'sub', 'compose.yaml');
    await writeExportFile(file, 'one\n');
    await expect(writeExportFile(file, 'two\n')).rejects.toThrow(/already exists/);
    await writeExportFile(file, 'two\n', { force: true });
    expect(await readFile(file, 'utf8')).toBe('two\n');
    expect(await readdir(join(root, 'sub'))).toEqual(['compose.yaml']);
  });
});
