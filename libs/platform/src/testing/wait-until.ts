/** Polls `check` every `everyMs` until it holds; fails naming `what` after `timeoutMs`. Test support. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 5_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
