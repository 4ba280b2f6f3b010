/**
 * `@tokenmint/verifier/status`: the Token Status List codec (draft-ietf-oauth-status-list): packed
 * status bits and the compressed `lst` form, shared by the issuer that writes lists and the
 * verifier that reads them.
 *
 * @example
 * ```ts
 * import { decompressStatusList, readStatus } from "@tokenmint/verifier/status";
 *
 * readStatus(await decompressStatusList(lst), 2, idx); // 0 valid, 1 revoked, 2 suspended
 * ```
 * @module
 */
export {
  isStatusListBits,
  readStatus,
  readStatusBits,
  type StatusBits,
  type StatusListBits,
  statusCapacity,
  writeStatus,
  writeStatusBits,
} from "./bits.js";
export {
  compressStatusList,
  decodeBase64url,
  decompressStatusList,
  encodeBase64url,
  MAX_STATUS_LIST_BYTES,
  StatusListCorrupt,
} from "./codec.js";
