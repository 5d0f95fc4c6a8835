import type { DashboardAction } from '../actions.js';
import type { ImageProgress } from '../state.js';

/** An image pull has tens of layers; anything past this is not worth a bigger state. */
const MAX_LAYERS = 100;
const STEP = /^Step (\d+)\/(\d+)/;

/** Pulls and builds in progress; an image leaves the list when it is ready. */
export function imagesReducer(list: ImageProgress[], a: DashboardAction): ImageProgress[] {
  switch (a.type) {
    case 'image.progress': {
      const old = list.find((p) => p.image === a.image);
      const layers = { ...old?.layers };
      const id = (a as { id?: string }).id;
      if (id && a.total !== undefined && (id in layers || Object.keys(layers).length < MAX_LAYERS))
        layers[id] = { current: a.current ?? 0, total: a.total };
      const m = STEP.exec(a.status);
      const step: [number, number] | undefined = m ? [Number(m[1]), Number(m[2])] : old?.step;
      const next: ImageProgress = {
        image: a.image,
        action: a.action,
        status: a.status.split('\n')[0] ?? '',
        layers,
        ...(step ? { step } : {}),
      };
      return old ? list.map((p) => (p === old ? next : p)) : [...list, next];
    }
    case 'image.ready':
      return list.some((p) => p.image === a.image) ? list.filter((p) => p.image !== a.image) : list;
    default:
      return list;
  }
}

/** Bytes done and total over the layers whose size is known. */
export function pullTotals(p: ImageProgress): { current: number; total: number } {
  let current = 0;
  let total = 0;
  for (const l of Object.values(p.layers)) {
    current += Math.min(l.current, l.total);
    total += l.total;
  }
  return { current, total };
}
