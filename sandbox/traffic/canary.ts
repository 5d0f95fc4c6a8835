/**
 * Synthetic PHI ("canaries"): a patient name, MRN, birth date, phone number and e-mail address
 * unique to one run, sent in the vendor's own requests and then searched for in everything the
 * service printed or wrote. None of them is a real person's; each is unlikely to occur by chance.
 */
import { randomBytes } from 'node:crypto';

export interface Canaries {
  patient_name: string;
  mrn: string;
  birth_date: string;
  phone: string;
  email: string;
}

/** The placeholders a journey can use for them, with what each stands for. */
export const CANARY_PLACEHOLDERS: Record<keyof Canaries, string> = {
  patient_name: 'a synthetic patient name (must never be logged)',
  mrn: 'a synthetic medical record number (must never be logged)',
  birth_date: 'a synthetic birth date, YYYY-MM-DD (must never be logged)',
  phone: 'a synthetic phone number (must never be logged)',
  email: 'a synthetic e-mail address (must never be logged)',
};

export const CANARY_NAMES = Object.keys(CANARY_PLACEHOLDERS) as (keyof Canaries)[];

/** A fresh set; `hex` (10 hex digits) makes them reproducible in tests. */
export function makeCanaries(hex = randomBytes(5).toString('hex')): Canaries {
  const n = parseInt(hex.slice(0, 8), 16);
  const digits = String(n).padStart(10, '0');
  const pad = (x: number) => String(x).padStart(2, '0');
  return {
    patient_name: `Canary${hex}`,
    mrn: `MRN${digits.slice(0, 9)}`,
    // Before 1900: no log timestamp, build date or version string looks like it.
    birth_date: `18${pad(10 + (n % 89))}-${pad(1 + (n % 12))}-${pad(1 + (n % 28))}`,
    // 555-01xx is reserved for fiction in the North American plan.
    phone: `+1555010${digits.slice(-4)}`,
    email: `canary.${hex}@patient.invalid`,
  };
}

/** Whether a string uses any canary placeholder. */
export function usesCanaryPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return CANARY_NAMES.some((n) => value.includes(`{${n}}`));
  if (Array.isArray(value)) return value.some(usesCanaryPlaceholder);
  if (value && typeof value === 'object') return Object.values(value).some(usesCanaryPlaceholder);
  return false;
}

/** The forms a canary may take in a log: as sent, URL-encoded, JSON-escaped. */
function forms(value: string): string[] {
  return [...new Set([value, encodeURIComponent(value), value.replace(/\+/g, '%2B')])];
}

/** Which canaries a line contains. */
export function canariesIn(line: string, c: Canaries): (keyof Canaries)[] {
  return CANARY_NAMES.filter((n) => forms(c[n]).some((f) => line.includes(f)));
}

/** The line with every canary masked (its first three characters kept): evidence, not a leak. */
export function maskCanaries(line: string, c: Canaries): string {
  let out = line;
  for (const n of CANARY_NAMES)
    for (const f of forms(c[n])) out = out.split(f).join(`${f.slice(0, 3)}…[${n}]`);
  return out;
}
