import { render } from 'ink';
import { LifecycleRoot } from '../lifecycle.js';
import { Wizard, type WizardResult, type WizardServices } from './components/Wizard.js';
import type { WizardState } from './wizard-state.js';

/** Runs the wizard until it writes the files (resolves) or is cancelled (rejects). */
export async function runInitWizard(options: {
  initial: WizardState;
  services: WizardServices;
  dir: string;
}): Promise<WizardResult> {
  const app = render(
    <LifecycleRoot>
      <Wizard initial={options.initial} services={options.services} dir={options.dir} />
    </LifecycleRoot>,
    { exitOnCtrlC: false, maxFps: 10 },
  );
  return (await app.waitUntilExit()) as WizardResult;
}
