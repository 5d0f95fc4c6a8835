/**
 * Cron schedules as marketplace.json writes them: the five-field form the schema asks for, and the
 * phrase form "At HH:MM" found in a real declaration, normalised to five fields. Validated here
 * rather than with a library: five ranges are a few lines, and no dependency has to agree with
 * our reading of the phrase form.
 */

export type CronResult =
  { ok: true; expression: string; normalisedFrom?: string } | { ok: false; reason: string };

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  // 7 is Sunday too, as in Vixie cron.
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Checks a cron schedule; phrase and `@macro` forms come back normalised with `normalisedFrom`. */
export function parseCron(input: string): CronResult {
  const text = input.trim();
  const phrase = /^at\s+(\d{1,2}):(\d{2})$/i.exec(text);
  if (phrase) {
    const hour = Number(phrase[1]);
    const minute = Number(phrase[2]);
    if (hour > 23 || minute > 59) return { ok: false, reason: `"${text}" is not a time of day` };
    return { ok: true, expression: `${minute} ${hour} * * *`, normalisedFrom: input };
  }
  const macro = MACROS[text.toLowerCase()];
  if (macro) return { ok: true, expression: macro, normalisedFrom: input };

  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    return {
      ok: false,
      reason: `expected 5 fields (minute hour day-of-month month day-of-week), found ${text === '' ? 0 : parts.length}`,
    };
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i];
    if (!field) continue;
    const reason = checkField(part, field);
    if (reason) return { ok: false, reason: `${field.name} field "${part}": ${reason}` };
  }
  return { ok: true, expression: parts.join(' ') };
}

function checkField(part: string, field: (typeof FIELDS)[number]): string | undefined {
  for (const item of part.split(',')) {
    const m = /^(\*|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) return `"${item}" is not a value, range, list or step`;
    const [, , from, to, step] = m;
    if (step !== undefined && Number(step) < 1) return 'a step must be at least 1';
    for (const v of [from, to]) {
      if (v === undefined) continue;
      const n = value(v, field);
      if (n === undefined) return `"${v}" is not a number`;
      if (n < field.min || n > field.max) return `${n} is outside ${field.min}-${field.max}`;
    }
    if (
      from !== undefined &&
      to !== undefined &&
      (value(from, field) ?? 0) > (value(to, field) ?? 0)
    )
      return `range ${from}-${to} runs backwards`;
  }
  return undefined;
}

function value(token: string, field: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  if (!('names' in field)) return undefined;
  const i = (field.names as readonly string[]).indexOf(token.toUpperCase());
  if (i === -1) return undefined;
  return field.name === 'month' ? i + 1 : i;
}
