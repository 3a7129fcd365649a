// ConfigError on its own, so limits.ts and config.ts can both throw it without an import cycle.

import { GlassgptError } from '../errors.js';

/** A config key or value that cannot make a model. */
export class ConfigError extends GlassgptError {
  readonly code: string = 'ERR_CONFIG';
  override name = 'ConfigError';
}
