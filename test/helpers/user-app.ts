/**
 * "From the outside" tests: a throwaway CDK app that installs this library from its packed tarball, the way
 * a user's app does, without network.
 *
 * ```ts
 * import { createUserApp } from './helpers/user-app';
 *
 * const app = createUserApp();                       // the default two-stack app below, or pass files
 * const r = app.exec('cdk', ['synth', '--quiet']);   // any bin of node_modules/.bin, run in the app dir
 * expect(r.status).toBe(0);
 * app.remove();
 * ```
 *
 * How it works:
 * - `packLibrary()` runs `npm pack --ignore-scripts` on the repository once per build of dist/ and keeps the
 *   tarball in the OS temp directory, so every test file (and every jest worker) reuses it. It packs dist/ as
 *   built: run `npm run build` first (`npm test` does it in `pretest`); a dist/ older than lib/, cli/ or
 *   lambda/ fails with that advice instead of testing stale code.
 * - `createUserApp()` writes package.json, cdk.json and the app's files into a new temp directory and builds
 *   node_modules/ by hand: the tarball is extracted into node_modules/genai-platform-constructs (so only the
 *   files listed in package.json `files` exist, as for a user), every other package of the repository's
 *   node_modules is symlinked (aws-cdk-lib, constructs, aws-cdk, the library's dependencies), and
 *   node_modules/.bin gets the repository's bins plus the package's own `bin` entries, made executable as
 *   npm does. Nothing is downloaded. The app resolves `genai-platform-constructs` through its package.json
 *   `exports`/`main`, never lib/.
 * - The default app (`DEFAULT_APP`) is plain JavaScript, so it runs without a compile step: stack `Storage`
 *   holds a `SecureDataLake` from the package, stack `Service` a Lambda role that reads the lake's curated
 *   zone, which is a cross-stack reference, so `Service` depends on `Storage`.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const PACKAGE = 'genai-platform-constructs';

/** The default user app: two stacks, the second depends on the first through a cross-stack reference. */
export const DEFAULT_APP = `const { App, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const { SecureDataLake, DataZone } = require('${PACKAGE}');

const app = new App();
const storage = new Stack(app, 'Storage');
const lake = new SecureDataLake(storage, 'Lake');
const service = new Stack(app, 'Service');
const role = new iam.Role(service, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
lake.grantRead(role, DataZone.CURATED);
`;

/** What `createUserApp` writes. */
export interface UserAppOptions {
  /** Files of the app, by path relative to its directory; `app.js` defaults to `DEFAULT_APP`. */
  readonly files?: Record<string, string>;
  /** Extra keys for cdk.json (the app command defaults to `node app.js`, context to this repo's flags). */
  readonly cdkJson?: Record<string, unknown>;
}

/** A throwaway CDK app directory with the packed library installed. */
export interface UserApp {
  /** The app directory (cdk.json is here). */
  readonly dir: string;
  /** Runs `node_modules/.bin/<bin>` in the app directory, without telemetry; never throws on a non-zero exit. */
  exec(bin: string, args: string[], env?: Record<string, string>): UserAppRun;
  /** Writes (or overwrites) a file of the app. */
  write(path: string, content: string): void;
  /** Deletes the directory. */
  remove(): void;
}

/** The result of `UserApp.exec`. */
export interface UserAppRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function fingerprint(dir: string, hash: ReturnType<typeof createHash>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) fingerprint(path, hash);
    else hash.update(`${path}:${statSync(path).size}:${statSync(path).mtimeMs}\n`);
  }
}

/**
 * Packs the library (`npm pack --ignore-scripts` of the built dist/) once per build and returns the path of
 * the tarball; later calls, from any test file, reuse it.
 */
export function packLibrary(): string {
  const dist = join(root, 'dist');
  // the same check as `npm test`'s pretest (scripts/build-state.cjs): dist/ must be the build of this tree
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stale: string | undefined = require(join(root, 'scripts', 'build-state.cjs')).staleBecause(root);
  if (stale) throw new Error(`dist/ is not the build of this tree (${stale}): run "npm run build" so that the packed library is the code under test.`);

  const hash = createHash('sha256').update(readFileSync(join(root, 'package.json')));
  fingerprint(dist, hash);
  const cache = join(tmpdir(), `${PACKAGE}-pack`, hash.digest('hex').slice(0, 16));
  const existing = existsSync(cache) ? readdirSync(cache).find((f) => f.endsWith('.tgz')) : undefined;
  if (existing) return join(cache, existing);

  mkdirSync(dirname(cache), { recursive: true });
  const staging = mkdtempSync(`${cache}-`);
  const r = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', staging], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  try {
    renameSync(staging, cache);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another worker packed it first
  }
  const tarball = readdirSync(cache).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball to ${cache}`);
  return join(cache, tarball);
}

function install(appDir: string, tarball: string): void {
  const modules = join(appDir, 'node_modules');
  const repoModules = join(root, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  for (const entry of readdirSync(repoModules)) {
    if (entry === '.bin' || entry.startsWith('.') || entry === PACKAGE) continue;
    symlinkSync(join(repoModules, entry), join(modules, entry));
  }
  for (const bin of readdirSync(join(repoModules, '.bin'))) {
    symlinkSync(realpathSync(join(repoModules, '.bin', bin)), join(modules, '.bin', bin));
  }
  const target = join(modules, PACKAGE);
  mkdirSync(target);
  const tar = spawnSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`Could not extract ${tarball}: ${tar.stderr}`);
  const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
  const bins: Record<string, string> = typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {});
  for (const [name, path] of Object.entries(bins)) {
    chmodSync(join(target, path), 0o755);
    rmSync(join(modules, '.bin', name), { force: true });
    symlinkSync(join('..', PACKAGE, path), join(modules, '.bin', name));
  }
}

/**
 * Creates a CDK app directory in the OS temp directory with the packed library installed (see the file
 * comment), and returns a handle to run its bins.
 */
export function createUserApp(options: UserAppOptions = {}): UserApp {
  const tarball = packLibrary();
  const dir = mkdtempSync(join(tmpdir(), 'user-app-'));
  const repoPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const context = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({
    name: 'user-app',
    version: '1.0.0',
    private: true,
    dependencies: {
      [PACKAGE]: `file:${tarball}`,
      'aws-cdk-lib': repoPackage.devDependencies['aws-cdk-lib'],
      'constructs': repoPackage.devDependencies.constructs,
    },
    devDependencies: { 'aws-cdk': repoPackage.devDependencies['aws-cdk'] },
  }, null, 2)}\n`);
  writeFileSync(join(dir, 'cdk.json'), `${JSON.stringify({ app: 'node app.js', context, ...options.cdkJson }, null, 2)}\n`);
  const files = { 'app.js': DEFAULT_APP, ...options.files };
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  install(dir, tarball);
  return {
    dir,
    write,
    exec(bin, args, env = {}) {
      const r: SpawnSyncReturns<string> = spawnSync(join(dir, 'node_modules', '.bin', bin), args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', ...env },
      });
      if (r.error) throw r.error;
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
