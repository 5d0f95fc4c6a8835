import type { Overlay, TaskDeclaration, TaskOverlay } from './types.js';
import type { MarketplaceContent } from './marketplace.js';
import { decideKind } from './kind.js';
import type { ParsedOverlay } from './overlay.js';
import { join } from './pointer.js';
import type { Problems, Source } from './problems.js';

export interface Merged {
  /** The tasks with overlay names applied. */
  tasks: TaskDeclaration[];
  /** Final task name → defaults merged with the task's own entry. */
  taskOverlays: Record<string, TaskOverlay>;
}

type Entry = Overlay['tasks'][string];

/**
 * Resolves `tasks.<key>` entries against the declared tasks (by id, then name, then label),
 * applies overlay names, merges top-level defaults with each entry, and checks what only the
 * two files together can tell: replica bounds, health port, bindings, and that an image exists.
 */
export function mergeOverlay(
  decl: MarketplaceContent,
  declSource: Source,
  parsed: ParsedOverlay,
  problems: Problems,
): Merged {
  const { overlay } = parsed;
  const ov = parsed.source;
  const entries = resolveEntries(decl.tasks, overlay, problems);
  const tasks = applyNames(decl.tasks, entries, ov, problems);

  const taskOverlays: Record<string, TaskOverlay> = {};
  tasks.forEach((task, i) => {
    const hit = entries.get(i);
    const merged = mergeOne(overlay.defaults, hit?.entry, task);
    taskOverlays[task.name] = merged;
    // The kind is decided again with the overlay's `kind:`, by the same rule.
    const decided = decideKind(task, merged.kind);
    task.kind = decided.kind;
    task.kindReason = decided.reason;
    if (!ov) return;
    // A setting's problem is reported where it was written: the task's entry or the defaults.
    const origin = (has: boolean, ...tokens: string[]) =>
      has && hit ? join('/tasks', hit.key, ...tokens) : join('', ...tokens);
    checkTask(task, merged, hit?.entry, origin, ov, problems);
    checkKind(task, merged, hit?.entry, origin, ov, problems);
  });
  if (ov) checkDefaults(overlay, decl.tasks, ov, problems);

  if (decl.product.image === undefined) {
    const missing = tasks
      .filter((t) => t.image === undefined && taskOverlays[t.name]?.image === undefined)
      .map((t) => t.name);
    if (missing.length > 0) {
      problems.error(
        declSource.at('/product/build/binary/image'),
        `no image: neither product.build.binary.image, the task, nor rehearsal.yaml names one for ${missing.join(', ')}`,
        `add "image" under product.build.binary in marketplace.json, or "image: vendor/image:tag" under tasks.${missing[0]} in rehearsal.yaml`,
      );
    }
  }
  return { tasks, taskOverlays };
}

function resolveEntries(
  tasks: TaskDeclaration[],
  overlay: Overlay,
  problems: Problems,
): Map<number, { key: string; entry: Entry }> {
  const resolved = new Map<number, { key: string; entry: Entry }>();
  for (const [key, entry] of Object.entries(overlay.tasks)) {
    const by = (f: (t: TaskDeclaration) => string) =>
      tasks.flatMap((t, i) => (f(t) === key ? [i] : []));
    const ids = by((t) => t.id);
    const names = by((t) => t.name);
    const matches = ids.length > 0 ? ids : names.length > 0 ? names : by((t) => t.label);
    const known = tasks.map((t) => t.name).join(', ');
    const first = matches[0];
    if (first === undefined || matches.length > 1) {
      const what = first === undefined ? 'matches no task' : 'matches more than one task';
      problems.error(
        entry.location,
        `tasks."${key}" ${what}; the tasks are ${known}`,
        `use a task's id, label or name, e.g. ${tasks[0]?.name ?? 'the task name'}`,
      );
      continue;
    }
    const earlier = resolved.get(first);
    if (earlier) {
      problems.error(
        entry.location,
        `tasks."${key}" and tasks."${earlier.key}" both refer to task ${tasks[first]?.name}`,
        'merge the two entries into one',
      );
      continue;
    }
    resolved.set(first, { key, entry });
  }
  return resolved;
}

function applyNames(
  tasks: TaskDeclaration[],
  entries: Map<number, { key: string; entry: Entry }>,
  ov: Source | undefined,
  problems: Problems,
): TaskDeclaration[] {
  const renamed = tasks.map((t, i) => ({ ...t, name: entries.get(i)?.entry.name ?? t.name }));
  renamed.forEach((t, i) => {
    const hit = entries.get(i);
    const clash = renamed.findIndex((o, j) => j !== i && o.name === t.name);
    if (hit?.entry.name !== undefined && clash !== -1 && ov) {
      problems.error(
        ov.at(join('/tasks', hit.key, 'name')),
        `name "${t.name}" is already the name of another task`,
        'choose a name no other task has',
      );
    }
  });
  return renamed;
}

function mergeOne(
  defaults: TaskOverlay,
  entry: Entry | undefined,
  task: TaskDeclaration,
): TaskOverlay {
  const { bind: db, env: de, ...dRest } = defaults;
  const { bind: eb, env: ee, location: _location, ...eRest } = entry ?? {};
  const declared = new Set(task.environment.map((e) => e.key));
  // Default bindings reach only the tasks that declare the variable: "bind X wherever it exists".
  const bind = {
    ...Object.fromEntries(Object.entries(db ?? {}).filter(([k]) => declared.has(k))),
    ...eb,
  };
  return {
    ...dRest,
    ...eRest,
    ...(db !== undefined || eb !== undefined ? { bind } : {}),
    ...(de !== undefined || ee !== undefined ? { env: { ...de, ...ee } } : {}),
  };
}

function checkTask(
  task: TaskDeclaration,
  merged: TaskOverlay,
  entry: Entry | undefined,
  origin: (has: boolean, ...tokens: string[]) => string,
  ov: Source,
  problems: Problems,
): void {
  const r = merged.replicas;
  const max = task.instancesMaximum;
  if (r !== undefined && (r < task.instancesMinimum || (max !== undefined && r > max))) {
    const bounds = `${task.instancesMinimum}..${max ?? 'unlimited'}`;
    problems.error(
      ov.at(origin(entry?.replicas !== undefined, 'replicas')),
      `replicas ${r} is outside task ${task.name}'s instance bounds ${bounds}`,
      entry?.replicas !== undefined
        ? `choose replicas within ${bounds} (instances_minimum..instances_maximum in the declaration)`
        : `the file-wide replicas applies to every task: choose one within ${bounds}, or set it per task under tasks: { ${task.name}: { replicas: N } }`,
    );
  }
  const port = merged.httpPort;
  if (port !== undefined && !task.ports.includes(port)) {
    const ports =
      task.ports.length > 0 ? `its ports are ${task.ports.join(', ')}` : 'it declares no ports';
    problems.error(
      ov.at(origin(entry?.httpPort !== undefined, 'health', 'port')),
      `health port ${port} is not a port of task ${task.name}; ${ports}`,
      'use one of the task\'s "ports", or add the port to the declaration',
    );
  }
  const declared = new Set(task.environment.map((e) => e.key));
  for (const key of Object.keys(entry?.bind ?? {})) {
    if (!declared.has(key))
      problems.error(
        ov.keyAt(origin(true, 'bind', key)),
        `bind ${key}: task ${task.name} declares no variable ${key}`,
        declared.size > 0
          ? `bind one of its declared variables: ${[...declared].join(', ')}`
          : `declare ${key} in the task's environment[] in marketplace.json first, or use env: to pass a literal value`,
      );
  }
  for (const key of Object.keys(entry?.env ?? {})) {
    if (!declared.has(key))
      problems.warn(
        ov.keyAt(origin(true, 'env', key)),
        `env ${key}: task ${task.name} declares no variable ${key}; it is passed anyway`,
        "check the spelling against the declaration's environment keys",
      );
  }
}

/** What the overlay's `kind:` asks for must fit what the declaration gives the task. */
function checkKind(
  task: TaskDeclaration,
  merged: TaskOverlay,
  entry: Entry | undefined,
  origin: (has: boolean, ...tokens: string[]) => string,
  ov: Source,
  problems: Problems,
): void {
  if (merged.kind === undefined) return;
  const at = ov.at(origin(entry?.kind !== undefined, 'kind'));
  if (merged.kind === 'web' && task.ports.length === 0)
    problems.error(
      at,
      `task ${task.name} is kind: web but declares no ports`,
      `declare the port it serves HTTP on in "ports" in marketplace.json, or use kind: worker`,
    );
  if (merged.kind === 'cron' && task.cron === undefined)
    problems.error(
      at,
      `task ${task.name} is kind: cron but declares no "cron" schedule`,
      'add "cron": "0 * * * *" (its schedule) to the task in marketplace.json',
    );
  if (merged.kind !== 'cron' && task.cron !== undefined)
    problems.warn(
      at,
      `task ${task.name} is kind: ${merged.kind}; its schedule "${task.cron}" is not used`,
      'remove "cron" from the task, or the kind: line',
    );
  if ((merged.kind === 'worker' || merged.kind === 'initialization') && task.ports.length > 0)
    problems.warn(
      at,
      `task ${task.name} is kind: ${merged.kind}; its ports ${task.ports.join(', ')} are not published or routed`,
      'a task that serves HTTP is kind: web',
    );
}

/** Top-level bind/env keys apply to many tasks; they are wrong only if no task declares them. */
function checkDefaults(
  overlay: Overlay,
  tasks: TaskDeclaration[],
  ov: Source,
  problems: Problems,
): void {
  const declared = new Set(tasks.flatMap((t) => t.environment.map((e) => e.key)));
  const list = [...declared].join(', ') || 'none';
  for (const key of Object.keys(overlay.defaults.bind ?? {})) {
    if (!declared.has(key))
      problems.error(
        ov.keyAt(join('/bind', key)),
        `bind ${key}: no task declares a variable ${key}`,
        `bind one of the declared variables: ${list}`,
      );
  }
  for (const key of Object.keys(overlay.defaults.env ?? {})) {
    if (!declared.has(key))
      problems.warn(
        ov.keyAt(join('/env', key)),
        `env ${key}: no task declares a variable ${key}; it is passed anyway`,
        `check the spelling; declared variables are ${list}`,
      );
  }
}
