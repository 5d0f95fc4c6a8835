import { DNS_LABEL, slugify } from '../declaration/names.js';
import type { DatabaseKind } from '../declaration/types.js';
import type { ImageFacts } from './image-facts.js';

/** Everything `init` needs to propose the two files. */
export interface InitAnswers {
  image: string;
  /** The product's name (`product.facts.name`); also the task's label. */
  name: string;
  /** The sandbox id (`sandbox.name` in rehearsal.yaml): a DNS label. */
  sandbox: string;
  /** `memory_maximum` of the task, MiB. */
  memory: number;
  instancesMin: number;
  instancesMax: number;
  /** The port that serves HTTP: health probes and traffic go there. */
  port: number;
  healthPath: string;
  database: DatabaseKind;
  /** `--var KEY[=DEFAULT]`: variables to declare besides the image's own. */
  extraVariables: { key: string; default?: string }[];
}

export type QuestionKey = Exclude<keyof InitAnswers, 'image' | 'extraVariables'>;
export type Parsed = { ok: true; answer: Partial<InitAnswers> } | { ok: false; error: string };

/** One question of the wizard; the same list drives the flags of the non-interactive path. */
export interface Question {
  key: QuestionKey;
  /** The flag that answers it, with its value's placeholder: `--memory <MiB>`. */
  flag: string;
  prompt: string;
  choices?: readonly DatabaseKind[];
  /** The proposed answer, from the image and the answers so far; undefined when there is none. */
  proposal(facts: ImageFacts, so: Partial<InitAnswers>): string | undefined;
  parse(text: string, so: Partial<InitAnswers>): Parsed;
}

export const DATABASE_CHOICES = ['postgres', 'mariadb', 'redis', 'none'] as const;
export const DEFAULT_MEMORY_MIB = 512;

const ok = (answer: Partial<InitAnswers>): Parsed => ({ ok: true, answer });
const fail = (error: string): Parsed => ({ ok: false, error });

function whole(text: string, min: number, max: number, what: string): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `${what} must be a whole number, e.g. ${Math.max(min, 1)}`;
  const n = Number(t);
  if (n < min || n > max) return `${what} must be from ${min} to ${max}`;
  return n;
}

/** The last path segment of an image reference, without tag or digest: `reference-service`. */
export function imageBaseName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const last = noDigest.split('/').pop() ?? noDigest;
  return last.replace(/:[^:]*$/, '');
}

function guessDatabase(facts: ImageFacts): DatabaseKind {
  const keys = facts.env.map((e) => e.key).join(' ');
  if (/PG|POSTGRES/.test(keys)) return 'postgres';
  if (/MYSQL|MARIADB/.test(keys)) return 'mariadb';
  if (/REDIS/.test(keys)) return 'redis';
  if (/DATABASE_|DB_/.test(keys)) return 'postgres';
  return 'none';
}

export const QUESTIONS: readonly Question[] = [
  {
    key: 'name',
    flag: '--name <name>',
    prompt: 'Product name',
    proposal: (f) =>
      f.title ??
      imageBaseName(f.image)
        .split(/[-_.]+/)
        .filter(Boolean)
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join(' '),
    parse: (t) => {
      const name = t.trim();
      if (name === '') return fail('the product needs a name');
      return name.length > 100 ? fail('keep the name under 100 characters') : ok({ name });
    },
  },
  {
    key: 'sandbox',
    flag: '--sandbox <id>',
    prompt: 'Sandbox name (a DNS label)',
    proposal: (f) => {
      const slug = slugify(imageBaseName(f.image));
      return DNS_LABEL.test(slug) ? slug : `svc-${slug}`.slice(0, 40).replace(/-+$/, '');
    },
    parse: (t) =>
      DNS_LABEL.test(t.trim())
        ? ok({ sandbox: t.trim() })
        : fail('use lower-case letters, digits and "-", starting with a letter, at most 40'),
  },
  {
    key: 'memory',
    flag: '--memory <MiB>',
    prompt: 'Memory limit of one replica (MiB)',
    proposal: () => String(DEFAULT_MEMORY_MIB),
    parse: (t) => {
      const n = whole(t, 16, 1_048_576, 'the memory limit');
      return typeof n === 'string' ? fail(n) : ok({ memory: n });
    },
  },
  {
    key: 'instancesMin',
    flag: '--instances-min <n>',
    prompt: 'Fewest replicas (instances_minimum)',
    proposal: () => '2',
    parse: (t) => {
      const n = whole(t, 1, 50, 'instances_minimum');
      return typeof n === 'string' ? fail(n) : ok({ instancesMin: n });
    },
  },
  {
    key: 'instancesMax',
    flag: '--instances-max <n>',
    prompt: 'Most replicas (instances_maximum)',
    proposal: (_f, so) => String(Math.max(6, so.instancesMin ?? 1)),
    parse: (t, so) => {
      const n = whole(t, 1, 50, 'instances_maximum');
      if (typeof n === 'string') return fail(n);
      if (so.instancesMin !== undefined && n < so.instancesMin)
        return fail(`instances_maximum must be at least instances_minimum (${so.instancesMin})`);
      return ok({ instancesMax: n });
    },
  },
  {
    key: 'port',
    flag: '--port <port>',
    prompt: 'Port that serves HTTP',
    proposal: (f) => (f.ports[0] !== undefined ? String(f.ports[0]) : undefined),
    parse: (t) => {
      const n = whole(t, 1, 65535, 'the port');
      return typeof n === 'string' ? fail(n) : ok({ port: n });
    },
  },
  {
    key: 'healthPath',
    flag: '--health-path <path>',
    prompt: 'Health path (answers 2xx when the replica is ready)',
    proposal: (f) => f.healthPath ?? '/',
    parse: (t) =>
      /^\/\S*$/.test(t.trim())
        ? ok({ healthPath: t.trim() })
        : fail('start the path with "/" and leave out spaces, e.g. /health'),
  },
  {
    key: 'database',
    flag: '--database <kind>',
    prompt: 'Database next to the service',
    choices: DATABASE_CHOICES,
    proposal: (f) => guessDatabase(f),
    parse: (t) => {
      const kind = t.trim() as DatabaseKind;
      return DATABASE_CHOICES.includes(kind)
        ? ok({ database: kind })
        : fail(`choose one of ${DATABASE_CHOICES.join(', ')}`);
    },
  },
];
