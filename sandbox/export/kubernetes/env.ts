import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { isSecretVariable, secretReferences } from '../portable.js';

/** A container's variables, split the way Kubernetes wants them. */
export interface ContainerEnvironment {
  /** Plain values: the task's ConfigMap, read with `envFrom`. */
  config: Record<string, string>;
  /** Literal values that are credentials by name: the task's Secret, read with `envFrom`. */
  secret: Record<string, string>;
  /**
   * Values built from the sandbox's generated secrets: each secret comes first from the shared
   * Secret (`secretKeyRef`), then the value refers to it as `$(NAME)`, so the password lives in
   * one place and a URL that embeds it is assembled when the container starts.
   */
  env: IEnvVar[];
  /** The container's arguments, with secret references in Kubernetes' `$(NAME)` form. */
  args?: string[];
}

/**
 * Converts a service's compose-syntax environment and arguments (`$$` a literal `$`, `${NAME}` a
 * sandbox secret) into Kubernetes terms. Required variables still without a value become empty
 * entries, for the user to fill in before applying.
 */
export function containerEnvironment(
  plan: Plan,
  s: ServicePlan,
  sharedSecret: string,
): ContainerEnvironment {
  const out: ContainerEnvironment = { config: {}, secret: {}, env: [] };
  const declared = new Set<string>();
  const declare = (names: string[]): void => {
    for (const name of names) {
      if (declared.has(name)) continue;
      declared.add(name);
      out.env.push({ name, valueFrom: { secretKeyRef: { name: sharedSecret, key: name } } });
    }
  };
  for (const [key, value] of Object.entries(s.environment)) {
    const refs = secretReferences(value, plan.secrets);
    if (refs.length === 0) {
      const literal = value.replaceAll('$$', '$');
      if (isSecretVariable(key, value, plan.secrets)) out.secret[key] = literal;
      else out.config[key] = literal;
    } else if (refs.length === 1 && value === `\${${refs[0]}}`) {
      const only = refs[0] as string;
      out.env.push({ name: key, valueFrom: { secretKeyRef: { name: sharedSecret, key: only } } });
    } else {
      declare(refs);
      out.env.push({ name: key, value: kubernetesExpansion(value) });
    }
  }
  if (s.command) {
    declare(s.command.flatMap((a) => secretReferences(a, plan.secrets)));
    out.args = s.command.map(kubernetesExpansion);
  }
  for (const u of plan.unbound.filter((x) => x.service === s.name)) {
    if (isSecretVariable(u.key, '', plan.secrets)) out.secret[u.key] = '';
    else out.config[u.key] = '';
  }
  return out;
}

/**
 * A compose-syntax value in Kubernetes' syntax for `value` and `args`: `${NAME}` → `$(NAME)`, and
 * every literal `$` doubled, since Kubernetes reduces `$$` to `$` and expands `$(…)`.
 */
export function kubernetesExpansion(value: string): string {
  return value.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\})/g, (_m, all: string, name?: string) =>
    all === '$' ? '$$' : `$(${name})`,
  );
}

/** A compose-syntax literal with no secret in it, as the plain text a program sees. */
export function plainValue(value: string): string {
  return value.replaceAll('$$', '$');
}
