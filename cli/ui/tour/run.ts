// The entry point the command imports on demand; no JSX, so production-mode.js loads before React.
import '../production-mode.js';

export { runTour } from './session.js';
