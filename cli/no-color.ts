/**
 * `NO_COLOR` (https://no-color.org: set and not empty) and `--no-color` turn colour off
 * everywhere. Chalk, under Ink, decides its colour level once, when it is first loaded, and
 * honours FORCE_COLOR=0; so this runs first, before anything that may load it, and sets that.
 */
export function applyNoColor(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
): boolean {
  const off = Boolean(env.NO_COLOR) || argv.includes('--no-color');
  if (off) env.FORCE_COLOR = '0';
  return off;
}

applyNoColor();
