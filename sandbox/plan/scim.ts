import type { LoadedDeclaration } from '../declaration/types.js';
import type { ServicePlan } from './types.js';

/** Declared variables that receive the token Rehearsal presents to a task's SCIM endpoint. */
const TOKEN_VARIABLES = ['SCIM_TOKEN', 'SCIM_BEARER_TOKEN', 'SCIM_API_TOKEN', 'SCIM_AUTH_TOKEN'];

/** The secret holding a task's SCIM bearer token. */
export function scimTokenName(task: string): string {
  return `REHEARSAL_SCIM_TOKEN_${task.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** What the sandbox knows about a task's SCIM endpoint. */
export interface ScimPlan {
  task: string;
  /** Base path, e.g. `/scim/v2`. */
  path: string;
  tokenName: string;
}

/**
 * For every task whose overlay names a SCIM base path (`scim: { path: /scim/v2 }`): a token
 * generated per sandbox and given to the task through its declared token variable, so
 * Rehearsal can provision and test the endpoint as an identity provider would. Mutates the
 * tasks' environment; returns the endpoints and the secrets to generate.
 */
export function planScim(loaded: LoadedDeclaration, tasks: ServicePlan[]): ScimPlan[] {
  return loaded.declaration.tasks.flatMap((task) => {
    const path = loaded.taskOverlays[task.name]?.scimPath;
    const service = tasks.find((s) => s.name === task.name && s.role === 'task');
    if (!path || !service) return [];
    const tokenName = scimTokenName(task.name);
    const literal = loaded.taskOverlays[task.name]?.env ?? {};
    for (const v of task.environment) {
      if (TOKEN_VARIABLES.includes(v.key) && literal[v.key] === undefined)
        service.environment[v.key] = `\${${tokenName}}`;
    }
    return [{ task: task.name, path, tokenName }];
  });
}
