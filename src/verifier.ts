/**
 * `tokenmint/verifier`: the downstream verifier, kept at this entry point for services that
 * imported it from the issuer's package; new code installs `@tokenmint/verifier` alone.
 * @module
 */
export * from "@tokenmint/verifier";
