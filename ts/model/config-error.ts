// ConfigError on its own, so limits.ts and config.ts can both throw it without an import cycle.

/** A config key or value that cannot make a model. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
