import { render } from 'ink';
import type { Engine } from '../../../sandbox/engine/engine.js';
import type { PlanRequest } from '../../../sandbox/sandbox/resolve.js';
import { runTourStep, TOUR } from '../../../sandbox/live/tour.js';
import { keepHeapSmall } from '../heap.js';
import { LifecycleRoot } from '../lifecycle.js';
import { createStore } from '../store.js';
import { createTourController } from './controller.js';
import { initialTour, tourReducer, type TourAction, type TourState } from './state.js';
import { Tour } from './Tour.js';

/**
 * `rehearsal demo --tour` in a terminal: the tour, one step at a time, until `q`. Each step's
 * sandbox is removed when the step ends or is left; `q` waits for that before it exits.
 */
export async function runTour(request: PlanRequest, engine: Engine): Promise<number> {
  const store = createStore<TourState, TourAction>(tourReducer, initialTour(TOUR));
  const controller = createTourController(store, (step, emit, signal) =>
    runTourStep(step, request, { engine, emit, signal }),
  );
  const app = render(
    <LifecycleRoot>
      <Tour store={store} onKey={controller.handle} />
    </LifecycleRoot>,
    { maxFps: 10, exitOnCtrlC: false },
  );
  const heap = keepHeapSmall();
  const onSignal = () => controller.handle('quit');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  controller.begin();
  try {
    return (await app.waitUntilExit()) as number;
  } finally {
    heap.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
