/**
 * Where a status list is published: tokens carry this URI in their `status` claim, and the list
 * token names it as its `sub`.
 * @module
 */

/**
 * The URL of a status list.
 *
 * @example
 * ```ts
 * statusListUri("https://tokens.example.com", "k3v9q2m7xa-0");
 * // "https://tokens.example.com/v1/status-lists/k3v9q2m7xa-0"
 * ```
 */
export function statusListUri(issuer: string, list: string): string {
  return `${issuer}/v1/status-lists/${list}`;
}
