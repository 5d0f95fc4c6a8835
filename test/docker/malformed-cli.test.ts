import { readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { MALFORMED_CASES, type MalformedCase } from '../fixtures/declarations/malformed-cases.js';
import { rehearsal, tempDir, type CliResult } from '../helpers/cli.js';
import { testEngine } from '../helpers/engine.js';

/**
 * The acceptance test, through the built CLI against a real engine: every malformed input
 * gives a one-paragraph error with its location, exit code 2, no stack trace, and creates no Docker
 * resource (nothing labelled dev.rehearsal.sandbox, and no .rehearsal/ folder).
 */

const engine = await testEngine();

/** The sandbox label's key; any value. */
const SANDBOX_LABEL = 'dev.rehearsal.sandbox';
/** CLI runs at once: each is a Node start of ~1 s of CPU, so about one per core (CI has 2). */
const PARALLEL = Math.min(4, Math.max(2, availableParallelism()));

/** Where this file's cases run: a resource that names a declaration elsewhere is not theirs. */
const TEMP_PREFIX = join(tmpdir(), 'rehearsal-malformed-');

interface Resource {
  kind: 'container' | 'network' | 'volume';
  id: string;
  /** The sandbox label's value. */
  sandbox: string;
  /** Containers only: the declaration file the sandbox was started from. */
  declaration: string;
}

async function list(kind: Resource['kind'], args: string[], format: string): Promise<Resource[]> {
  const r = await execa('docker', [
    ...args,
    '--filter',
    `label=${SANDBOX_LABEL}`,
    '--format',
    `${format}\t{{.Label "${SANDBOX_LABEL}"}}\t${kind === 'container' ? '{{.Label "dev.rehearsal.declaration"}}' : ''}`,
  ]);
  return String(r.stdout)
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', sandbox = '', declaration = ''] = line.split('\t');
      return { kind, id, sandbox, declaration };
    });
}

/** Every container (running or not), network and volume carrying the sandbox label, any value. */
async function labelledResources(): Promise<Resource[]> {
  return [
    ...(await list('container', ['ps', '-a', '--no-trunc'], '{{.ID}}')),
    ...(await list('network', ['network', 'ls', '--no-trunc'], '{{.ID}}')),
    ...(await list('volume', ['volume', 'ls'], '{{.Name}}')),
  ];
}

/**
 * What appeared between the two snapshots and may be this file's doing. Other engineers (or other
 * test runs) share a development engine, so a sandbox whose containers name a declaration outside
 * this file's temporary folders is someone else's, with its network and volumes. In CI the Docker
 * tests run one file at a time and nothing is excused.
 */
function createdHere(before: Resource[], after: Resource[]): Resource[] {
  const key = (r: Resource) => `${r.kind}:${r.id}`;
  const old = new Set(before.map(key));
  const foreign = new Set(
    [...before, ...after]
      .filter((r) => r.kind === 'container' && r.declaration !== '')
      .filter((r) => !r.declaration.startsWith(TEMP_PREFIX))
      .map((r) => r.sandbox),
  );
  return after
    .filter((r) => !old.has(key(r)))
    .filter((r) =>
      r.kind === 'container'
        ? r.declaration === '' || r.declaration.startsWith(TEMP_PREFIX)
        : !foreign.has(r.sandbox),
    );
}

/** At most `n` CLI processes at a time; the tests themselves run concurrently. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
const limit = limiter(PARALLEL);

const fileName = (c: MalformedCase) => (c.in === 'json' ? 'marketplace.json' : 'rehearsal.yaml');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Writes the case's files into a fresh folder, runs the CLI there, and lists what is left. */
async function runCase(c: MalformedCase, args: string[]): Promise<CliResult & { left: string[] }> {
  const t = tempDir('rehearsal-malformed-');
  try {
    const written = ['marketplace.json'];
    writeFileSync(join(t.dir, 'marketplace.json'), c.json);
    if (c.yaml !== undefined) {
      writeFileSync(join(t.dir, 'rehearsal.yaml'), c.yaml);
      written.push('rehearsal.yaml');
    }
    const r = await limit(() => rehearsal(args, { cwd: t.dir, timeoutMs: 60_000 }));
    const left = readdirSync(t.dir)
      .filter((f) => !written.includes(f))
      .sort();
    return { ...r, left };
  } finally {
    t.remove();
  }
}

/**
 * The checks every malformed input must pass: exit 2, nothing on stdout, no stack trace, a short
 * stderr whose first problem is one line naming the file, the case's line, and its pointer.
 * Takes the test's own `expect`, as concurrent tests should.
 */
function expectOneParagraphError(
  expect: ExpectStatic,
  c: MalformedCase,
  r: CliResult & { left: string[] },
): void {
  const why = `stderr:\n${r.stderr}`;
  expect(r.exitCode, why).toBe(2);
  expect(r.stdout, 'stdout').toBe('');
  expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at /);
  expect(r.stderr, 'no bug banner').not.toMatch(/failed unexpectedly|Run again with --verbose/);
  expect(r.left, 'nothing written beside the inputs (no .rehearsal/)').toEqual([]);

  // "\nError: the input is not valid (N problem(s)).\n  <problem>\n" — one line per problem.
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines.length, why).toBeGreaterThanOrEqual(2);
  expect(lines.length, `short: the banner and at most 5 problems\n${why}`).toBeLessThanOrEqual(6);
  const [banner = '', first = ''] = lines;
  const count = /^Error: the input is not valid \((\d+) problems?\)\.$/.exec(banner);
  expect(count, `banner\n${why}`).not.toBeNull();
  expect(lines.length - 1, `one line per problem the banner counts\n${why}`).toBe(
    Number(count?.[1]),
  );

  // The first problem: `<abs path>/<file>:<line>:<col> at <pointer>: <message>. Hint: <hint>`.
  const pointer = c.pointer === '' ? '(document root)' : c.pointer;
  expect(first, why).toMatch(
    new RegExp(`^ {2}.*[/\\\\]${escape(fileName(c))}:${c.line}:\\d+ at ${escape(pointer)}: \\S`),
  );
  expect(first, 'a hint').toMatch(/\. Hint: \S/);
  const paragraph = first.slice(first.indexOf(fileName(c)));
  expect(paragraph.length, 'one short paragraph').toBeLessThanOrEqual(400);
}

describe.skipIf(!engine)('malformed inputs through the CLI', () => {
  let before: Resource[];
  beforeAll(async () => {
    before = await labelledResources();
  });

  const VALIDATE = ['trailing comma in an array', 'port 70000', 'unknown task in overlay'];
  const validateCases = MALFORMED_CASES.filter((c) => VALIDATE.includes(c.name));

  it('has at least 30 cases, each named once', () => {
    expect(MALFORMED_CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(MALFORMED_CASES.map((c) => c.name)).size).toBe(MALFORMED_CASES.length);
    expect(validateCases.map((c) => c.name)).toEqual(VALIDATE);
  });

  it.concurrent.for(MALFORMED_CASES)('up --detach: $name', async (c, { expect }) => {
    const r = await runCase(c, ['up', '--detach']);
    expectOneParagraphError(expect, c, r);
  });

  it.concurrent.for(validateCases)('validate: $name', async (c, { expect }) => {
    const r = await runCase(c, ['validate']);
    expectOneParagraphError(expect, c, r);
  });

  // Runs after the concurrent cases above: vitest waits for a concurrent run before a serial test.
  it('created no Docker resource', async () => {
    const after = await labelledResources();
    expect(createdHere(before, after), 'Docker resources labelled dev.rehearsal.sandbox').toEqual(
      [],
    );
  });
});
