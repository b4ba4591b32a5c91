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
export function SchemaForm({ schema, values, onChange, idPrefix }: { schema: JsonObject; values: JsonObject; onChange: (values: JsonObject) => void; idPrefix: string }) {
  const prepared = useMemo(() => prepareSchema(schema), [schema]);
  // A fresh form starts from the schema's defaults, so what runs is what the form shows.
  useEffect(() => {
    if (Object.keys(values).length > 0) return;
    const defaults = getDefaultFormState(schemaValidator, prepared, {}, prepared) as JsonObject | undefined;
    if (defaults && Object.keys(defaults).length > 0) onChange(defaults);
    // Only when the schema changes: later edits are the person's.
  }, [prepared]);
  return (
    <div className="schema-form">
      <Form
        schema={prepared}
        uiSchema={UI_SCHEMA}
        formData={values}
        validator={schemaValidator}
        liveValidate
        showErrorList={false}
        noHtml5Validate
        idPrefix={idPrefix}
        onChange={(event) => onChange((event.formData ?? {}) as JsonObject)}
        onSubmit={() => {}}
      />
    </div>
  );
}

/** A tool schema as a form wants it: an object at the root (some servers omit `type`), no `$schema` to trip over. */
export function prepareSchema(schema: JsonObject): RJSFSchema {
  const { $schema: _dialect, ...rest } = schema;
  return { type: 'object', ...rest } as RJSFSchema;
}

/** True when the schema has nothing to fill in. */
export function hasNoFields(schema: JsonObject): boolean {
  const properties = schema.properties;
  return (typeof properties !== 'object' || properties === null || Object.keys(properties).length === 0) && !schema.anyOf && !schema.oneOf && !schema.additionalProperties;
}
