import { decideKind } from '../../sandbox/declaration/kind.js';
import type { LoadedDeclaration, TaskDeclaration } from '../../sandbox/declaration/types.js';

const loc = { file: '/x/marketplace.json', line: 1, column: 1, pointer: '' };

/** A loaded declaration built in code, for unit tests of pure planning logic. */
export function loadedDeclaration(
  overrides: {
    tasks?: Partial<TaskDeclaration>[];
    database?: LoadedDeclaration['overlay']['database'];
    taskOverlays?: LoadedDeclaration['taskOverlays'];
    sandboxName?: string;
    image?: string;
  } = {},
): LoadedDeclaration {
  const tasks: TaskDeclaration[] = (overrides.tasks ?? [{}]).map((t, i) => {
    const task = {
      id: `id-${i}`,
      label: `Task ${i}`,
      name: `task-${i}`,
      instancesMinimum: 1,
      instancesMaximum: 6,
      memoryMaximumMiB: 256,
      options: [],
      ports: [8080],
      environment: [],
      location: loc,
      ...t,
    };
    // Decided as the loader decides it, unless the test says.
    const decided = decideKind(task);
    return { kind: decided.kind, kindReason: decided.reason, ...task };
  });
  return {
    declaration: {
      file: '/x/marketplace.json',
      sha256: 'ab'.repeat(32),
      shape: 'configuration',
      product: {
        name: 'Example Service',
        ...(overrides.image === undefined
          ? { image: 'vendor/app:1' }
          : overrides.image
            ? { image: overrides.image }
            : {}),
      },
      configurationIndex: 0,
      tasks,
    },
    overlay: {
      profile: 'hspc-2016',
      database: overrides.database ?? { kind: 'postgres' },
      defaults: {},
      tasks: {},
      ...(overrides.sandboxName ? { sandboxName: overrides.sandboxName } : {}),
    },
    taskOverlays: overrides.taskOverlays ?? {},
    warnings: [],
  };
}
