/**
 * A Worker with no bindings names every missing one, not only the first (a new user's first
 * `wrangler dev` without `.dev.vars`).
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config.js";
import { readWorkerSettings } from "../../src/worker/settings.js";

describe("the Worker's bindings", () => {
  it("name every missing secret and the issuer URL at once", () => {
    let problems: readonly string[] = [];
    try {
      readWorkerSettings({});
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems.map((problem) => problem.split(":")[0])).toEqual([
      "TOKENMINT_ISSUER",
      "REDIS_URL",
      "TOKENMINT_KEK",
      "TOKENMINT_CLIENTS",
    ]);
  });

  it("name a secret once when the schema already refused it", () => {
    let problems: readonly string[] = [];
    try {
      readWorkerSettings({
        TOKENMINT_ISSUER: "https://tokens.example.com",
        REDIS_URL: "redis://127.0.0.1:6379",
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual([
      "TOKENMINT_CLIENTS",
      "TOKENMINT_KEK",
    ]);
  });
});
