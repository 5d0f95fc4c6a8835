#!/usr/bin/env node
// First: colour off (NO_COLOR, --no-color) before anything loads chalk.
import './no-color.js';
import { Command } from 'commander';
import { VERSION } from '../sandbox/version.js';
import { registerChaos } from './commands/chaos.js';
import { registerCheck } from './commands/check.js';
import { registerDemo } from './commands/demo.js';
import { registerDown } from './commands/down.js';
import { registerExport } from './commands/export.js';
import { registerIdp } from './commands/idp.js';
import { registerScim } from './commands/scim.js';
import { registerImages } from './commands/images.js';
import { registerInit } from './commands/init.js';
import { registerLogs } from './commands/logs.js';
import { registerLs } from './commands/ls.js';
import { registerPlan } from './commands/plan.js';
import { registerScale } from './commands/scale.js';
import { registerStatus } from './commands/status.js';
import { registerTrust } from './commands/trust.js';
import { registerUp } from './commands/up.js';
import { registerValidate } from './commands/validate.js';
import { createContext, type CommandContext } from './context.js';
import { reportError } from './exit.js';
import { relaunchForLiveView } from './relaunch.js';

// First, before any work: a live view may restart this process with a smaller young generation.
relaunchForLiveView();

const program = new Command('rehearsal')
  .description(
    "Rehearse the HL7 Marketplace's production platform locally and check the Service Packaging Requirements.",
  )
  .version(VERSION)
  .option('--verbose', 'more detail: every step, and stack traces for bugs')
  .option('--no-tui', 'plain lines instead of the dashboard and the wizard, even in a terminal')
  .option('--no-color', 'no colour (also when NO_COLOR is set)')
  .showHelpAfterError('(run `rehearsal --help` for usage)')
  .exitOverride();

let context: CommandContext | undefined;
const ctx = (): CommandContext =>
  (context ??= createContext(program.opts<{ verbose?: boolean }>()));

for (const register of [
  registerInit,
  registerValidate,
  registerPlan,
  registerExport,
  registerUp,
  registerDemo,
  registerStatus,
  registerLs,
  registerScale,
  registerChaos,
  registerCheck,
  registerLogs,
  registerDown,
  registerImages,
  registerTrust,
  registerIdp,
  registerScim,
]) {
  register(program, ctx);
}
program.commands.forEach((c) => c.exitOverride());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err, Boolean(program.opts<{ verbose?: boolean }>().verbose));
}
// Idle keep-alive sockets to the engine must not hold the process open after the command ends.
process.exit(process.exitCode ?? 0);
