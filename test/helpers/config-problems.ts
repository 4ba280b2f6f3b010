import { ConfigError, parseConfig } from "../../src/config/config.js";

/** The problems `parseConfig` reports for an environment (none when it is valid). */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}
