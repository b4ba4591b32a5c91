import Form from '@rjsf/core';
import { getDefaultFormState, type RJSFSchema, type UiSchema } from '@rjsf/utils';
import { useEffect, useMemo } from 'react';
import type { JsonObject } from '../../shared/contract.ts';
import { schemaValidator } from '../schema/validator.ts';

const UI_SCHEMA: UiSchema = { 'ui:submitButtonOptions': { norender: true } };

/**
 * A form generated from a JSON Schema (a tool's inputSchema, an elicitation's requestedSchema) with @rjsf:
 * nested objects, arrays, enums, oneOf/anyOf, defaults and required fields. Controlled: `values` in, `onChange` out.
 */
export function SchemaForm({
  schema,
  values,
  onChange,
  idPrefix,
}: {
  schema: JsonObject;
  values: JsonObject;
  /** `byPerson` is false for the schema's defaults filled in when the form opens. */
  onChange: (values: JsonObject, byPerson: boolean) => void;
  idPrefix: string;
}) {
  const prepared = useMemo(() => prepareSchema(schema), [schema]);
  // A fresh form starts from the schema's defaults, so what runs is what the form shows.
  useEffect(() => {
    if (Object.keys(values).length > 0) return;
    const defaults = getDefaultFormState(schemaValidator, prepared, {}, prepared) as JsonObject | undefined;
    if (defaults && Object.keys(defaults).length > 0) onChange(defaults, false);
    // Only when the schema changes: later edits are the person's.
  }, [prepared]);
  return (
    <div className="schema-form">
      <Form
        schema={prepared}
        uiSchema={UI_SCHEMA}
        formData={values}
        validator={schemaValidator}
        // No errors inside the form: one that appears or goes on blur moves what is under it, so a click on
        // "+ Add item" after typing landed beside it; and fields nobody touched showed errors. The caller says
        // what the schema wants, once the person has started (schemaProblems).
        liveValidate={false}
        showErrorList={false}
        noHtml5Validate
        idPrefix={idPrefix}
        onChange={(event) => onChange((event.formData ?? {}) as JsonObject, true)}
        onSubmit={() => {}}
      />
    </div>
  );
}

/**
 * Where `values` break the schema, as short sentences (`.message is a required property`): the playground says
 * so before a run, and still sends what the person asks for (testing a server's own validation is a use).
 */
export function schemaProblems(schema: JsonObject, values: JsonObject): string[] {
  return schemaValidator.validateFormData(values, prepareSchema(schema)).errors.map((error) => error.stack.replace(/^\./, ''));
}

/**
 * A tool schema as a form wants it: an object at the root (some servers omit `type`), no `$schema` to trip over,
 * and the shapes of choices MCP servers send (titled enums as `oneOf`/`anyOf` of `const`, legacy `enumNames`, arrays
 * of such choices) in the form rjsf renders as a choice instead of "Unsupported field schema".
 */
export function prepareSchema(schema: JsonObject): RJSFSchema {
  const { $schema: _dialect, ...rest } = schema;
  return normalizeChoices({ type: 'object', ...rest }) as RJSFSchema;
}

/** Sub-schemas a schema holds, by keyword: one schema, a list of schemas, or a map of them. */
const ONE = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains'];
const LIST = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

function normalizeChoices(node: unknown): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  const schema: JsonObject = { ...(node as JsonObject) };
  for (const key of ONE) if (key in schema) schema[key] = Array.isArray(schema[key]) ? (schema[key] as unknown[]).map(normalizeChoices) : normalizeChoices(schema[key]);
  for (const key of LIST) if (Array.isArray(schema[key])) schema[key] = (schema[key] as unknown[]).map(normalizeChoices);
  for (const key of MAP) {
    const map = schema[key];
    if (typeof map === 'object' && map !== null && !Array.isArray(map)) schema[key] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, normalizeChoices(sub)]));
  }
  // Legacy titled enum (`enumNames`, dropped by rjsf 6): the same choice as titled `oneOf` branches.
  const { enum: values, enumNames: names } = schema;
  if (Array.isArray(values) && Array.isArray(names) && names.length === values.length && schema.oneOf === undefined) {
    schema.oneOf = values.map((value: unknown, index) => ({ const: value, title: String(names[index]) }));
    delete schema.enum;
    delete schema.enumNames;
  }
  // A choice of constants without a `type` (titled enums, as items of a multiple choice): rjsf needs the type.
  const constants = choiceConstants(schema);
  if (schema.type === undefined && constants) {
    const types = new Set(constants.map((value) => (Number.isInteger(value) ? 'integer' : typeof value)));
    if (types.size === 1 && ['string', 'integer', 'number', 'boolean'].includes([...types][0]!)) schema.type = [...types][0];
    else if (types.size === 2 && types.has('integer') && types.has('number')) schema.type = 'number';
  }
  // An array of such choices is a multiple choice (rjsf shows one only when items are unique).
  if (schema.type === 'array' && schema.uniqueItems === undefined && choiceConstants(schema.items) !== undefined) schema.uniqueItems = true;
  return schema;
}

/** The constants a schema chooses between (`enum`, or `anyOf`/`oneOf` branches that are each one `const`). */
function choiceConstants(node: unknown): unknown[] | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const schema = node as JsonObject;
  if (Array.isArray(schema.enum)) return schema.enum;
  const branches = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const constants: unknown[] = [];
  for (const branch of branches) {
    if (typeof branch !== 'object' || branch === null || !('const' in branch)) return undefined;
    constants.push((branch as JsonObject).const);
  }
  return constants;
}

/** True when the schema has nothing to fill in. */
export function hasNoFields(schema: JsonObject): boolean {
  const properties = schema.properties;
  return (typeof properties !== 'object' || properties === null || Object.keys(properties).length === 0) && !schema.anyOf && !schema.oneOf && !schema.additionalProperties;
}
