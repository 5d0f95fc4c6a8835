/** Admin authentication: `Authorization: Bearer <token>`, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `header` is exactly `Bearer <token>`. Both sides are hashed first so the comparison
 * takes the same time whatever the length or content of what the caller sent.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = createHash('sha256')
    .update(header ?? '')
    .digest();
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return timingSafeEqual(given, expected);
}
