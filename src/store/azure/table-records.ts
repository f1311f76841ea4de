import { readRecord, type FieldKind, type RecordFields } from '../record-fields';
import { jsonProperties, numberOf, numberOrNull, readJsonProperties, stringOrNull, withoutNulls, type EntityProperties, type PropertyValue } from './table-properties';

/**
 * Records as table entities, through the record's field list (`record-fields.ts`): one property
 * per field, named as the field; JSON fields as Binary parts (see {@link jsonProperties}); null
 * fields left out (a Replace then removes them).
 */
export function entityProperties<T>(fields: RecordFields<T>, record: T, what: string): Record<string, PropertyValue> {
  const plain: EntityProperties = {};
  let json: Record<string, PropertyValue> = {};
  for (const [name, kind] of Object.entries(fields) as [string, FieldKind][]) {
    const value = (record as Record<string, unknown>)[name];
    if (kind === 'json') json = { ...json, ...jsonProperties(name, value, `${name} of ${what}`) };
    else plain[name] = value as PropertyValue | null | undefined;
  }
  return { ...withoutNulls(plain), ...json };
}

/** The record an entity holds (a missing property reads as null, or 0 for a number that must be there). */
export function fromEntity<T>(fields: RecordFields<T>, entity: Record<string, unknown>): T {
  return readRecord(fields, (name, kind) => {
    switch (kind) {
      case 'text':
        return String(entity[name]);
      case 'text?':
        return stringOrNull(entity, name);
      case 'number':
        return numberOf(entity, name);
      case 'number?':
        return numberOrNull(entity, name);
      case 'flag':
        return entity[name] === true;
      case 'json':
        return readJsonProperties(entity, name);
    }
  });
}
