import { beforeAll, describe, expect, it } from "vitest";
import { loadSqlParser, redactSql, REDACTED_WHOLE } from "@/lib/pg/redact";
import { NORMALIZE_FAILED, normalizeText } from "@/lib/pg/query-text";

beforeAll(loadSqlParser);

const SECRET = "Rotated-Secret-9876";

/** Redacts, and checks the secret is gone while the statement is still recognisable. */
function redacted(sql: string, secret = SECRET): string {
  const out = redactSql(sql);
  expect(out).not.toContain(secret);
  return out;
}

describe("password clauses of roles", () => {
  it.each([
    [`ALTER ROLE app PASSWORD '${SECRET}'`, `ALTER ROLE app PASSWORD '[redacted]'`],
    [`ALTER ROLE app WITH ENCRYPTED PASSWORD '${SECRET}' VALID UNTIL 'infinity'`, `ALTER ROLE app WITH ENCRYPTED PASSWORD '[redacted]' VALID UNTIL 'infinity'`],
    [`alter user app with login password '${SECRET}'`, `alter user app with login password '[redacted]'`],
    [`CREATE ROLE app LOGIN PASSWORD '${SECRET}' CONNECTION LIMIT 5`, `CREATE ROLE app LOGIN PASSWORD '[redacted]' CONNECTION LIMIT 5`],
    [`CREATE USER "App User" PASSWORD '${SECRET}'`, `CREATE USER "App User" PASSWORD '[redacted]'`],
    [`CREATE GROUP g PASSWORD '${SECRET}'`, `CREATE GROUP g PASSWORD '[redacted]'`],
  ])("%s", (sql, expected) => {
    expect(redacted(sql)).toBe(expected);
  });

  it("handles every way of quoting the string: doubled quotes, E'' escapes, dollar quotes, U&'', continuation", () => {
    expect(redacted(`ALTER ROLE a PASSWORD 'it''s-${SECRET}'`)).toBe(`ALTER ROLE a PASSWORD '[redacted]'`);
    expect(redacted(`ALTER ROLE a PASSWORD E'x\\'${SECRET}'`)).toBe(`ALTER ROLE a PASSWORD '[redacted]'`);
    expect(redacted(`ALTER ROLE a PASSWORD $q$${SECRET}$q$`)).toBe(`ALTER ROLE a PASSWORD '[redacted]'`);
    expect(redacted(`ALTER ROLE a PASSWORD $$${SECRET}$$`)).toBe(`ALTER ROLE a PASSWORD '[redacted]'`);
    expect(redacted(`ALTER ROLE a PASSWORD U&'\\0052otated-Secret-9876'`, "otated-Secret")).toBe(`ALTER ROLE a PASSWORD '[redacted]'`);
    expect(redacted(`ALTER ROLE a PASSWORD 'Rotated-'\n  'Secret-9876'`, "Secret-9876")).toBe(`ALTER ROLE a PASSWORD '[redacted]'`);
  });

  it("keeps positions right around multi-byte characters", () => {
    expect(redacted(`ALTER ROLE "rôle_ü" PASSWORD 'sé${SECRET}' -- café`)).toBe(`ALTER ROLE "rôle_ü" PASSWORD '[redacted]' -- café`);
  });

  it("redacts each statement of a multi-statement text and leaves other statements alone", () => {
    expect(redacted(`SELECT 'keep me'; CREATE ROLE a PASSWORD '${SECRET}'; SELECT 2`)).toBe(
      `SELECT 'keep me'; CREATE ROLE a PASSWORD '[redacted]'; SELECT 2`,
    );
  });

  it("leaves a statement without secrets exactly as it was (and PASSWORD NULL has nothing to hide)", () => {
    for (const sql of ["ALTER ROLE a PASSWORD NULL", "SELECT password_hash FROM users WHERE id = 5", "SELECT 1", "UPDATE t SET token_count = 3"]) {
      expect(redactSql(sql)).toBe(sql);
    }
  });
});

describe("user mappings, foreign servers and other OPTIONS (…)", () => {
  it.each([
    [`CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '${SECRET}')`, `CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '[redacted]')`],
    [
      `ALTER USER MAPPING FOR app SERVER remote OPTIONS (SET password '${SECRET}', ADD sslpassword '${SECRET}', DROP passfile)`,
      `ALTER USER MAPPING FOR app SERVER remote OPTIONS (SET password '[redacted]', ADD sslpassword '[redacted]', DROP passfile)`,
    ],
    [
      `CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db.internal', dbname 'shop', password '${SECRET}')`,
      `CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db.internal', dbname 'shop', password '[redacted]')`,
    ],
    [`ALTER SERVER remote OPTIONS (ADD "Password" '${SECRET}')`, `ALTER SERVER remote OPTIONS (ADD "Password" '[redacted]')`],
    [`CREATE SERVER s3 FOREIGN DATA WRAPPER s3_fdw OPTIONS (secret_access_key '${SECRET}', region 'eu')`, `CREATE SERVER s3 FOREIGN DATA WRAPPER s3_fdw OPTIONS (secret_access_key '[redacted]', region 'eu')`],
    [`CREATE FOREIGN TABLE f (a int) SERVER odbc OPTIONS (dsn 'Driver=x;Pwd=${SECRET}')`, `CREATE FOREIGN TABLE f (a int) SERVER odbc OPTIONS (dsn '[redacted]')`],
  ])("%s", (sql, expected) => {
    expect(redacted(sql)).toBe(expected);
  });

  it("CREATE/ALTER SUBSCRIPTION … CONNECTION (a connection string with its password)", () => {
    expect(redacted(`CREATE SUBSCRIPTION sub CONNECTION 'host=primary password=${SECRET}' PUBLICATION pub`)).toBe(
      `CREATE SUBSCRIPTION sub CONNECTION '[redacted]' PUBLICATION pub`,
    );
    expect(redacted(`ALTER SUBSCRIPTION sub CONNECTION 'host=p user=r password=${SECRET}'`)).toBe(`ALTER SUBSCRIPTION sub CONNECTION '[redacted]'`);
  });
});

describe("dblink connection strings", () => {
  it.each([
    [`SELECT dblink_connect('host=remote password=${SECRET}')`, `SELECT dblink_connect('[redacted]')`],
    [`SELECT dblink_connect('myconn', 'host=remote password=${SECRET}')`, `SELECT dblink_connect('[redacted]', '[redacted]')`],
    [`SELECT dblink_connect_u('c', 'password=${SECRET}')`, `SELECT dblink_connect_u('[redacted]', '[redacted]')`],
    [
      `SELECT * FROM dblink('dbname=shop password=${SECRET}', 'SELECT id FROM orders') AS t(id int)`,
      `SELECT * FROM dblink('[redacted]', 'SELECT id FROM orders') AS t(id int)`,
    ],
    [`SELECT public.dblink_exec('host=h password=${SECRET}'::text, 'VACUUM')`, `SELECT public.dblink_exec('[redacted]'::text, 'VACUUM')`],
    [`SELECT dblink_open('host=h password=${SECRET}', 'cur', 'SELECT 1')`, `SELECT dblink_open('[redacted]', 'cur', 'SELECT 1')`],
    [`SELECT dblink_send_query($$host=h password=${SECRET}$$, 'SELECT 1')`, `SELECT dblink_send_query('[redacted]', 'SELECT 1')`],
    // Built from pieces: every constant of the connection argument goes.
    [`SELECT dblink_connect('c', 'host=h ' || 'password=${SECRET}')`, `SELECT dblink_connect('[redacted]', '[redacted]' || '[redacted]')`],
  ])("%s", (sql, expected) => {
    expect(redacted(sql)).toBe(expected);
  });

  it("SQL sent through dblink_exec that itself sets a password is withheld", () => {
    expect(redacted(`SELECT dblink_exec('c', 'ALTER ROLE x PASSWORD ''${SECRET}''')`)).toBe(`SELECT dblink_exec('[redacted]', '[redacted]')`);
  });
});

describe("secrets hidden inside strings and comments", () => {
  it("a DO block or function body that mentions a password is withheld as a whole string", () => {
    expect(redacted(`DO $$BEGIN EXECUTE 'ALTER ROLE app PASSWORD ''${SECRET}'''; END$$`)).toBe(`DO '[redacted]'`);
    expect(redacted(`CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $body$ SELECT dblink_connect('password=${SECRET}') $body$`)).toBe(
      `CREATE FUNCTION f() RETURNS void LANGUAGE sql AS '[redacted]'`,
    );
  });

  it("comments that mention a password are replaced, other comments kept", () => {
    expect(redacted(`/* app=web */ SELECT 1 /* password: ${SECRET} */ -- the password is ${SECRET}\n`)).toBe(
      `/* app=web */ SELECT 1 /* [redacted] */ -- [redacted]\n`,
    );
  });
});

describe("text the parser rejects", () => {
  it.each([
    ["truncated at track_activity_query_size", `ALTER ROLE app PASSWORD '${SECRET.slice(0, 8)}`],
    ["truncated after the password", `CREATE USER MAPPING FOR app SERVER s OPTIONS (password '${SECRET}', user 'a`],
    ["PL/pgSQL", `BEGIN ALTER ROLE app PASSWORD '${SECRET}'; END;`],
    ["garbage mentioning dblink", `dblink!!('host=h ${SECRET}`],
  ])("%s: withheld whole when it mentions a password or dblink", (_, sql) => {
    expect(redactSql(sql)).toBe(REDACTED_WHOLE);
  });

  it("is kept when it mentions neither (a long report cut mid-way)", () => {
    const sql = "SELECT customer_id, sum(amount) FROM orders WHERE created_at > now() - interval '7 days' GROUP BY";
    expect(redactSql(sql)).toBe(sql);
  });
});

describe("normalized text (PGWARDEN_QUERY_TEXT=normalized)", () => {
  it("replaces every literal with $n", () => {
    expect(normalizeText("SELECT * FROM orders WHERE id = 42 AND email = 'a@b.c'")).toBe("SELECT * FROM orders WHERE id = $1 AND email = $2");
  });

  it("on text cut mid-literal keeps the statement up to the literal, without it", () => {
    const out = normalizeText("SELECT * FROM orders WHERE note = 'customer said her card 4111-1111");
    expect(out).toBe("SELECT * FROM orders WHERE note = …");
    expect(normalizeText("SELECT a, 42, 'x' FROM t WHERE b IN (1, 2,")).toBe("SELECT a, $1, $2 FROM t WHERE b IN ($3, $4,");
  });

  it("leaves the whole-text redaction as it is and never echoes a parser error", () => {
    expect(normalizeText(REDACTED_WHOLE)).toBe(REDACTED_WHOLE);
    const out = normalizeText("SELECT 'abc");
    expect(out).not.toContain("abc");
    expect([NORMALIZE_FAILED, "SELECT …"]).toContain(out);
  });
});
