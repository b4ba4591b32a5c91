import { distance } from 'fastest-levenshtein';

/**
 * The known name a mistyped one most likely meant (a typo, another case), or undefined when none is close: at most
 * a quarter of its length away (and 2 for short names). `alsoWhen` matches a known name outright (a prefix forgotten).
 */
export function closest(name: string, known: Iterable<string>, alsoWhen?: (wanted: string, candidate: string) => boolean): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    if (alsoWhen?.(wanted, lower)) return candidate;
    if (Math.abs(lower.length - wanted.length) >= bestDistance) continue;
    const away = distance(wanted, lower);
    if (away < bestDistance) {
      best = candidate;
      bestDistance = away;
    }
  }
  return best;
}
