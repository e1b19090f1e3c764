import { rmSync } from 'node:fs';

/**
 * Temporary folders a test file creates (cloud assemblies of its apps), deleted when the file's tests are
 * done: test/helpers/cleanup.ts registers the `afterAll` hook for every test file (jest's
 * `setupFilesAfterEnv`), so a helper may create one from inside a test as well as from a `describe` body.
 */
const KEY = Symbol.for('genai-platform-constructs.test-temp-dirs');

function registry(): string[] {
  const holder = globalThis as unknown as Record<symbol, string[] | undefined>;
  return (holder[KEY] ??= []);
}

/** Deletes `dir` after the current test file. */
export function registerTempDir(dir: string): void {
  registry().push(dir);
}

/** Deletes every registered folder (called once per test file, after its tests). */
export function removeTempDirs(): void {
  for (const dir of registry().splice(0)) rmSync(dir, { recursive: true, force: true });
}
