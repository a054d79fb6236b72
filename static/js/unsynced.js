// Modules that keep work on the phone until it is sent (the offline outbox, lesson progress)
// register a check here; logout asks them before it clears the browser's storage.
const checks = (globalThis.__portalUnsyncedChecks ??= []);

/** @param {() => number | Promise<number>} countPending how many items are not sent yet */
export function registerUnsyncedCheck(countPending) {
  checks.push(countPending);
}

export async function unsyncedCount() {
  const counts = await Promise.all(checks.map(async (check) => {
    try {
      return Number(await check()) || 0;
    } catch {
      return 1; // a check that fails cannot promise that nothing would be lost
    }
  }));
  return counts.reduce((sum, n) => sum + n, 0);
}
