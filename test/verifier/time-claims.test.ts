/**
 * The one `iat`/`nbf`/`exp` rule of access tokens and Status List Tokens, on a frozen clock with
 * exact answers at each boundary.
 */
import { describe, expect, it } from "vitest";
import { timeClaimsProblem } from "../../packages/verifier/src/jwt/time-claims.js";

const NOW = 1_800_000_000_500; // milliseconds; the check works in whole seconds (1_800_000_000)
const at = { now: NOW, tolerance: 30 };
const s = 1_800_000_000;

describe("timeClaimsProblem", () => {
  it("accepts times within the tolerance", () => {
    expect(timeClaimsProblem({ iat: s + 30, nbf: s + 30, exp: s - 29 }, at)).toBeUndefined();
    expect(timeClaimsProblem({ iat: s }, at)).toBeUndefined();
  });

  it("names what is wrong, exactly at each boundary", () => {
    expect(timeClaimsProblem({}, at)).toBe("iat_invalid");
    expect(timeClaimsProblem({ iat: "1" }, at)).toBe("iat_invalid");
    expect(timeClaimsProblem({ iat: s, nbf: "x" }, at)).toBe("nbf_invalid");
    expect(timeClaimsProblem({ iat: s, nbf: s + 31 }, at)).toBe("not_yet_valid");
    expect(timeClaimsProblem({ iat: s, exp: null }, at)).toBe("exp_invalid");
    expect(timeClaimsProblem({ iat: s, exp: s - 30 }, at)).toBe("expired");
    expect(timeClaimsProblem({ iat: s + 31 }, at)).toBe("not_yet_valid");
  });

  it("checks nbf, then exp, then iat in the future (jose's order)", () => {
    expect(timeClaimsProblem({ iat: s + 99, nbf: s + 99, exp: s - 99 }, at)).toBe("not_yet_valid");
    expect(timeClaimsProblem({ iat: s + 99, exp: s - 99 }, at)).toBe("expired");
    expect(timeClaimsProblem({ iat: s, exp: s }, { now: NOW, tolerance: 0 })).toBe("expired");
  });
});
