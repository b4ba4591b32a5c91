/** A WHERE clause built from optional filters: a filter left undefined adds nothing; values are parameters. */
export class Conditions {
  private readonly clauses: string[] = [];
  readonly params: (string | number)[] = [];

  /** `column = value`. */
  equal(column: string, value: string | number | undefined): this {
    return value === undefined ? this : this.add(`${column} = ?`, value);
  }

  /** `column >= value`. */
  atLeast(column: string, value: number | undefined): this {
    return value === undefined ? this : this.add(`${column} >= ?`, value);
  }

  /** `column <= value`. */
  atMost(column: string, value: number | undefined): this {
    return value === undefined ? this : this.add(`${column} <= ?`, value);
  }

  /** `column < value` (paging backwards by id). */
  below(column: string, value: number | undefined): this {
    return value === undefined ? this : this.add(`${column} < ?`, value);
  }

  /** The text appears in the column, case-insensitively; `%` and `_` in it are literal. */
  contains(column: string, text: string | undefined): this {
    return text === undefined || text === '' ? this : this.add(`${column} LIKE ? ESCAPE '\\'`, `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }

  /** A clause of the caller's own, with its parameters. */
  add(clause: string, ...params: (string | number)[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  /** `WHERE a AND b`, or nothing. */
  get sql(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}
