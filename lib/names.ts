// How a PostgreSQL name is SHOWN: exactly as quote_ident() would write it, so what the console
// shows can be pasted into psql. One helper for every page (tables, indexes, jobs, locks, lint).
// The split is deliberate and single: names shown to a person go through quoteIdent/qualifiedName
// here; names put into SQL the console runs (or hands over as a fix to paste) go through pg's
// escapeIdentifier, on a name read from the catalog by OID — never through these helpers.

// Keywords quote_ident() quotes (every category but unreserved): SELECT word FROM
// pg_get_keywords() WHERE catcode <> 'U' on PostgreSQL 18 (a superset of 14's).
const QUOTED_KEYWORDS = new Set(
  (
    "all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast char " +
    "character check coalesce collate collation column concurrently constraint create cross current_catalog current_date " +
    "current_role current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do " +
    "else end except exists extract false fetch float for foreign freeze from full grant greatest group grouping having ilike " +
    "in initially inner inout int integer intersect interval into is isnull join json json_array json_arrayagg json_exists " +
    "json_object json_objectagg json_query json_scalar json_serialize json_table json_value lateral leading least left like " +
    "limit localtime localtimestamp merge_action national natural nchar none normalize not notnull null nullif numeric offset " +
    "on only or order out outer overlaps overlay placing position precision primary real references returning right row " +
    "select session_user setof similar smallint some substring symmetric system_user table tablesample then time timestamp " +
    "to trailing treat trim true union unique user using values varchar variadic verbose when where window with " +
    "xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable"
  ).split(" "),
);

/** A name as quote_ident() shows it: bare when it is lower-case and not a keyword, else "double quoted". */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !QUOTED_KEYWORDS.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** schema.name, each part quoted as PostgreSQL would; the schema is left out when unknown. */
export function qualifiedName(schema: string | null | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}
