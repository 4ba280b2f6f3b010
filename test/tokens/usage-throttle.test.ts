import { describe, expect, it } from "vitest";
import { createUsageThrottle } from "../../src/tokens/usage-throttle.js";

describe("usage write throttle", () => {
  it("lets one write per token through each interval, and a released claim again", () => {
    const throttle = createUsageThrottle(60);
    expect(throttle.claim("a", 1000)).toBe(true);
    expect(throttle.claim("a", 1059)).toBe(false);
    expect(throttle.claim("b", 1059)).toBe(true);
    expect(throttle.claim("a", 1060)).toBe(true);
    throttle.release("a");
    expect(throttle.claim("a", 1061)).toBe(true);
  });

  it("forgets the claim made longest ago once it holds more than its bound", () => {
    const throttle = createUsageThrottle(60, 2);
    expect(throttle.claim("a", 1000)).toBe(true);
    expect(throttle.claim("b", 1001)).toBe(true);
    expect(throttle.claim("c", 1002)).toBe(true);
    expect(throttle.claim("b", 1003)).toBe(false);
    expect(throttle.claim("a", 1003)).toBe(true);
  });
});
