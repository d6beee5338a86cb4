// Renderer: one call a little later for a burst of calls (state refreshes once per burst of engine events).

export interface Coalesced {
  /** Asks for a call: the first request of a burst schedules it `ms` later; requests until then join it. */
  (): void;
  /** Drops a scheduled call (a disposed state object must not refresh afterwards). */
  cancel(): void;
}

/**
 * [Note: refresh once per burst] An import or a re-cluster sends events by the hundred; refetching on each would
 * flood the door. The first event of a burst starts a timer and the refresh runs once when it fires, so the screen
 * lags the engine by at most `ms` and refreshes at most once per `ms` however busy the engine is.
 */
export function coalesce(fn: () => void, ms: number): Coalesced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const request = (() => {
    timer ??= setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  }) as Coalesced;
  request.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return request;
}
