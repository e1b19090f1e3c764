import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

let packageRoot: string | undefined;

/** The folder that holds this package's package.json (works from lib/ sources and from dist/). */
function findPackageRoot(): string {
  if (packageRoot) return packageRoot;
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = parent;
  }
  packageRoot = dir;
  return dir;
}

/** Path of the built bundle of `lambda/<name>` (made by `npm run build`, never at synth). */
export function lambdaAssetPath(name: string): string {
  const path = join(findPackageRoot(), 'dist', 'lambda', name);
  if (!existsSync(join(path, 'index.js'))) {
    throw new Error(`The Lambda bundle for "${name}" is missing at ${path}: run "npm run build" first (npm ci runs it through "prepare").`);
  }
  return path;
}

/** The built bundle of `lambda/<name>` as Lambda code. */
export function lambdaCode(name: string): lambda.Code {
  return lambda.Code.fromAsset(lambdaAssetPath(name));
}
