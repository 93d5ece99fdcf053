import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SelectionLimits } from './selection-limits-rule.ts';

// A schema of its own: the service's lists cannot reach the object limit once each page comes once.
const schema = buildSchema(`
  type Query { shelves(limit: Int): [Shelf!]! shelf: Shelf }
  type Shelf { books: [Book!]! }
  type Book { pages: [Page!]! title: String }
  type Page { number: Int }
`);
const check = (query: string) => validate(schema, parse(query), [SelectionLimits]).map((e) => e.message);

describe('SelectionLimits', () => {
  it('counts every list as a full page: at most 50,000 objects', () => {
    expect(check('{ shelves { books { title } } }')).toEqual([]); // 100 + 10,000
    expect(check('{ shelves { books { pages { number } } } }')).toEqual([
      'The answer could hold more than 50000 objects (every list counted as 100).',
    ]);
  });

  it('takes a root field with a limit once per operation, however it is aliased', () => {
    expect(check('{ shelves { books { title } } a: shelf { books { title } } b: shelf { books { title } } }')).toEqual([]);
    expect(check('{ shelves { books { title } } again: shelves { books { title } } }')).toEqual([
      'Query.shelves may be selected once per operation: page through it with limit and offset.',
    ]);
  });
});
