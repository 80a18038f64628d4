// The clock of an app process a spec starts with its time moved (tests/e2e/servers.ts, `clockAheadMs`),
// loaded before the app by `node --import`: `new Date()` and `Date.now()` run
// AMTSRAUM_E2E_CLOCK_AHEAD_MS milliseconds ahead of the machine's clock, and so does the embedded
// database's `now()` (PGlite reads the time through `Date.now()`). Timers and `performance.now()`
// are untouched: durations stay real. Nothing of the app is changed; it reads the time as ever.
const ahead = Number(process.env.AMTSRAUM_E2E_CLOCK_AHEAD_MS);
if (!Number.isFinite(ahead)) {
  throw new Error(`AMTSRAUM_E2E_CLOCK_AHEAD_MS must be a number of milliseconds, not "${String(ahead)}"`);
}
const RealDate = globalThis.Date;
const now = () => RealDate.now() + ahead;
globalThis.Date = new Proxy(RealDate, {
  construct: (target, args, newTarget) => Reflect.construct(target, args.length > 0 ? args : [now()], newTarget),
  apply: () => new RealDate(now()).toString(),
  get: (target, key, receiver) => (key === 'now' ? now : Reflect.get(target, key, receiver)),
});
