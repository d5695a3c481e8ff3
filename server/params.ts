import { ServiceError } from '../shared/errors.js';

/** No call needs more: a layout is 4 levels deep, an export spec 5. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests arrays/objects deeper than `max`, found by one pass over the text
 * (no recursion, strings skipped), so a hostile body is refused before anything parses or
 * walks it recursively.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The params of an API call from its body text: `{}` when empty; INVALID_PARAMS when nested too
 * deep, BAD_JSON when not JSON. One function for the main thread and the read pool's workers,
 * so a bad body gets the same answer whichever thread reads it.
 */
export function parseParams(text: string): unknown {
  if (text.trim() === '') return {};
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    const message = `The params are nested more than ${MAX_JSON_DEPTH} levels deep.`;
    throw new ServiceError('INVALID_PARAMS', message, { issues: [{ path: '(params)', message }] });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ServiceError('BAD_JSON', `The request body is not valid JSON: ${(e as Error).message}`);
  }
}
