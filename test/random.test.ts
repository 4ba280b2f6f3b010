import { describe, expect, it } from "vitest";
import { randomId, randomSlug } from "../src/random.js";

describe("random identifiers", () => {
  it("hands out distinct ids of the asked size across pool refills", () => {
    // 1,000 ids of 16 bytes span four refills of the 4 KiB pool.
    const ids = Array.from({ length: 1000 }, () => randomId(16));
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[\w-]{22}$/);
    expect(randomId(6)).toMatch(/^[\w-]{8}$/);
    // Larger than the pool: drawn directly.
    expect(atob(randomId(5000).replace(/-/g, "+").replace(/_/g, "/"))).toHaveLength(5000);
  });

  it("draws slugs from lowercase letters and digits, roughly uniformly", () => {
    const counts = new Map<string, number>();
    for (const char of Array.from({ length: 360 }, () => randomSlug(100)).join("")) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join("")).toBe("0123456789abcdefghijklmnopqrstuvwxyz");
    // 36,000 draws: each of the 36 characters about 1,000 times.
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
  });
});
