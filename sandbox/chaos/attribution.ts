/** An action's window: from when it began until the sandbox had recovered (open until then). */
export interface ActionWindow {
  seq: number;
  startAt: number;
  /** Undefined while the action has not settled: its window is still open. */
  endAt?: number;
}

/**
 * The action a failure at `at` is attributed to: of the windows that contain it, the one that
 * began last, i.e. the nearest fault before it. Overlapping actions thus never both count one
 * failed request. Exact as soon as every action that began before `at` is in `windows`.
 */
export function ownerOf(at: number, windows: ActionWindow[]): number | undefined {
  let owner: ActionWindow | undefined;
  for (const w of windows) {
    if (w.startAt > at || (w.endAt !== undefined && w.endAt < at)) continue;
    if (!owner || w.startAt > owner.startAt || (w.startAt === owner.startAt && w.seq > owner.seq))
      owner = w;
  }
  return owner?.seq;
}

/** The items (failed requests, dropped sockets…) attributed to action `seq`. */
export function attributedTo<T extends { at: number }>(
  items: T[],
  seq: number,
  windows: ActionWindow[],
): T[] {
  return items.filter((x) => ownerOf(x.at, windows) === seq);
}
