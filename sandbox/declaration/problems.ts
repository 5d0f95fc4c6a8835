import type { Problem, SourceLocation } from '../errors.js';

/** A parsed input file that can say where a JSON pointer lands in its text. */
export interface Source {
  /** Absolute path of the file. */
  file: string;
  /**
   * Location of the value at `pointer`. A pointer that does not resolve (a missing field) keeps
   * the requested pointer but takes the line of its deepest existing ancestor, so the message
   * can say what to add and the position shows where.
   */
  at(pointer: string): SourceLocation;
  /** Location of the key that names the member at `pointer` (or `at` for array items). */
  keyAt(pointer: string): SourceLocation;
}

/** Collects every problem of a load; `load.ts` decides whether they end as a ValidationError. */
export class Problems {
  readonly list: Problem[] = [];

  /** Records an error. A hint is mandatory: every problem must say how to fix it. */
  error(location: SourceLocation, message: string, hint: string): void {
    this.list.push({ severity: 'error', message, hint, location });
  }

  /** Records a warning: the load still succeeds. */
  warn(location: SourceLocation, message: string, hint: string): void {
    this.list.push({ severity: 'warning', message, hint, location });
  }

  get errorCount(): number {
    return this.list.filter((p) => p.severity === 'error').length;
  }

  /** Whether an error was recorded in `file` at `pointer` or at one of its ancestors. */
  hasErrorAt(file: string, pointer: string): boolean {
    return this.list.some(
      (p) =>
        p.severity === 'error' &&
        p.location.file === file &&
        (pointer === p.location.pointer || pointer.startsWith(`${p.location.pointer}/`)),
    );
  }

  /** Problems in reading order: by file (in `fileOrder`), then line and column. */
  sorted(fileOrder: string[]): Problem[] {
    const rank = (f: string): number => {
      const i = fileOrder.indexOf(f);
      return i === -1 ? fileOrder.length : i;
    };
    return [...this.list].sort(
      (a, b) =>
        rank(a.location.file) - rank(b.location.file) ||
        a.location.line - b.location.line ||
        a.location.column - b.location.column,
    );
  }
}

/** A location at the start of a file, for problems about the file as a whole. */
export function fileStart(file: string): SourceLocation {
  return { file, line: 1, column: 1, pointer: '' };
}
