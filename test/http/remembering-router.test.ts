/**
 * The app's router remembers recent answers (src/http/remembering-router.ts): the same answers as
 * the trie it wraps, for any number of distinct paths, and never a path longer than 128 characters.
 */
import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { rememberingRouter } from "../../src/http/remembering-router.js";

function routers() {
  const plain = new TrieRouter<string>();
  let matched = 0;
  const counted = {
    name: "counted",
    add: (method: string, path: string, handler: string) => plain.add(method, path, handler),
    match: (method: string, path: string) => {
      matched += 1;
      return plain.match(method, path);
    },
  };
  const remembering = rememberingRouter(counted);
  for (const [method, path, handler] of [
    ["ALL", "*", "headers"],
    ["GET", "/v1/tokens/self", "self"],
    ["GET", "/v1/tokens/:id", "show"],
    ["DELETE", "/v1/tokens/:id", "revoke"],
  ] as const) {
    remembering.add(method, path, handler);
  }
  return { plain, remembering, matched: () => matched };
}

describe("the remembering router", () => {
  it("answers as the trie does for more paths than it keeps, and matches a kept path once", () => {
    const { plain, remembering, matched } = routers();
    const paths = Array.from({ length: 2500 }, (_, i) => `/v1/tokens/t${i % 1500}`);
    for (const method of ["GET", "DELETE", "POST"]) {
      for (const path of [...paths, "/v1/tokens/self"]) {
        expect(remembering.match(method, path)).toEqual(plain.match(method, path));
      }
    }
    remembering.match("GET", "/v1/tokens/self");
    const before = matched();
    expect(remembering.match("GET", "/v1/tokens/self")).toEqual(
      plain.match("GET", "/v1/tokens/self"),
    );
    expect(matched()).toBe(before);
  });

  it("matches a long path every time", () => {
    const { plain, remembering, matched } = routers();
    const long = `/v1/tokens/${"x".repeat(200)}`;
    remembering.match("GET", long);
    const before = matched();
    expect(remembering.match("GET", long)).toEqual(plain.match("GET", long));
    expect(matched()).toBe(before + 1);
  });
});
