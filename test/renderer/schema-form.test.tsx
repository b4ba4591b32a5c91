// @vitest-environment jsdom
// The playground's form generated from a tool's JSON Schema (@rjsf with our eval-free validator).
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../shared/contract.ts';
import { hasNoFields, SchemaForm, schemaProblems } from '../../renderer/components/schema-form.tsx';
import { SchemaValidator, toRjsfErrors } from '../../renderer/schema/validator.ts';

afterEach(cleanup);

/** The form as the playground holds it: controlled, the last values kept for the test to read. */
function renderForm(schema: JsonObject, initial: JsonObject = {}) {
  const seen: { values: JsonObject } = { values: initial };
  function Harness() {
    const [values, setValues] = useState<JsonObject>(initial);
    return (
      <SchemaForm
        schema={schema}
        values={values}
        idPrefix="t"
        onChange={(next) => {
          seen.values = next;
          setValues(next);
        }}
      />
    );
  }
  render(<Harness />);
  return seen;
}

const type = (element: HTMLElement, value: string) => act(() => void fireEvent.change(element, { target: { value } }));

describe('the schema form', () => {
  it('fills nested objects', () => {
    const seen = renderForm({
      type: 'object',
      properties: { user: { type: 'object', title: 'User', properties: { name: { type: 'string', title: 'Name' }, age: { type: 'integer', title: 'Age' } }, required: ['name'] } },
    });
    type(screen.getByLabelText(/^Name/), 'Ada');
    type(screen.getByLabelText(/^Age/), '36');
    expect(seen.values).toEqual({ user: { name: 'Ada', age: 36 } });
  });

  it('adds, fills and removes array items', () => {
    const seen = renderForm({ type: 'object', properties: { tags: { type: 'array', title: 'Tags', items: { type: 'string' } } } });
    const add = () => act(() => void fireEvent.click(document.querySelector('.btn-add')!));
    add();
    add();
    const inputs = () => [...document.querySelectorAll<HTMLInputElement>('.rjsf-array-item input')];
    type(inputs()[0]!, 'red');
    type(inputs()[1]!, 'blue');
    expect(seen.values).toEqual({ tags: ['red', 'blue'] });
    act(() => void fireEvent.click(document.querySelectorAll('.rjsf-array-item-remove')[0]!));
    expect(seen.values).toEqual({ tags: ['blue'] });
  });

  it('offers an enum as a choice, starting from its default', () => {
    const seen = renderForm({ type: 'object', properties: { unit: { type: 'string', title: 'Unit', enum: ['celsius', 'fahrenheit'], default: 'celsius' } } });
    expect(seen.values).toEqual({ unit: 'celsius' });
    const select = screen.getByLabelText(/^Unit/) as HTMLSelectElement;
    expect([...select.options].map((option) => option.textContent)).toEqual(expect.arrayContaining(['celsius', 'fahrenheit']));
    act(() => void fireEvent.change(select, { target: { value: select.options[[...select.options].findIndex((o) => o.textContent === 'fahrenheit')]!.value } }));
    expect(seen.values).toEqual({ unit: 'fahrenheit' });
  });

  it('lets a person pick a branch of an anyOf and fill it', () => {
    const seen = renderForm({
      type: 'object',
      properties: {
        target: {
          title: 'Target',
          anyOf: [
            { title: 'By id', type: 'object', properties: { id: { type: 'integer', title: 'Id' } }, required: ['id'] },
            { title: 'By name', type: 'object', properties: { name: { type: 'string', title: 'Target name' } }, required: ['name'] },
          ],
        },
      },
    });
    const chooser = document.querySelector<HTMLSelectElement>('select')!;
    expect([...chooser.options].map((option) => option.textContent)).toEqual(['By id', 'By name']);
    act(() => void fireEvent.change(chooser, { target: { value: chooser.options[1]!.value } }));
    type(screen.getByLabelText(/^Target name/), 'prod');
    expect(seen.values).toEqual({ target: { name: 'prod' } });
  });

  it('offers titled choices sent as anyOf/oneOf of constants, alone and as a multiple choice (as MCP elicitations send them)', () => {
    const seen = renderForm({
      type: 'object',
      properties: {
        hero: { type: 'string', title: 'Hero', oneOf: [{ const: 'hero-1', title: 'Superman' }, { const: 'hero-2', title: 'Wonder Woman' }] },
        fish: { type: 'array', title: 'Fish', items: { anyOf: [{ const: 'fish-1', title: 'Tuna' }, { const: 'fish-2', title: 'Salmon' }, { const: 'fish-3', title: 'Trout' }] } },
      },
    });
    expect(document.body.textContent).not.toMatch(/Unsupported field schema/);
    const fish = screen.getByLabelText(/^Fish/) as HTMLSelectElement;
    expect(fish.multiple).toBe(true);
    expect([...fish.options].map((option) => option.textContent)).toEqual(['Tuna', 'Salmon', 'Trout']);
    fish.options[0]!.selected = true;
    fish.options[2]!.selected = true;
    act(() => void fireEvent.change(fish));
    expect(seen.values.fish).toEqual(['fish-1', 'fish-3']);
    const hero = screen.getByLabelText(/^Hero/) as HTMLSelectElement;
    act(() => void fireEvent.change(hero, { target: { value: hero.options[[...hero.options].findIndex((o) => o.textContent === 'Wonder Woman')]!.value } }));
    expect(seen.values).toEqual({ fish: ['fish-1', 'fish-3'], hero: 'hero-2' });
  });

  it('shows the names of a legacy titled enum (enumNames) and sends its values', () => {
    const seen = renderForm({ type: 'object', properties: { pet: { type: 'string', title: 'Pet', enum: ['pet-1', 'pet-2'], enumNames: ['Cat', 'Dog'] } } });
    const select = screen.getByLabelText(/^Pet/) as HTMLSelectElement;
    expect([...select.options].map((option) => option.textContent)).toEqual(expect.arrayContaining(['Cat', 'Dog']));
    act(() => void fireEvent.change(select, { target: { value: select.options[[...select.options].findIndex((o) => o.textContent === 'Dog')]!.value } }));
    expect(seen.values).toEqual({ pet: 'pet-2' });
  });

  it('shows no errors inside the form, typing or leaving a field (nothing moves under the pointer; the line beside Run says it)', () => {
    renderForm({ type: 'object', properties: { count: { type: 'integer', title: 'Count', minimum: 1 } } });
    type(screen.getByLabelText(/^Count/), '0');
    const field = screen.getByLabelText(/^Count/).closest('.form-group') as HTMLElement;
    expect(within(field).queryByText(/less than 1/)).toBeNull();
    act(() => void fireEvent.blur(screen.getByLabelText(/^Count/)));
    expect(within(field).queryByText(/less than 1/)).toBeNull();
  });

  it('says in sentences where arguments break the schema, for the line beside Run', () => {
    const schema = { type: 'object', properties: { message: { type: 'string' }, count: { type: 'integer', minimum: 1 } }, required: ['message'] };
    expect(schemaProblems(schema, {})).toEqual(['message is a required property']);
    expect(schemaProblems(schema, { message: 'hi', count: 0 })).toEqual([expect.stringMatching(/^count .*1/)]);
    expect(schemaProblems(schema, { message: 'hi', count: 2 })).toEqual([]);
  });

  it('knows a tool without arguments', () => {
    expect(hasNoFields({ type: 'object' })).toBe(true);
    expect(hasNoFields({ type: 'object', properties: {} })).toBe(true);
    expect(hasNoFields({ type: 'object', properties: { a: { type: 'string' } } })).toBe(false);
  });
});

describe('the eval-free validator', () => {
  const validator = new SchemaValidator();

  it('puts a missing required property on the property itself, and says an anyOf failed once', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, n: { type: 'array', items: { type: 'number' } }, c: { anyOf: [{ type: 'string' }, { type: 'number' }] } }, required: ['a'] } as const;
    const { errors } = validator.validateFormData({ n: [1, 'x'], c: true }, schema as never);
    expect(errors.map((error) => [error.property, error.name])).toEqual([
      ['.a', 'required'],
      ['.n.1', 'type'],
      ['.c', 'anyOf'],
    ]);
    expect(errors[1]!.message).toBe('must be number, not string');
  });

  it('resolves a sub-schema’s references in the root schema (how rjsf matches anyOf branches)', () => {
    const root = { definitions: { positive: { type: 'number', minimum: 1 } }, type: 'object', properties: { x: { $ref: '#/definitions/positive' } } };
    expect(validator.isValid({ $ref: '#/definitions/positive' }, 5, root as never)).toBe(true);
    expect(validator.isValid({ $ref: '#/definitions/positive' }, 0, root as never)).toBe(false);
  });

  it('never compiles code (the window’s CSP forbids eval)', () => {
    const original = globalThis.Function;
    globalThis.Function = (() => {
      throw new Error('eval is forbidden');
    }) as unknown as FunctionConstructor;
    try {
      expect(toRjsfErrors(new SchemaValidator().rawValidation({ type: 'object', required: ['q'] }, {}).errors as never)).toHaveLength(1);
    } finally {
      globalThis.Function = original;
    }
  });
});
