/**
 * Timers that never keep the event loop alive (a Node 22 callback handler completes only on an
 * empty event loop, and a frozen sandbox must not be held), and whose cancellation frees what
 * Node allocated for them.
 *
 * Node keeps one timer list per distinct duration, and when a timer is cleared it deletes the
 * emptied list only if the timer was ref'd (lib/internal/timers.js, `unenroll`). The invocation
 * guard's duration is the invocation's remaining time, different every time: cleared while
 * unref'd, each invocation left an empty list (and a slot in Node's timer priority queue) behind
 * until its expiry, up to 15 minutes later; at ten invocations a second, 9,000 of them. Ref'ing
 * just before clearing lets Node free the list; nothing runs in between, so the event loop
 * never sees the timer ref'd.
 */
export function startUnrefTimer(callback: () => void, delayMs: number): NodeJS.Timeout {
  const timer = setTimeout(callback, delayMs);
  timer.unref();
  return timer;
}

export function cancelUnrefTimer(timer: NodeJS.Timeout | undefined): void {
  if (timer === undefined) return;
  timer.ref();
  clearTimeout(timer);
}
