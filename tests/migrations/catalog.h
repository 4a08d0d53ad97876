#ifndef PLINTH_TESTS_MIGRATIONS_CATALOG_H_
#define PLINTH_TESTS_MIGRATIONS_CATALOG_H_

// Privileges as the catalog has them, one line each, for the migration
// tests: "role schema.table PRIVILEGE" for a whole table, "role
// schema.table PRIVILEGE(col,…)" for columns only, "role function
// schema.name EXECUTE", for the roles `roles_sql` selects (a query of one
// text column named r) on the schemas Plinth uses.

#include <string>

#include <pqxx/pqxx>

namespace plinth::testing {

// Runs `sql` in `tx`: "" when it succeeded, "denied" when PostgreSQL refused
// it for want of a privilege or by a row-level security policy, else the
// error.
inline std::string Attempt(pqxx::transaction_base& tx, const std::string& sql) {
  try {
    tx.exec(sql);
    return "";
  } catch (const pqxx::insufficient_privilege&) {
    return "denied";
  } catch (const pqxx::sql_error& e) {
    if (std::string(e.what()).find("row-level security") != std::string::npos) return "denied";
    return e.what();
  }
}

inline std::string PrivilegesSql(const std::string& roles_sql) {
  return "with roles(r) as (" + roles_sql + R"sql(),
tables as (
  select c.oid, n.nspname || '.' || c.relname as name from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'v', 'm', 'p') and n.nspname in ('public', 'auth', 'plinth_private')),
privs(p) as (values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('REFERENCES'), ('TRIGGER'))
select r || ' ' || t.name || ' ' || p ||
  case when has_table_privilege(r, t.oid, p) then '' else
    '(' || (select string_agg(a.attname, ',' order by a.attname) from pg_attribute a
            where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
              and has_column_privilege(r, t.oid, a.attnum, p)) || ')' end
from roles, tables t, privs
where has_table_privilege(r, t.oid, p)
   or (p in ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') and has_any_column_privilege(r, t.oid, p))
union all
select r || ' function ' || n.nspname || '.' || f.proname || ' EXECUTE'
from roles, pg_proc f join pg_namespace n on n.oid = f.pronamespace
where n.nspname in ('public', 'plinth_private') and has_function_privilege(r, f.oid, 'EXECUTE'))sql";
}

}  // namespace plinth::testing

#endif  // PLINTH_TESTS_MIGRATIONS_CATALOG_H_
