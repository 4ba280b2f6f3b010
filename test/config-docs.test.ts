/**
 * The configuration page is generated from the code and agrees with it: every variable the
 * schemas read is documented (the types enforce it), every literal default is the schema's own,
 * and the committed page is what the generator writes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIGURATION_PAGE, renderConfigurationPage } from "../scripts/config-docs.js";
import { type IssuerVariable, issuerVariableSchema } from "../src/config/config.js";
import { ISSUER_VARIABLES } from "../src/config/variables.js";
import { type RouterVariable, routerVariableSchema } from "../src/router/config.js";
import { ROUTER_VARIABLES } from "../src/router/variables.js";

describe("the configuration page", () => {
  it("states each default as the schema parses it when the variable is unset", () => {
    const mismatches: string[] = [];
    const check = (
      name: string,
      literal: string | undefined,
      schema: { parse(v: unknown): unknown },
    ) => {
      if (literal === undefined) return;
      const stated = schema.parse(literal);
      const actual = schema.parse(undefined);
      if (JSON.stringify(stated) !== JSON.stringify(actual)) {
        mismatches.push(`${name}: documented ${literal}, schema default ${JSON.stringify(actual)}`);
      }
    };
    for (const [name, doc] of Object.entries(ISSUER_VARIABLES)) {
      check(name, doc.default, issuerVariableSchema(name as IssuerVariable));
    }
    for (const [name, doc] of Object.entries(ROUTER_VARIABLES)) {
      check(name, doc.default, routerVariableSchema(name as RouterVariable));
    }
    expect(mismatches).toEqual([]);
  });

  it("documents a variable only with either a literal default or what applies without one", () => {
    const both = [...Object.entries(ISSUER_VARIABLES), ...Object.entries(ROUTER_VARIABLES)]
      .filter(([, doc]) => doc.default !== undefined && doc.none !== undefined)
      .map(([name]) => name);
    expect(both).toEqual([]);
  });

  it("is committed as generated (run `npm run docs:config` after changing a variable)", () => {
    expect(readFileSync(CONFIGURATION_PAGE, "utf8")).toBe(renderConfigurationPage());
  });
});
