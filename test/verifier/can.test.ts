import { describe, expect, it } from "vitest";
import { can } from "../../packages/verifier/src/verifier/can.js";

const base = { scope: "read_api read_project write_project" };
const narrowed = { ...base, permissions: { read_project: ["p/42", "p/43"] } };
const inOrg = { ...base, org: "acme" };

describe("can()", () => {
  it.each([
    [base, "read_api", undefined, undefined, true],
    [base, "read_project", "p/1", undefined, true],
    [base, "admin", undefined, undefined, false],
    [base, "read", undefined, undefined, false],
    [base, "api", undefined, undefined, false],
    [base, "read_api read_project", undefined, undefined, false],
    [{ scope: "read_api_extra xread_api" }, "read_api", undefined, undefined, false],
    [{ scope: "a  read_api " }, "read_api", undefined, undefined, true],
    [base, "write_project", undefined, undefined, true],
    [base, "", undefined, undefined, false],
    [{ scope: "" }, "read_api", undefined, undefined, false],
    [narrowed, "read_project", "p/42", undefined, true],
    [narrowed, "read_project", "p/43", undefined, true],
    [narrowed, "read_project", "p/7", undefined, false],
    [narrowed, "read_project", undefined, undefined, false],
    [narrowed, "write_project", "p/7", undefined, true],
    [narrowed, "write_project", undefined, undefined, true],
    [{ scope: "read_api", permissions: { admin: ["x"] } }, "admin", "x", undefined, false],
    [{ scope: "constructor", permissions: {} }, "constructor", undefined, undefined, true],
    [{ scope: "toString", permissions: {} }, "toString", "x", undefined, true],
    [inOrg, "read_api", undefined, { org: "acme" }, true],
    [inOrg, "read_api", undefined, { org: "other" }, false],
    [inOrg, "read_api", undefined, { org: undefined }, false],
    [inOrg, "read_api", undefined, undefined, true],
    [base, "read_api", undefined, { org: "any" }, true],
    [{ ...narrowed, org: "acme" }, "read_project", "p/42", { org: "acme" }, true],
    [{ ...narrowed, org: "acme" }, "read_project", "p/42", { org: "evil" }, false],
  ])("%j can %s on %s in %j → %s", (claims, permission, resource, context, expected) => {
    expect(can(claims, permission, resource, context)).toBe(expected);
  });
});
