import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from '../types.js';
import { toHtml } from './html.js';
import { toJunit } from './junit.js';
import { toMarkdown } from './markdown.js';
import { REPORT_SCHEMA } from './schema.js';

export const REPORT_FILES = {
  json: 'report.json',
  schema: 'report.schema.json',
  junit: 'junit.xml',
  markdown: 'report.md',
  html: 'report.html',
} as const;

/**
 * Writes every report format into `dir`. Each file is written to a temporary name and renamed,
 * so a reader (or an interrupted run) never sees half a report.
 */
export async function writeReports(report: Report, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const contents: [string, string][] = [
    [REPORT_FILES.json, `${JSON.stringify(report, null, 2)}\n`],
    [REPORT_FILES.schema, `${JSON.stringify(REPORT_SCHEMA, null, 2)}\n`],
    [REPORT_FILES.junit, toJunit(report)],
    [REPORT_FILES.markdown, toMarkdown(report)],
    [REPORT_FILES.html, toHtml(report)],
  ];
  const written: string[] = [];
  for (const [name, text] of contents) {
    const path = join(dir, name);
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, text);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    written.push(path);
  }
  return written;
}
