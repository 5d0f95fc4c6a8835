import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { ChaosAction } from './action.js';

/** The first line of a journal: enough to repeat the run's chaos. */
export interface JournalHead {
  type: 'journal.head';
  version: 1;
  seed: number;
  declarationSha256: string;
  sandboxId: string;
  service: string;
  durationMs: number;
  perMinute: number;
  mode: 'random' | 'scenario' | 'replay';
  startedAt: string;
}

/** The last line: how the run ended. A journal without one was cut short. */
export interface JournalEnd {
  type: 'journal.end';
  reason: 'completed' | 'interrupted' | 'failed';
  exitCode: number;
  endedAt: string;
}

/**
 * The run journal, JSONL: the head, then every action, container event, traffic sample and
 * verdict as it happens, then the end. Each line is written at once (synchronously), so a run
 * that is interrupted still leaves every line it had.
 */
export class Journal {
  private fd: number | undefined;

  constructor(
    readonly file: string,
    head: JournalHead,
  ) {
    this.fd = openSync(file, 'w', 0o644);
    this.write(head);
  }

  write<T extends { type: string }>(record: T): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify({ ...record, time: new Date().toISOString() })}\n`);
  }

  close(end: Omit<JournalEnd, 'type' | 'endedAt'>): void {
    if (this.fd === undefined) return;
    const last: JournalEnd = { type: 'journal.end', ...end, endedAt: new Date().toISOString() };
    this.write(last);
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A journal read back: its head, its planned actions in order, whether it ended. */
export interface ReadJournal {
  head: JournalHead;
  actions: ChaosAction[];
  end?: JournalEnd;
  records: ({ type: string } & Record<string, unknown>)[];
}

export function readJournal(file: string): ReadJournal {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UserError(`cannot read the journal ${file}`, {
      hint: 'Name a file written by `rehearsal chaos --journal FILE`.',
      cause,
    });
  }
  const records: ({ type: string } & Record<string, unknown>)[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as { type: string } & Record<string, unknown>);
    } catch (cause) {
      throw new UserError(`${file}:${i + 1}: not a JSON line`, {
        hint: 'A journal is one JSON object per line, as `rehearsal chaos` writes it.',
        cause,
      });
    }
  });
  const head = records[0];
  if (head?.type !== 'journal.head') {
    throw new UserError(
      `${file}:1: the journal does not start with its head (seed and declaration)`,
      {
        hint: 'Name a file written by `rehearsal chaos --journal FILE`.',
      },
    );
  }
  const actions = records
    .filter((r) => r.type === 'chaos.action')
    .map((r) => r.action as ChaosAction);
  const end = records.find((r) => r.type === 'journal.end') as JournalEnd | undefined;
  return { head: head as unknown as JournalHead, actions, ...(end ? { end } : {}), records };
}
