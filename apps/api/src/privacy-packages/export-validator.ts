// ajv validators of what a package writes, compiled once: the whole data.json (tests, readers) and,
// while streaming, one record at a time plus the document's envelope.
import { DATA_JSON_SCHEMA, EXPORT_RECORD_SCHEMA, MANIFEST_SCHEMA } from '@soar2/privacy';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export interface ExportValidators {
  dataJson: ValidateFunction;
  record: ValidateFunction;
  manifest: ValidateFunction;
}

let compiled: ExportValidators | undefined;

export function exportValidators(): ExportValidators {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    compiled = {
      dataJson: ajv.compile(DATA_JSON_SCHEMA),
      record: ajv.compile({ ...EXPORT_RECORD_SCHEMA }),
      manifest: ajv.compile(MANIFEST_SCHEMA),
    };
  }
  return compiled;
}

/** ajv's errors as one line (paths and messages only, never values: they are personal data). */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
}
