// Compares what prisma/schema.prisma declares (through the generated client) with what a database holds,
// so test/migrations.test.ts can fail when the schema and the committed migrations drift apart.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { getDatamodel } from '../../src/generated/pothos-types.ts';
import { withClient } from './database.ts';

export type Column = { nullable: boolean; type: string };
export type Table = { columns: Map<string, Column>; primaryKey: string[]; uniques: string[][] };
export type Schema = { tables: Map<string, Table>; enums: Map<string, string[]> };

const root = path.resolve(import.meta.dirname, '../..');
// Types as Postgres's format_type() prints them; `()` is where a native type's arguments go, if any.
const SCALAR_TYPES: Record<string, string> = {
  String: 'text', Int: 'integer', BigInt: 'bigint', Float: 'double precision', Decimal: 'numeric(65,30)',
  Boolean: 'boolean', DateTime: 'timestamp(3) without time zone', Json: 'jsonb', Bytes: 'bytea',
};
const NATIVE_TYPES: Record<string, string> = {
  Uuid: 'uuid', Text: 'text', VarChar: 'character varying()', Char: 'character()', Integer: 'integer',
  SmallInt: 'smallint', BigInt: 'bigint', DoublePrecision: 'double precision', Real: 'real', Decimal: 'numeric()',
  Boolean: 'boolean', Timestamptz: 'timestamp() with time zone', Timestamp: 'timestamp() without time zone',
  Date: 'date', Time: 'time() without time zone', Timetz: 'time() with time zone', Json: 'json', JsonB: 'jsonb',
  ByteA: 'bytea', Inet: 'inet', Xml: 'xml', Money: 'money', Oid: 'oid', Bit: 'bit()', VarBit: 'bit varying()',
};

/** The tables, columns and enums that schema.prisma (through the generated client) says must exist. */
export async function expectedSchema(): Promise<Schema> {
  const text = await readFile(path.join(root, 'prisma/schema.prisma'), 'utf8');
  const blocks = [...text.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map(([, kind, name, body]) => ({
    kind, name: name!, lines: body!.split('\n').map((l) => l.replace(/(^|\s)\/\/.*$/, '').trim()).filter(Boolean),
  }));
  const mapped = (lines: string[]) => lines.map((l) => /^@@map\("([^"]+)"\)/.exec(l)?.[1]).find(Boolean);
  const enumDbNames = new Map<string, string>();
  const enums = new Map<string, string[]>();
  for (const block of blocks.filter((b) => b.kind === 'enum')) {
    enumDbNames.set(block.name, mapped(block.lines) ?? block.name);
    const values = block.lines.filter((l) => !l.startsWith('@@'));
    enums.set(mapped(block.lines) ?? block.name, values.map((l) => /@map\("([^"]+)"\)/.exec(l)?.[1] ?? l.split(/\s+/)[0]!));
  }
  const nativeTypes = new Map<string, RegExpExecArray | null>();
  for (const block of blocks.filter((b) => b.kind === 'model')) {
    for (const line of block.lines) nativeTypes.set(`${block.name}.${line.split(/\s+/)[0]}`, /@db\.(\w+)(?:\(([^)]*)\))?/.exec(line));
  }
  // The generated client holds @map/@@map names only in its runtime data model, inlined as a JSON string.
  const classTs = await readFile(path.join(root, 'src/generated/prisma/internal/class.ts'), 'utf8');
  const literal = /config\.runtimeDataModel = JSON\.parse\(("(?:[^"\\]|\\.)*")\)/.exec(classTs)?.[1];
  if (!literal) throw new Error('runtimeDataModel not found in the generated client: run `npm run prepare:client`');
  const runtime = JSON.parse(JSON.parse(literal)) as {
    models: Record<string, { dbName: string | null; fields: { name: string; dbName?: string }[] }>;
  };

  const tables = new Map<string, Table>();
  for (const [modelName, model] of Object.entries(getDatamodel().datamodel.models)) {
    const runtimeModel = runtime.models[modelName]!;
    const column = (field: string) => runtimeModel.fields.find((f) => f.name === field)?.dbName ?? field;
    const table: Table = { columns: new Map(), primaryKey: [], uniques: [] };
    for (const field of model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum')) {
      const native = nativeTypes.get(`${modelName}.${field.name}`);
      const base = field.kind === 'enum' ? `enum ${enumDbNames.get(field.type)}`
        : native ? (NATIVE_TYPES[native[1]!] ?? `@db.${native[1]}`).replace('()', native[2] ? `(${native[2].replace(/\s/g, '')})` : '')
        : (SCALAR_TYPES[field.type] ?? field.type);
      table.columns.set(column(field.name), { nullable: !field.isRequired, type: field.isList ? `${base}[]` : base });
      if (field.isId) table.primaryKey = [column(field.name)];
      if (field.isUnique) table.uniques.push([column(field.name)]);
    }
    if (model.primaryKey) table.primaryKey = model.primaryKey.fields.map(column);
    for (const unique of model.uniqueIndexes) table.uniques.push(unique.fields.map(column));
    tables.set(runtimeModel.dbName ?? modelName, table);
  }
  return { tables, enums };
}

/** The same shape read back from the database's catalog (current schema only). */
export async function actualSchema(url: string): Promise<Schema> {
  return withClient(url, async (client) => {
    const tables = new Map<string, Table>();
    const tableRows = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
    for (const { name } of tableRows.rows) tables.set(name, { columns: new Map(), primaryKey: [], uniques: [] });
    const columns = await client.query<{ table_name: string; column_name: string; nullable: boolean; type: string; enum_name: string | null }>(
      `SELECT c.relname AS table_name, a.attname AS column_name, NOT a.attnotnull AS nullable,
              format_type(a.atttypid, a.atttypmod) AS type, CASE WHEN t.typtype = 'e' THEN t.typname END AS enum_name
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`);
    for (const c of columns.rows) {
      tables.get(c.table_name)?.columns.set(c.column_name, { nullable: c.nullable, type: c.enum_name ? `enum ${c.enum_name}` : c.type });
    }
    const indexes = await client.query<{ table_name: string; is_primary: boolean; columns: string[] }>(
      `SELECT t.relname AS table_name, ix.indisprimary AS is_primary,
              ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND ix.indisunique AND ix.indpred IS NULL`);
    for (const ix of indexes.rows) {
      const table = tables.get(ix.table_name);
      if (ix.is_primary && table) table.primaryKey = ix.columns;
      else table?.uniques.push(ix.columns);
    }
    const enums = new Map<string, string[]>();
    const labels = await client.query<{ name: string; label: string }>(
      `SELECT t.typname AS name, e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
         JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder`);
    for (const { name, label } of labels.rows) enums.set(name, [...(enums.get(name) ?? []), label]);
    return { tables, enums };
  });
}

/** Every disagreement between schema.prisma and the database, as readable sentences; empty when they agree. */
export function schemaDrift(expected: Schema, actual: Schema): string[] {
  const problems: string[] = [];
  const show = (c: Column) => `${c.type} ${c.nullable ? 'NULL' : 'NOT NULL'}`;
  for (const [name, want] of expected.tables) {
    const have = actual.tables.get(name);
    if (!have) { problems.push(`table ${name} is missing`); continue; }
    for (const [column, wantColumn] of want.columns) {
      const haveColumn = have.columns.get(column);
      if (!haveColumn) problems.push(`column ${name}.${column} is missing`);
      else if (show(haveColumn) !== show(wantColumn)) problems.push(`column ${name}.${column} is ${show(haveColumn)}, schema says ${show(wantColumn)}`);
    }
    for (const column of have.columns.keys()) if (!want.columns.has(column)) problems.push(`column ${name}.${column} is not in schema.prisma`);
    if (want.primaryKey.join() !== have.primaryKey.join()) problems.push(`table ${name} has primary key (${have.primaryKey}), schema says (${want.primaryKey})`);
    for (const unique of want.uniques) {
      if (!have.uniques.some((u) => u.join() === unique.join())) problems.push(`table ${name} lacks a unique index on (${unique})`);
    }
  }
  for (const name of actual.tables.keys()) if (name !== '_prisma_migrations' && !expected.tables.has(name)) problems.push(`table ${name} is not in schema.prisma`);
  for (const [name, values] of expected.enums) {
    if (actual.enums.get(name)?.join() !== values.join()) problems.push(`enum ${name} has [${actual.enums.get(name) ?? 'no type'}], schema says [${values}]`);
  }
  for (const name of actual.enums.keys()) if (!expected.enums.has(name)) problems.push(`enum ${name} is not in schema.prisma`);
  return problems;
}
