/**
 * A JSON-Schema validator for @rjsf forms that never evaluates code: @cfworker/json-schema interprets schemas,
 * where ajv (rjsf's default) compiles them with `new Function`, which the window's CSP forbids.
 */
import { Validator, type OutputUnit, type Schema, type SchemaDraft } from '@cfworker/json-schema';
import {
  createErrorHandler,
  toErrorSchema,
  unwrapErrorHandler,
  validationDataMerge,
  type CustomValidator,
  type ErrorTransformer,
  type RJSFSchema,
  type RJSFValidationError,
  type UiSchema,
  type ValidationData,
  type ValidatorType,
} from '@rjsf/utils';

/** Where a sub-schema's `#/...` references point: the form's root schema, registered under this id. */
const ROOT_ID = 'urn:switchboard:root';

/** Wrapper errors that only repeat what the nested errors say. */
const WRAPPERS = new Set(['properties', 'items', 'prefixItems', 'allOf', '$ref', 'additionalItems', 'unevaluatedProperties', 'unevaluatedItems', 'dependentSchemas', 'then', 'else', 'if']);

type Data = unknown;

export class SchemaValidator implements ValidatorType<Data, RJSFSchema> {
  private readonly cache = new WeakMap<object, Map<string, Validator>>();

  validateFormData(
    formData: Data | undefined,
    schema: RJSFSchema,
    customValidate?: CustomValidator<Data, RJSFSchema>,
    transformErrors?: ErrorTransformer<Data, RJSFSchema>,
    uiSchema?: UiSchema<Data, RJSFSchema>,
  ): ValidationData<Data> {
    const { errors: units = [] } = this.rawValidation<OutputUnit>(schema, formData);
    let errors = toRjsfErrors(units);
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    const errorSchema = toErrorSchema<Data>(errors);
    const data: ValidationData<Data> = { errors, errorSchema };
    if (!customValidate) return data;
    const handler = customValidate(formData, createErrorHandler<Data>(formData as Data), uiSchema);
    return validationDataMerge(data, unwrapErrorHandler<Data>(handler));
  }

  isValid(schema: RJSFSchema, formData: Data | undefined, rootSchema: RJSFSchema): boolean {
    try {
      return this.validator(withRootRefs(schema), rootSchema).validate(formData).valid;
    } catch {
      return false;
    }
  }

  rawValidation<Result = OutputUnit>(schema: RJSFSchema, formData?: Data): { errors?: Result[]; validationError?: Error } {
    try {
      const result = this.validator(schema, schema).validate(formData);
      return { errors: result.errors as Result[] };
    } catch (error) {
      return { errors: [], validationError: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  reset(): void {
    // Validators are cached per schema object; new schemas get new ones.
  }

  private validator(schema: RJSFSchema, rootSchema: RJSFSchema): Validator {
    let byRoot = this.cache.get(schema);
    if (!byRoot) this.cache.set(schema, (byRoot = new Map()));
    const key = schema === rootSchema ? '' : JSON.stringify(rootSchema);
    let validator = byRoot.get(key);
    if (!validator) {
      validator = new Validator(schema as Schema, draftOf(rootSchema), false);
      if (schema !== rootSchema) validator.addSchema(rootSchema as Schema, ROOT_ID);
      byRoot.set(key, validator);
    }
    return validator;
  }
}

function draftOf(schema: RJSFSchema): SchemaDraft {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('draft-04')) return '4';
  if (declared.includes('draft-07') || declared.includes('draft-06')) return '7';
  if (declared.includes('2019-09')) return '2019-09';
  return '2020-12';
}

/** A copy of a sub-schema whose `#/...` references resolve in the root schema. */
function withRootRefs(schema: RJSFSchema): RJSFSchema {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => (key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `${ROOT_ID}${value}` : value)) as RJSFSchema;
}

/** cfworker's output units as rjsf's errors: a property path per field, one message each. */
export function toRjsfErrors(units: readonly OutputUnit[]): RJSFValidationError[] {
  const errors: RJSFValidationError[] = [];
  const seen = new Set<string>();
  for (const unit of units) {
    if (WRAPPERS.has(unit.keyword)) continue;
    // The branches of an anyOf/oneOf that did not match: the anyOf's own error says it once.
    if (/\/(anyOf|oneOf)\/\d+\//.test(unit.keywordLocation)) continue;
    const segments = unit.instanceLocation.replace(/^#\/?/, '').split('/').filter((s) => s !== '').map(decodePointer);
    let message = prettify(unit.error);
    const missing = /required property "([^"]+)"/.exec(unit.error);
    if (unit.keyword === 'required' && missing) {
      segments.push(missing[1]!);
      message = 'is a required property';
    }
    const property = segments.length ? `.${segments.join('.')}` : '';
    const stack = `${property} ${message}`.trim();
    if (seen.has(stack)) continue;
    seen.add(stack);
    errors.push({ name: unit.keyword, message, property, schemaPath: unit.keywordLocation, stack });
  }
  return errors;
}

function prettify(error: string): string {
  const type = /type "([^"]+)" is invalid\. Expected "([^"]+)"/.exec(error);
  if (type) return `must be ${type[2]!.replace(/", "/g, ' or ')}, not ${type[1]}`;
  return error.replace(/^Instance /, 'value ').replace(/\.$/, '');
}

function decodePointer(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

export const schemaValidator = new SchemaValidator();
