/**
 * Applies in-place changes (name, description) to a token record; shared by both stores.
 * @module
 */
import type { TokenDetails, TokenRecord } from "./types.js";

/** The record with `details` applied (a null description removes it). */
export function applyDetails(record: TokenRecord, details: TokenDetails): TokenRecord {
  const { description: _old, ...rest } = record;
  const description = details.description === undefined ? record.description : details.description;
  return {
    ...rest,
    ...(details.name === undefined ? {} : { name: details.name }),
    ...(description === undefined || description === null ? {} : { description }),
  };
}
