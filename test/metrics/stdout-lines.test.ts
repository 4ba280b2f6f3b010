import { describe, expect, it } from "vitest";
import { stdoutLines } from "../../src/node/stdout-lines.js";

describe("stdoutLines", () => {
  it("writes the lines of one event-loop turn together and in order, and at once past 256", async () => {
    const chunks: string[] = [];
    const write = stdoutLines({ write: (chunk: string) => chunks.push(chunk) });
    write("a");
    write("b");
    expect(chunks).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toEqual(["a\nb\n"]);
    for (let i = 0; i < 256; i++) write(String(i));
    expect(chunks).toHaveLength(2);
    expect(chunks[1]?.split("\n")).toHaveLength(257);
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toHaveLength(2);
  });
});
