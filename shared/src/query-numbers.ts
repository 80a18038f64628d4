import { z } from 'zod/mini';

/**
 * A whole number from a query string, written as decimal digits only, from `min` to `max`.
 * `Number()` alone also reads "0x3", "1e1", " 2 " and "" (as 0); a link or a script sending those
 * gets 400 like any other bad value, not an answer for a number it did not write.
 */
/* @__NO_SIDE_EFFECTS__ */
export function queryWholeNumber(min: number, max: number, tooLarge?: string) {
  return z.pipe(
    z.string().check(z.regex(/^[0-9]{1,9}$/, 'a whole number in digits')),
    z.coerce.number<string>().check(z.int(), z.gte(min), z.lte(max, tooLarge)),
  );
}
