// The entry point the command imports, on demand. It has no JSX on purpose: TypeScript puts the
// `react/jsx-runtime` import of a .tsx file before its own imports, so React would load before
// production-mode.js could choose its production build (and a development React with a
// production reconciler renders nothing).
import '../production-mode.js';

export { runInitWizard } from './wizard-app.js';
