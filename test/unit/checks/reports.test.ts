import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseJunit } from 'junit2json';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { scanImageLayers } from '../../../sandbox/checks/facts/layers.js';
import { toHtml } from '../../../sandbox/checks/report/html.js';
import { toJunit } from '../../../sandbox/checks/report/junit.js';
import { toMarkdown } from '../../../sandbox/checks/report/markdown.js';
import { REPORT_SCHEMA } from '../../../sandbox/checks/report/schema.js';
import { REPORT_FILES, writeReports } from '../../../sandbox/checks/report/write.js';
import { summarise } from '../../../sandbox/checks/run.js';
import type { CheckResult, Report } from '../../../sandbox/checks/types.js';
import { REQUIREMENTS } from '../../../sandbox/checks/catalogue.js';

function report(): Report {
  const results: CheckResult[] = REQUIREMENTS.map((r, i) => ({
    ...r,
    verdict: i === 0 ? 'fail' : i === 1 ? 'warn' : i === 2 ? 'not-checked' : 'pass',
    did: 'Looked <carefully> & "twice".',
    evidence: ['line with <tags> & ampersands', 'control \u0001 character'],
    ...(i < 3 ? { why: `reason ${i} <b>` } : {}),
    ms: 12,
  }));
  return {
    schema: 'rehearsal-check/1',
    tool: { name: 'rehearsal', version: '0.1.0' },
    product: 'Acme <Patient> API',
    declaration: { file: '/tmp/marketplace.json', sha256: 'a'.repeat(64) },
    profile: 'hspc-2016',
    sandbox: 'acme-check',
    startedAt: '2026-11-26T08:00:00.000Z',
    finishedAt: '2026-11-26T08:01:30.000Z',
    durationMs: 90_000,
    results,
    summary: summarise(results),
    timeline: [
      { at: Date.parse('2026-11-26T08:00:10Z'), kind: 'action', text: 'starting <sandbox>' },
      { at: Date.parse('2026-11-26T08:00:20Z'), kind: 'traffic', ok: 40, failed: 1, p99Ms: 35 },
      { at: Date.parse('2026-11-26T08:00:21Z'), kind: 'traffic', ok: 42, failed: 0, p99Ms: 20 },
      {
        at: Date.parse('2026-11-26T08:00:20Z'),
        kind: 'memory',
        container: 'acme-1',
        bytes: 50e6,
        limitBytes: 268e6,
      },
    ],
  };
}

describe('reports', () => {
  it('JSON validates against its schema; a verdict other than pass without a reason does not', () => {
    const ajv = new Ajv2020({ allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(REPORT_SCHEMA);
    expect(validate(report()), JSON.stringify(validate.errors)).toBe(true);
    const bad = report();
    delete bad.results[0]!.why;
    expect(validate(bad)).toBe(false);
  });

  it('JUnit XML parses with a JUnit library: a failed MUST is a failure, not checked is skipped', async () => {
    const r = report();
    const parsed = (await parseJunit(toJunit(r))) as {
      tests: number;
      failures: number;
      testsuite: {
        testcase: { name: string; failure?: { message: string }[]; skipped?: unknown[] }[];
      }[];
    };
    expect(parsed).toMatchObject({ tests: r.results.length, failures: 1 });
    const cases = parsed.testsuite[0]!.testcase;
    expect(cases[0]!.failure?.[0]?.message).toBe('reason 0 <b>');
    expect(cases[2]!.skipped).toBeDefined();
    expect(cases.filter((c) => c.failure)).toHaveLength(1);
  });

  it('Markdown has the verdict table and how to fix each failure and warning', () => {
    const md = toMarkdown(report());
    expect(md).toMatch(/^# Rehearsal check: Acme <Patient> API/);
    expect(md).toContain('| Containerized | MUST | FAIL | reason 0 <b> |');
    expect(md).toContain('### Containerized (MUST): FAIL');
    expect(md).toContain('**How to fix.**');
  });

  it('HTML escapes everything it shows and draws both charts', () => {
    const html = toHtml(report());
    expect(html).not.toContain('<carefully>');
    expect(html).toContain('&lt;carefully&gt;');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/<script/i);
  });

  it('writes every file whole, leaving no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearsal-report-'));
    try {
      await writeReports(report(), dir);
      expect(readdirSync(dir).sort()).toEqual(Object.values(REPORT_FILES).sort());
      expect(JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')).schema).toBe(
        'rehearsal-check/1',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A `docker save` archive: <id>/layer.tar entries holding the layers' files. */
async function saveArchive(layers: Record<string, Record<string, Buffer>>): Promise<Buffer> {
  const tarOf = async (files: Record<string, Buffer>) => {
    const p = pack();
    for (const [name, content] of Object.entries(files)) p.entry({ name }, content);
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const outer: Record<string, Buffer> = { 'manifest.json': Buffer.from('[]') };
  for (const [id, files] of Object.entries(layers)) outer[`${id}/layer.tar`] = await tarOf(files);
  return tarOf(outer);
}

describe('layer scan', () => {
  it('finds the largest files of every layer and tells software from data by their first bytes', async () => {
    const big = (head: string, n: number) => Buffer.concat([Buffer.from(head), Buffer.alloc(n)]);
    const archive = await saveArchive({
      aaaaaaaaaaaaaaaa: {
        'usr/bin/node': big('\x7fELF', 3 * 1024 * 1024),
        'etc/small': Buffer.from('x'),
      },
      bbbbbbbbbbbbbbbb: {
        'app/patients.ndjson': big('{"a":1}', 5 * 1024 * 1024),
        'app/run.sh': big('#!/bin/sh', 2 * 1024 * 1024),
      },
    });
    const scan = await scanImageLayers(Readable.from([archive]));
    expect(scan.layers).toBe(2);
    expect(scan.largest.map((f) => [f.path, f.software, f.layer])).toEqual([
      ['/app/patients.ndjson', false, 'bbbbbbbbbbbb'],
      ['/usr/bin/node', true, 'aaaaaaaaaaaa'],
      ['/app/run.sh', true, 'bbbbbbbbbbbb'],
    ]);
  });
});
