// Rehearsal's runtime image: `node /app/main.mjs` runs the entry point REHEARSAL_ROLE names, in
// this one process (a Marketplace task cannot choose a command, only its environment). The
// sandbox itself names each entry point's file directly (`node /app/idp.mjs`).
const ROLES = { proxy: './proxy.mjs', idp: './idp.mjs', collector: './collector.mjs' };

const role = (process.env.REHEARSAL_ROLE ?? 'proxy').trim();
const entry = Object.hasOwn(ROLES, role) ? ROLES[role] : undefined;
if (!entry) {
  process.stdout.write(
    `${JSON.stringify({
      time: new Date().toISOString(),
      level: 'error',
      msg: `REHEARSAL_ROLE "${role}" is not an entry point of this image: use one of ${Object.keys(ROLES).join(', ')}`,
    })}\n`,
  );
  process.exit(2);
}
await import(entry);
