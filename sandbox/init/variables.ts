import type { BindingSource, DatabaseKind } from '../declaration/types.js';
import { conventionalBinding } from '../plan/bindings.js';
import type { ImageFacts } from './image-facts.js';
import type { InitAnswers } from './questions.js';

/** One `environment[]` entry of the proposed task, in marketplace.json's terms. */
export interface ProposedVariable {
  key: string;
  description: string;
  required: boolean;
  default?: string;
}

export interface VariableProposal {
  variables: ProposedVariable[];
  /** For rehearsal.yaml's `bind:`: variables the sandbox fills from its database. */
  bind: Record<string, BindingSource>;
}

const DATABASE_TITLE: Record<Exclude<DatabaseKind, 'none'>, string> = {
  postgres: 'PostgreSQL',
  mariadb: 'MariaDB',
  redis: 'Redis',
};

/**
 * The task's variables: each of the image's own (with its value as the default, or required
 * when the image leaves it empty), a connection URL when a database is chosen and the image names
 * none, then the `--var` extras. Database-like names are bound explicitly in rehearsal.yaml, so
 * the vendor sees where their values come from rather than relying on a naming convention.
 */
export function proposeVariables(
  facts: ImageFacts,
  answers: Pick<InitAnswers, 'database' | 'extraVariables'>,
): VariableProposal {
  const byKey = new Map<string, ProposedVariable>();
  for (const { key, value } of facts.env) {
    byKey.set(
      key,
      value === ''
        ? { key, description: 'Declared by the image without a value', required: true }
        : {
            key,
            description: `From the image's ENV (${key}=${value})`,
            required: false,
            default: value,
          },
    );
  }
  const bind: Record<string, BindingSource> = {};
  if (answers.database !== 'none') {
    for (const key of byKey.keys()) {
      const source = conventionalBinding(key);
      if (source) bind[key] = source;
    }
    const connected = Object.values(bind).some(
      (s) => s === 'database.url' || s === 'database.host',
    );
    if (!connected) {
      const key = answers.database === 'redis' ? 'REDIS_URL' : 'DATABASE_URL';
      byKey.set(key, {
        key,
        description: `${DATABASE_TITLE[answers.database]} connection URL`,
        required: true,
      });
      bind[key] = 'database.url';
    }
  }
  for (const extra of answers.extraVariables) {
    byKey.set(
      extra.key,
      extra.default === undefined
        ? { key: extra.key, description: 'Declared with rehearsal init --var', required: true }
        : {
            key: extra.key,
            description: 'Declared with rehearsal init --var',
            required: false,
            default: extra.default,
          },
    );
  }
  return { variables: [...byKey.values()], bind };
}
