// Find and replace over the free-text cells of an order's lines (legacy: Ctrl+F in the
// materials): matches in reading order (line by line, cell by cell, left to right), find next /
// previous with wrap-around, replace one, replace all. Case is ignored unless asked. Pure, so
// the rules are unit-tested; the bar only draws them.

export interface FindOptions {
  matchCase: boolean;
}

/** One occurrence: the line (its draft key), the cell, and where in the cell's text. */
export interface Match {
  key: string;
  field: string;
  start: number;
  end: number;
}

type Line = { key: string } & Record<string, unknown>;

function textOf(line: Line, field: string): string {
  const v = line[field];
  return typeof v === 'string' ? v : '';
}

/** Every occurrence of `needle` in the cells, in reading order; none for an empty needle. */
export function findAll(lines: readonly Line[], fields: readonly string[], needle: string, opts: FindOptions): Match[] {
  if (needle === '') return [];
  const want = opts.matchCase ? needle : needle.toLocaleLowerCase();
  const out: Match[] = [];
  for (const line of lines) {
    for (const field of fields) {
      const raw = textOf(line, field);
      // Lower-casing may change lengths for a few scripts; then only exact-case matches are safe.
      const hay = opts.matchCase ? raw : raw.toLocaleLowerCase();
      const sameLength = hay.length === raw.length;
      const source = sameLength ? hay : raw;
      const target = sameLength ? want : needle;
      let from = 0;
      for (;;) {
        const at = source.indexOf(target, from);
        if (at === -1) break;
        out.push({ key: line.key, field, start: at, end: at + target.length });
        from = at + Math.max(1, target.length);
      }
    }
  }
  return out;
}

/** Where a match stands in reading order: line, then cell, then offset. */
function position(lines: readonly Line[], fields: readonly string[], m: Pick<Match, 'key' | 'field' | 'start'>): [number, number, number] {
  return [lines.findIndex((l) => l.key === m.key), fields.indexOf(m.field), m.start];
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The match after (or, backwards, before) `from`, wrapping around; the first (last) one when
 * there is no `from` or it is gone. null when there are no matches.
 */
export function nextMatch(
  lines: readonly Line[],
  fields: readonly string[],
  matches: readonly Match[],
  from: Pick<Match, 'key' | 'field' | 'start'> | null,
  backwards = false,
): Match | null {
  if (matches.length === 0) return null;
  if (!from || !lines.some((l) => l.key === from.key)) return backwards ? matches[matches.length - 1] : matches[0];
  const here = position(lines, fields, from);
  if (backwards) {
    for (let i = matches.length - 1; i >= 0; i--) if (compare(position(lines, fields, matches[i]), here) < 0) return matches[i];
    return matches[matches.length - 1];
  }
  for (const m of matches) if (compare(position(lines, fields, m), here) > 0) return m;
  return matches[0];
}

/** Whether `m` still is an occurrence of `needle` in the lines as they are now. */
export function stillMatches(lines: readonly Line[], m: Match, needle: string, opts: FindOptions): boolean {
  const line = lines.find((l) => l.key === m.key);
  if (!line || needle === '') return false;
  const piece = textOf(line, m.field).slice(m.start, m.end);
  return opts.matchCase ? piece === needle : piece.toLocaleLowerCase() === needle.toLocaleLowerCase();
}

/** The lines with one occurrence replaced (a new array; other lines keep their identity). */
export function replaceMatch<L extends Line>(lines: readonly L[], m: Match, replacement: string): L[] {
  return lines.map((l) => {
    if (l.key !== m.key) return l;
    const text = textOf(l, m.field);
    return { ...l, [m.field]: text.slice(0, m.start) + replacement + text.slice(m.end) };
  });
}

/** Every occurrence replaced; `count` says how many. Lines without one keep their identity. */
export function replaceAll<L extends Line>(lines: readonly L[], fields: readonly string[], needle: string, replacement: string, opts: FindOptions): { lines: L[]; count: number } {
  const matches = findAll(lines, fields, needle, opts);
  if (matches.length === 0) return { lines: [...lines], count: 0 };
  const byCell = new Map<string, Match[]>();
  for (const m of matches) {
    const k = `${m.key}\u0000${m.field}`;
    byCell.set(k, [...(byCell.get(k) ?? []), m]);
  }
  const next = lines.map((l) => {
    let patched: L | null = null;
    for (const field of fields) {
      const hits = byCell.get(`${l.key}\u0000${field}`);
      if (!hits) continue;
      const text = textOf(l, field);
      let out = '';
      let at = 0;
      for (const h of hits) {
        out += text.slice(at, h.start) + replacement;
        at = h.end;
      }
      out += text.slice(at);
      patched = { ...(patched ?? l), [field]: out };
    }
    return patched ?? l;
  });
  return { lines: next, count: matches.length };
}

/** The match after replacing `m` in place: where to look on from (just past the replacement). */
export function afterReplacement(m: Match, replacement: string): Pick<Match, 'key' | 'field' | 'start'> {
  // Continue from the end of the inserted text, so the replacement itself is never found again.
  return { key: m.key, field: m.field, start: m.start + replacement.length - 1 };
}
