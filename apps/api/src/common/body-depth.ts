/** Deepest nesting of a JSON body accepted: every body of every dialect is at most 3 levels deep. */
export const MAX_BODY_DEPTH = 32;

/**
 * Property names no request body may use: the members of `Object.prototype` (`__proto__`,
 * `constructor`, `toString`, `hasOwnProperty`, …) and `prototype`. No field of any dialect is named
 * so, and validation would not see them (class-transformer skips keys an instance already has), so a
 * body carrying one would be accepted with the key silently dropped instead of refused.
 */
const RESERVED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** A UTF-16 surrogate without its pair: text that is not well-formed Unicode. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);

export type BodyProblem = { kind: 'too-deep' } | { kind: 'reserved-key'; key: string } | { kind: 'ill-formed-text' };

/**
 * What makes a parsed body unfit for any handler, found without recursion (a body a million levels
 * deep is judged without overflowing the stack): nesting deeper than `maxDepth`, a reserved property
 * name, or a string (value or key) that is not well-formed Unicode (a lone surrogate, which breaks
 * validators that encode text, e.g. e-mail checks).
 */
export function bodyProblem(value: unknown, maxDepth = MAX_BODY_DEPTH): BodyProblem | undefined {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth += 1) {
    const next: unknown[] = [];
    for (const node of level) {
      if (typeof node === 'string') {
        if (!wellFormed(node)) return { kind: 'ill-formed-text' };
        continue;
      }
      if (typeof node !== 'object' || node === null) continue;
      if (depth >= maxDepth) return { kind: 'too-deep' };
      if (Array.isArray(node)) {
        next.push(...node);
        continue;
      }
      for (const key of Object.keys(node)) {
        if (RESERVED_KEYS.has(key)) return { kind: 'reserved-key', key };
        if (!wellFormed(key)) return { kind: 'ill-formed-text' };
        next.push((node as Record<string, unknown>)[key]);
      }
    }
    level = next;
  }
  return undefined;
}

/** Whether a parsed body nests objects or arrays deeper than `max`. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  return bodyProblem(value, max)?.kind === 'too-deep';
}

/** The 400's message for a problem (each dialect's filter shapes it; "JSON" makes Hummingbot's a 422 like FastAPI's). */
export function bodyProblemMessage(problem: BodyProblem): string {
  switch (problem.kind) {
    case 'too-deep':
      return `JSON body nested too deeply: at most ${MAX_BODY_DEPTH} levels of objects and arrays`;
    case 'reserved-key':
      return `property ${problem.key} should not exist (a reserved name in a JSON body)`;
    case 'ill-formed-text':
      return 'JSON body has text that is not valid Unicode (a lone surrogate)';
  }
}
