/** The token kinds of the manual's example (`docs/token-kinds.md`), as `TOKENMINT_TOKEN_KINDS` takes them. */
export const EXAMPLE_KINDS = {
  pat: { prefix: "tmpat_" },
  deploy: {
    prefix: "tmdt_",
    scopes: ["read_repository", "read_registry"],
    max_lifetime: "90d",
  },
  job: { prefix: "tmjob_", max_lifetime: "2h", self_service: false, track_usage: false },
  service: { prefix: "tmsa_", allow_non_expiring: true },
};
