/**
 * The JSON logger: one object per line with the time of the injected clock, and secret-looking
 * fields redacted (the last line of defence: callers never pass tokens or secrets).
 */
import { describe, expect, it } from "vitest";
import { createJsonLogger, redact } from "../src/logger.js";

describe("the JSON logger", () => {
  it("writes one JSON object per line, with the clock's time to the millisecond", () => {
    const lines: string[] = [];
    let now = Date.UTC(2026, 11, 2, 21, 0, 0, 5);
    const log = createJsonLogger(
      (line) => lines.push(line),
      () => now,
    );
    log.info("a", { n: 1 });
    log.warn("b");
    now += 1;
    log.error("c", { n: 3 });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { time: "2026-12-02T21:00:00.005Z", level: "info", event: "a", n: 1 },
      { time: "2026-12-02T21:00:00.005Z", level: "warn", event: "b" },
      { time: "2026-12-02T21:00:00.006Z", level: "error", event: "c", n: 3 },
    ]);
  });

  it("redacts secret-looking fields, keeps token ids, and leaves the caller's fields as they were", () => {
    const fields = {
      token: "tmpat_eyJ.secret",
      client_secret: "s3cret",
      Authorization: "Basic abc",
      kek: "k",
      private_jwk: "{}",
      d: "private scalar",
      jwe: "x",
      password: "p",
      token_id: "abc",
      jti: "def",
      token_type: "Bearer",
      sub: "user-1",
    };
    const lines: string[] = [];
    const log = createJsonLogger((line) => lines.push(line));
    for (let i = 0; i < 2; i++) log.info("event", fields);
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({
        token: "[redacted]",
        client_secret: "[redacted]",
        Authorization: "[redacted]",
        kek: "[redacted]",
        private_jwk: "[redacted]",
        d: "[redacted]",
        jwe: "[redacted]",
        password: "[redacted]",
        token_id: "abc",
        jti: "def",
        token_type: "Bearer",
        sub: "user-1",
      });
      expect(line).not.toContain("s3cret");
    }
    expect(fields.token).toBe("tmpat_eyJ.secret");
    const plain = { sub: "user-1" };
    expect(redact(plain)).toBe(plain);
  });
});
