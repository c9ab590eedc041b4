import { getMetadataStorage } from 'class-validator';
import { parseTradeRequest } from './parse-trade-request.js';
import { ACTION_TYPES, REQUEST_CLASS } from './trade-request.dto.js';
import { TRADE_REQUEST_SCHEMA, TRADE_REQUEST_SHAPES } from './trade-request.schema.js';

/** Every property a DTO class validates, and those it requires (IsDefined), from class-validator's own metadata. */
function dtoFields(target: new () => unknown): { properties: string[]; required: string[] } {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const properties = [...new Set(metadata.map((m) => m.propertyName))].sort();
  // actionType is checked before the DTO is chosen (parseTradeRequest): always required.
  const required = [...new Set(['actionType', ...metadata.filter((m) => m.name === 'isDefined').map((m) => m.propertyName)])].sort();
  return { properties, required };
}

describe('the OpenAPI schema of the MetaApi trade body', () => {
  it.each(TRADE_REQUEST_SHAPES.map((s) => [String(s.title), s] as const))('%s lists exactly the fields its DTO class validates, and requires the same ones', (_title, shape) => {
    const actions = (shape.properties as { actionType: { enum: string[] } }).actionType.enum;
    for (const action of actions) {
      const dto = dtoFields(REQUEST_CLASS[action as keyof typeof REQUEST_CLASS]);
      expect({ action, properties: Object.keys(shape.properties as object).sort() }).toEqual({ action, properties: dto.properties });
      expect({ action, required: [...(shape.required as string[])].sort() }).toEqual({ action, required: dto.required });
    }
  });

  it('covers every actionType exactly once', () => {
    const covered = TRADE_REQUEST_SHAPES.flatMap((s) => (s.properties as { actionType: { enum: string[] } }).actionType.enum);
    expect([...covered].sort()).toEqual([...ACTION_TYPES].sort());
    expect(TRADE_REQUEST_SCHEMA.oneOf).toBe(TRADE_REQUEST_SHAPES);
  });

  it.each(TRADE_REQUEST_SHAPES.map((s) => [String(s.title), s.example] as const))("the %s example passes the dialect's own validation", (_title, example) => {
    expect(() => parseTradeRequest(example)).not.toThrow();
  });
});
