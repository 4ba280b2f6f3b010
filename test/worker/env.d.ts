/** The bindings of the test runner Worker (see vitest.workers.config.ts). */
declare namespace Cloudflare {
  interface Env {
    /** The issuer Worker under test (the wrangler build of src/worker.ts). */
    readonly ISSUER: Fetcher;
    /** A second isolate of the same build on the same Redis, status list ttl 2 s. */
    readonly REPLICA: Fetcher;
    /** The same build on an empty Redis prefix, for the cron trigger. */
    readonly CRON: Fetcher;
    /** The same build on its own Redis prefix, with a configured webhook on the Node receiver. */
    readonly WEBHOOKS: Fetcher;
    /** The same build pointed at a Redis that does not answer. */
    readonly DOWN: Fetcher;
    /** The same build without TOKENMINT_KEK. */
    readonly MISCONFIGURED: Fetcher;
    readonly ISSUER_URL: string;
    readonly CLIENT_ID: string;
    readonly CLIENT_SECRET: string;
    /** The private JWK of the secret scanner key the issuers are configured with. */
    readonly SCANNER_PRIVATE_JWK: string;
    /** The Node webhook receiver: `GET` answers `{ received, rejected }` (test/webhooks/receiver.ts). */
    readonly WEBHOOK_RECEIVER_URL: string;
  }
}
