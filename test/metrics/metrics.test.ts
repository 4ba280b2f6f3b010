/**
 * `GET /metrics` (off by default, optionally behind a bearer secret) with exact counts after a
 * known sequence of requests, the registry's text format, and the request log with request ids.
 */
import { describe, expect, it } from "vitest";
import { createRegistry } from "../../src/metrics/registry.js";
import { bearer, createTestIssuer, form } from "../helpers/issuer.js";

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("metrics", () => {
  it("are off unless TOKENMINT_METRICS=true", async () => {
    const issuer = await createTestIssuer();
    expect((await issuer.request("/metrics")).status).toBe(404);
  });

  it("count mints, state changes, checks by result, introspections, store latency and key ages", async () => {
    const issuer = await createTestIssuer({ env: { TOKENMINT_METRICS: "true" } });
    const kept = await issuer.mint();
    const revoked = await issuer.mint({ name: "second" });
    await issuer.request(`/v1/tokens/${revoked.id}`, {
      method: "DELETE",
      headers: { authorization: issuer.clientAuth },
    });
    expect((await issuer.request("/v1/tokens", { headers: bearer(revoked.token) })).status).toBe(
      401,
    );
    const introspect = (token: string) =>
      issuer.request("/v1/introspect", form({ token }, { authorization: issuer.clientAuth }));
    expect(await (await introspect(kept.token)).json()).toMatchObject({ active: true });
    expect(await (await introspect("tmpat_junk")).json()).toEqual({ active: false });
    issuer.clock.advance(120);

    const response = await issuer.request("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(sample(text, 'tokenmint_tokens_minted_total{reason="mint",kind="pat"}')).toBe(2);
    expect(sample(text, 'tokenmint_token_state_changes_total{state="revoked",reason="api"}')).toBe(
      1,
    );
    expect(sample(text, 'tokenmint_token_checks_total{result="valid"}')).toBe(1);
    expect(sample(text, 'tokenmint_token_checks_total{result="token_revoked"}')).toBe(1);
    expect(sample(text, 'tokenmint_token_checks_total{result="token_malformed"}')).toBe(1);
    expect(sample(text, 'tokenmint_introspections_total{active="true"}')).toBe(1);
    expect(sample(text, 'tokenmint_introspections_total{active="false"}')).toBe(1);
    expect(
      sample(text, 'tokenmint_store_operation_duration_seconds_count{operation="saveToken"}'),
    ).toBe(2);
    expect(text).toMatch(
      /^tokenmint_store_operation_duration_seconds_bucket\{operation="getToken",le="\+Inf"\} \d+$/m,
    );
    expect(
      sample(
        text,
        'tokenmint_http_requests_total{method="DELETE",route="/v1/tokens/:id",status="204"}',
      ),
    ).toBe(1);
    expect(
      sample(text, 'tokenmint_http_requests_total{method="GET",route="/v1/tokens",status="401"}'),
    ).toBe(1);
    expect(sample(text, "tokenmint_active_signing_key_age_seconds")).toBe(120);
    expect(text).toMatch(/^tokenmint_signing_key_age_seconds\{kid="[\w-]+",state="active"\} 120$/m);
    expect(text).toMatch(/^tokenmint_signing_key_age_seconds\{kid="[\w-]+",state="next"\} \d+$/m);
    expect(text).not.toContain(kept.token.slice(6, 30));
  });

  it("can require a bearer secret", async () => {
    const secret = "scrape-secret-0123456789";
    const issuer = await createTestIssuer({
      env: { TOKENMINT_METRICS: "true", TOKENMINT_METRICS_TOKEN: secret },
    });
    expect((await issuer.request("/metrics")).status).toBe(401);
    expect(
      (await issuer.request("/metrics", { headers: bearer("wrong-secret-0123456") })).status,
    ).toBe(401);
    expect((await issuer.request("/metrics", { headers: bearer(secret) })).status).toBe(200);
  });

  it("render the text exposition format exactly", async () => {
    const registry = createRegistry();
    const counter = registry.counter("demo_total", "A demo.", ["path"]);
    counter.inc({ path: 'a"b\\c\nd' });
    counter.inc({ path: 'a"b\\c\nd' }, 2);
    const histogram = registry.histogram("demo_seconds", "Durations.", ["op"], [0.1, 1]);
    histogram.observe({ op: "x" }, 0.05);
    histogram.observe({ op: "x" }, 0.5);
    histogram.observe({ op: "x" }, 5);
    registry.gauge("demo_gauge", "A gauge.", async () => [{ labels: {}, value: 7 }]);
    expect(await registry.render()).toBe(
      [
        "# HELP demo_total A demo.",
        "# TYPE demo_total counter",
        'demo_total{path="a\\"b\\\\c\\nd"} 3',
        "# HELP demo_seconds Durations.",
        "# TYPE demo_seconds histogram",
        'demo_seconds_bucket{op="x",le="0.1"} 1',
        'demo_seconds_bucket{op="x",le="1"} 2',
        'demo_seconds_bucket{op="x",le="+Inf"} 3',
        'demo_seconds_sum{op="x"} 5.55',
        'demo_seconds_count{op="x"} 3',
        "# HELP demo_gauge A gauge.",
        "# TYPE demo_gauge gauge",
        "demo_gauge 7",
        "",
      ].join("\n"),
    );
    expect(() => registry.counter("demo_total", "again")).toThrow(/twice/);
  });
});

describe("request logs and request ids", () => {
  it("log one line per request with its id and route pattern, never the raw path", async () => {
    const issuer = await createTestIssuer();
    const minted = await issuer.mint();
    const echoed = await issuer.request(`/v1/tokens/${minted.id}`, {
      headers: { ...bearer(minted.token), "x-request-id": "req-42" },
    });
    expect(echoed.headers.get("x-request-id")).toBe("req-42");
    const generated = await issuer.request("/v1/tokens/x", {
      headers: { "x-request-id": "no spaces allowed" },
    });
    const id = generated.headers.get("x-request-id") ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // A token pasted into a URL by mistake reaches neither the log nor an error.
    const leaked = await issuer.request(`/v1/tokens/${minted.token}`, {
      headers: { authorization: issuer.clientAuth },
    });
    expect(leaked.status).toBe(404);
    expect(leaked.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    const lines = issuer.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.event === "http.request");
    expect(requests.find((line) => line.request_id === "req-42")).toMatchObject({
      level: "info",
      method: "GET",
      route: "/v1/tokens/:id",
      status: 200,
    });
    expect(requests.find((line) => line.request_id === id)).toMatchObject({ status: 401 });
    expect(issuer.logs.join("\n")).not.toContain(minted.token.slice(6, 40));
    expect(JSON.stringify(requests)).not.toContain(minted.id);
  });

  it("does not log successful health checks or reads of the polled public documents", async () => {
    const issuer = await createTestIssuer();
    const minted = await issuer.mint();
    const payload = Buffer.from(minted.token.split(".")[1] ?? "", "base64url").toString();
    const listUri = JSON.parse(payload).status.status_list.uri;
    const before = issuer.logs.length;
    expect((await issuer.request("/healthz")).status).toBe(200);
    expect((await issuer.request("/.well-known/jwks.json")).status).toBe(200);
    expect((await issuer.request(new URL(listUri).pathname)).status).toBe(200);
    issuer.logs.splice(0, before);
    expect(issuer.logs.filter((line) => line.includes("http.request"))).toEqual([]);
    expect((await issuer.request("/v1/status-lists/nope")).status).toBe(404);
    const failures = issuer.logs.filter((line) => line.includes("http.request"));
    expect(failures.map((line) => JSON.parse(line).route)).toEqual(["/v1/status-lists/:id"]);
  });
});
