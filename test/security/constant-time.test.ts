import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { constantTimeEqual } from "../../src/constant-time.js";

describe("constantTimeEqual", () => {
  it("is true exactly for equal strings", () => {
    expect(constantTimeEqual("s3cret", "s3cret")).toBe(true);
    expect(constantTimeEqual("", "")).toBe(true);
    expect(constantTimeEqual("s3cret", "s3creT")).toBe(false);
    expect(constantTimeEqual("s3cret", "s3cre")).toBe(false);
    expect(constantTimeEqual("s3cret", "s3crets")).toBe(false);
    expect(constantTimeEqual("s3cret", "")).toBe(false);
    expect(constantTimeEqual("", "x")).toBe(false);
    // A presented string that is the expected one plus NUL bytes is not equal either.
    expect(constantTimeEqual("ab", "ab\u0000")).toBe(false);
    expect(constantTimeEqual("é", "e\u0301")).toBe(false);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => constantTimeEqual(a, b) === (a === b)),
    );
  });
});
