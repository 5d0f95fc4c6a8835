import { randomUUID } from 'node:crypto';
import { DNS_LABEL, slugify } from '../declaration/names.js';
import type { ImageFacts } from './image-facts.js';
import { imageBaseName, type InitAnswers } from './questions.js';
import { proposeVariables } from './variables.js';

export const MARKETPLACE_FILE = 'marketplace.json';
export const OVERLAY_FILE = 'rehearsal.yaml';

/** The two files `init` writes, as text, keyed by file name. */
export interface Proposal {
  files: Record<typeof MARKETPLACE_FILE | typeof OVERLAY_FILE, string>;
  /** The task's service name in the sandbox. */
  service: string;
}

export interface ProposeOptions {
  uuid?: () => string;
  now?: () => Date;
}

const q = (s: string) => JSON.stringify(s);

/**
 * Proposes a marketplace.json in the current format (`configuration[].task`, every field the
 * official build schema requires) with one task, and the rehearsal.yaml beside it. Pure apart
 * from the injected uuid and clock.
 */
export function propose(
  facts: ImageFacts,
  answers: InitAnswers,
  options: ProposeOptions = {},
): Proposal {
  const uuid = options.uuid ?? randomUUID;
  const now = options.now ?? (() => new Date());
  const { variables, bind } = proposeVariables(facts, answers);
  const base = slugify(imageBaseName(answers.image));
  const service = DNS_LABEL.test(base) ? base : 'app';
  const namespace = answers.image.split('/').length > 1 ? answers.image.split('/')[0] : undefined;
  const marketplace = {
    $schema: 'https://marketplace-schema.logicahealth.org/build.json',
    marketplace_url: 'https://marketplace-server.logicahealth.org',
    product: {
      uuid: uuid(),
      build: {
        uuid: uuid(),
        binary: { registry: 'https://index.docker.io/v1/', image: answers.image },
        dependency: [],
      },
      facts: {
        name: answers.name,
        organization: [{ name: namespace ?? answers.name }],
        stewards: [],
        licensing: [],
        technology_mime_type: 'application/json',
        domain: [],
        cybersecurity: [],
        customer_service: [],
        data_access: [],
        identify_and_access_management: [],
        runtime_dependencies: [],
        networking: [],
      },
    },
    configuration: [
      {
        default: true,
        task: [
          {
            id: uuid(),
            configuration_id: uuid(),
            label: answers.name,
            memory_minimum: Math.max(1, Math.round(answers.memory / 4)),
            memory_maximum: answers.memory,
            instances_minimum: answers.instancesMin,
            instances_maximum: answers.instancesMax,
            options: [],
            ports: [answers.port, ...facts.ports.filter((p) => p !== answers.port)],
            environment: variables,
          },
        ],
      },
    ],
    provenance: [
      {
        datetime: now().toISOString(),
        attribution: 'rehearsal init',
        remark: `Proposed from the image ${answers.image}; review every value before submitting`,
      },
    ],
  };
  const bindLine = Object.entries(bind)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const overlay = [
    '# rehearsal.yaml: what marketplace.json cannot say. Every key is optional.',
    `# Proposed by \`rehearsal init\` from ${answers.image}.`,
    '',
    `# The sandbox's name: containers are ${answers.sandbox}-${service}-1, …`,
    `sandbox: { name: ${answers.sandbox} }`,
    '',
    '# The database Rehearsal starts next to the service (postgres, mariadb, redis or none).',
    `database: { kind: ${answers.database} }`,
    '',
    'tasks:',
    "  # Keyed by the task's label in marketplace.json.",
    `  ${q(answers.name)}:`,
    '    # Short DNS name of the task: its compose service and host name in the sandbox.',
    `    name: ${service}`,
    '    # GET <path> on <port> must answer 2xx for a replica to count as healthy.',
    `    health: { path: ${q(answers.healthPath)}, port: ${answers.port} }`,
    ...(bindLine
      ? [
          '    # Variables Rehearsal fills from the database it started.',
          `    bind: { ${bindLine} }`,
        ]
      : []),
    '',
  ].join('\n');
  return {
    files: {
      [MARKETPLACE_FILE]: `${JSON.stringify(marketplace, null, 2)}\n`,
      [OVERLAY_FILE]: overlay,
    },
    service,
  };
}
