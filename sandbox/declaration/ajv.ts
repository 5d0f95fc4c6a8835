import { Ajv, type Options } from 'ajv';
import formatsPlugin from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
const addFormats = ((formatsPlugin as unknown as { default?: unknown }).default ??
  formatsPlugin) as typeof formatsPlugin.default;

/**
 * An Ajv instance (draft-07 dialect) with the standard formats, reporting every error with the
 * failing data and schema so messages can quote them.
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, ...options });
  addFormats(ajv);
  return ajv;
}
