import { describe, expect, it } from 'vitest';
import { answersFromFlags, parseVariableFlag } from '../../../sandbox/init/answers.js';
import { imageFacts } from '../../../sandbox/init/image-facts.js';
import { QUESTIONS } from '../../../sandbox/init/questions.js';
import { BARE_DETAILS, REFERENCE_DETAILS } from './fixtures.js';

const facts = imageFacts('rehearsal/reference-service:0.1.0', REFERENCE_DETAILS);
const bare = imageFacts('vendor/app', BARE_DETAILS);

describe('answersFromFlags', () => {
  it('takes the proposals with --yes', () => {
    expect(answersFromFlags(facts, {}, { yes: true })).toEqual({
      image: 'rehearsal/reference-service:0.1.0',
      name: 'Rehearsal Reference Patient Service',
      sandbox: 'reference-service',
      memory: 512,
      instancesMin: 2,
      instancesMax: 6,
      port: 8080,
      healthPath: '/health',
      database: 'none',
      extraVariables: [],
    });
  });

  it('lets flags win over proposals', () => {
    const a = answersFromFlags(
      facts,
      { memory: '256', instancesMin: '3', instancesMax: '4', database: 'mariadb' },
      { yes: true },
    );
    expect(a).toMatchObject({ memory: 256, instancesMin: 3, instancesMax: 4, database: 'mariadb' });
  });

  it('without --yes names every missing flag at once instead of waiting for input', () => {
    expect(() => answersFromFlags(facts, { name: 'X', sandbox: 'x' }, { yes: false })).toThrow(
      /missing: --memory <MiB> \(proposed: 512\), --instances-min <n> \(proposed: 2\).*--database <kind>/,
    );
    try {
      answersFromFlags(facts, {}, { yes: false });
    } catch (err) {
      expect((err as { hint: string }).hint).toMatch(/Pass each `--flag`, or `--yes`/);
    }
  });

  it('with --yes still needs what the image cannot suggest', () => {
    expect(() => answersFromFlags(bare, {}, { yes: true })).toThrow(/missing: --port <port>$/);
  });

  it('refuses an invalid flag value, naming the flag', () => {
    expect(() => answersFromFlags(facts, { memory: 'lots' }, { yes: true })).toThrow(
      /--memory "lots": the memory limit must be a whole number/,
    );
    expect(() =>
      answersFromFlags(facts, { instancesMin: '4', instancesMax: '3' }, { yes: true }),
    ).toThrow(/instances_maximum must be at least instances_minimum \(4\)/);
    expect(() => answersFromFlags(facts, { healthPath: 'health' }, { yes: true })).toThrow(
      /start the path with "\/"/,
    );
    expect(() => answersFromFlags(facts, { database: 'oracle' }, { yes: true })).toThrow(
      /choose one of postgres/,
    );
  });
});

describe('questions', () => {
  it('each has a flag, and every flag is distinct', () => {
    const flags = QUESTIONS.map((q) => q.flag.split(' ')[0]);
    expect(new Set(flags).size).toBe(QUESTIONS.length);
  });
});

describe('parseVariableFlag', () => {
  it('reads KEY and KEY=DEFAULT, and refuses lower-case names', () => {
    expect(parseVariableFlag('API_KEY')).toEqual({ key: 'API_KEY' });
    expect(parseVariableFlag('LOG_LEVEL=a=b')).toEqual({ key: 'LOG_LEVEL', default: 'a=b' });
    expect(() => parseVariableFlag('apiKey')).toThrow(/not a variable name/);
  });
});
