/**
 * The errors a Salesforce REST write answers with, worded as a real org words them, in one place so
 * that publishing `Chat_Event__e` and writing records refuse a request in the same words. A REST
 * error body is a JSON array of {@link SObjectError}.
 */

/** One error of a Salesforce REST answer (the body is an array of these). */
export interface SObjectError {
  errorCode: string;
  message: string;
  fields?: string[];
}

/** `INVALID_FIELD`: the body names a field the object does not have. */
export function invalidField(field: string, sobject: string): SObjectError {
  return { errorCode: 'INVALID_FIELD', message: `No such column '${field}' on sobject of type ${sobject}` };
}

/** `INVALID_FIELD_FOR_INSERT_UPDATE`: the body sets a field the platform (or nobody) may set. */
export function readOnlyField(field: string): SObjectError {
  return {
    errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    message: `Unable to create/update fields: ${field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
    fields: [field],
  };
}

/** `STRING_TOO_LONG`: a text value is longer than its field (`length` in characters). */
export function stringTooLong(field: { name: string; label: string; length: number }, value: string): SObjectError {
  return {
    errorCode: 'STRING_TOO_LONG',
    message: `${field.label}: data value too large: ${value} (max length=${field.length})`,
    fields: [field.name],
  };
}

/** `REQUIRED_FIELD_MISSING`: required fields without a value. */
export function requiredFieldsMissing(fields: string[]): SObjectError {
  return { errorCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${fields.join(', ')}]`, fields };
}

/** `JSON_PARSER_ERROR`: a value of the wrong JSON type (`token` as Jackson names it, e.g. `START_OBJECT`). */
export function wrongJsonType(target: string, token: string): SObjectError {
  return { errorCode: 'JSON_PARSER_ERROR', message: `Cannot deserialize instance of ${target} from ${token} value` };
}

/** Jackson's name of the token a JSON value starts with, as Salesforce quotes it in `JSON_PARSER_ERROR`. */
export function jsonToken(value: unknown): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object' && value !== null) return 'START_OBJECT';
  if (typeof value === 'number') return Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return 'VALUE_STRING';
}

/** 404 body for a resource (version, sObject, record, path) that does not exist. */
export const NOT_FOUND: SObjectError[] = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];

/** 404 body for a record that is in the recycle bin. */
export const ENTITY_IS_DELETED: SObjectError[] = [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }];
