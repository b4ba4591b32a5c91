import { applyEdits, findNodeAtLocation, parseTree, type Edit, type Node } from 'jsonc-parser';

/** How inserted JSON is laid out: the file's own indent unit and line ending. */
export interface Layout {
  indent: string;
  eol: string;
}

/** The indent unit (tabs or N spaces, from the first indented line) and line ending of a file. */
export function detectLayout(text: string): Layout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const first = /^([ \t]+)\S/m.exec(text)?.[1];
  return { indent: first?.startsWith('\t') ? '\t' : first ? first : '  ', eol };
}

/**
 * Sets `value` at an object path of a JSON(C) text, touching nothing else: comments, the other properties
 * and their layout stay byte for byte. Missing objects on the path are created. Only the inserted value is
 * laid out (with the file's indent). jsonc-parser's `modify` with formatting would re-format the line of the
 * neighbouring property too (a one-line entry gets spread over lines), hence the placement by hand here.
 * The text must hold a JSON object at its root.
 */
export function setJsoncProperty(text: string, path: readonly string[], value: unknown, layout: Layout): string {
  const root = parseTree(text);
  if (!root || root.type !== 'object') throw new Error('expected a JSON object at the root');
  const existing = findNodeAtLocation(root, [...path]);
  if (existing) {
    const property = existing.parent ?? existing;
    const content = serialize(value, lineIndent(text, property.offset), layout);
    return applyEdits(text, [{ offset: existing.offset, length: existing.length, content }]);
  }
  const parentPath = path.slice(0, -1);
  const key = path.at(-1);
  if (key === undefined) throw new Error('empty path');
  const parent = parentPath.length === 0 ? root : findNodeAtLocation(root, [...parentPath]);
  if (!parent) return setJsoncProperty(text, parentPath, { [key]: value }, layout);
  if (parent.type !== 'object') throw new Error(`${parentPath.join('.')} is not an object`);
  return applyEdits(text, insertProperty(text, parent, key, value, layout));
}

function insertProperty(text: string, object: Node, key: string, value: unknown, layout: Layout): Edit[] {
  const last = object.children?.at(-1);
  const objectIndent = lineIndent(text, object.parent?.offset ?? object.offset);
  if (!last) {
    const childIndent = objectIndent + layout.indent;
    const property = `${JSON.stringify(key)}: ${serialize(value, childIndent, layout)}`;
    const inside = text.slice(object.offset + 1, object.offset + object.length - 1);
    // An empty `{}` (whitespace only) is rewritten whole; one holding a comment keeps it after the new property.
    if (inside.trim() === '') {
      return [{ offset: object.offset, length: object.length, content: `{${layout.eol}${childIndent}${property}${layout.eol}${objectIndent}}` }];
    }
    return [{ offset: object.offset + 1, length: 0, content: `${layout.eol}${childIndent}${property}` }];
  }
  const end = last.offset + last.length;
  if (startsOwnLine(text, last.offset)) {
    const childIndent = lineIndent(text, last.offset);
    const property = `${layout.eol}${childIndent}${JSON.stringify(key)}: ${serialize(value, childIndent, layout)}`;
    // A comment after the last property, on its line (`"fs": {…}, // keep me`), stays with that property; a
    // trailing comma there says the file likes them, so the new last property gets one too.
    const comment = /^[ \t]*(,?)[ \t]*(?:\/\/[^\r\n]*|\/\*[^\r\n]*?\*\/[ \t]*)(?=\r?\n)/.exec(text.slice(end));
    if (comment) {
      const after = { offset: end + comment[0].length, length: 0, content: comment[1] ? `${property},` : property };
      return comment[1] ? [after] : [{ offset: end, length: 0, content: ',' }, after];
    }
    return [{ offset: end, length: 0, content: `,${property}` }];
  }
  // A compact object (`{"a":{...}}` on one line): stay compact.
  return [{ offset: end, length: 0, content: `,${JSON.stringify(key)}:${JSON.stringify(value)}` }];
}

/** JSON laid out with the file's indent unit, continuation lines indented from `baseIndent`. */
function serialize(value: unknown, baseIndent: string, layout: Layout): string {
  return JSON.stringify(value, null, layout.indent).split('\n').join(`${layout.eol}${baseIndent}`);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The whitespace at the start of the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset), offset))?.[0] ?? '';
}

function startsOwnLine(text: string, offset: number): boolean {
  return text.slice(lineStart(text, offset), offset).trim() === '';
}
