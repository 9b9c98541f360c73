//! A small SQL builder that writes each backend's placeholders as it binds: `$1, $2, …` for
//! PostgreSQL, positional `?` for SQLite.
//!
//! sqlx's `QueryBuilder<Any>` writes `?` everywhere, which PostgreSQL rejects (sqlx issue
//! #3000). `$N` works on SQLite too, but SQLite treats it as a *named* parameter and sqlx looks
//! each name up with `sqlite3_bind_parameter_name`, a walk of the statement's name list: binding
//! a multi-row INSERT with thousands of parameters becomes quadratic (25 µs a row instead of
//! 2 µs). Only fixed SQL fragments are pushed as text; every value goes through [`Sql::bind`].

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, AssertSqlSafe, Encode, Type};

use crate::{Backend, StoreError};

pub(crate) struct Sql {
    backend: Backend,
    text: String,
    args: AnyArguments,
    count: usize,
}

impl Sql {
    pub(crate) fn new(backend: Backend, text: &str) -> Sql {
        Sql { backend, text: text.to_owned(), args: AnyArguments::default(), count: 0 }
    }

    /// Appends a fixed SQL fragment (never user input).
    pub(crate) fn push(&mut self, fragment: &str) -> &mut Sql {
        self.text.push_str(fragment);
        self
    }

    /// Appends the next placeholder and binds `value` to it.
    pub(crate) fn bind<T>(&mut self, value: T) -> Result<&mut Sql, StoreError>
    where
        T: for<'q> Encode<'q, Any> + Type<Any>,
    {
        self.args.add(value).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.count += 1;
        match self.backend {
            Backend::Sqlite => self.text.push('?'),
            Backend::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.count.to_string());
            }
        }
        Ok(self)
    }

    /// Appends `(p1, p2, …)` binding each value, for `IN` lists.
    pub(crate) fn bind_list<T>(&mut self, values: impl IntoIterator<Item = T>) -> Result<&mut Sql, StoreError>
    where
        T: for<'q> Encode<'q, Any> + Type<Any>,
    {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value)?;
        }
        self.push(")");
        Ok(self)
    }

    pub(crate) fn query(self) -> sqlx::query::Query<'static, Any, AnyArguments> {
        sqlx::query_with(AssertSqlSafe(self.text), self.args)
    }

    pub(crate) fn query_scalar<O>(self) -> sqlx::query::QueryScalar<'static, Any, O, AnyArguments>
    where
        O: Send + Unpin,
        (O,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        sqlx::query_scalar_with(AssertSqlSafe(self.text), self.args)
    }

    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

/// Several writing statements sent as few times as the backend allows: on SQLite one script
/// (sqlx runs every statement of a query string, binding positional parameters in order), so
/// a transaction's writes cost one trip to the connection's thread instead of one each; on
/// PostgreSQL, whose extended protocol takes one statement at a time, one trip each.
pub(crate) struct Batch {
    backend: Backend,
    statements: Vec<Sql>,
}

impl Batch {
    pub(crate) fn new(backend: Backend) -> Batch {
        Batch { backend, statements: Vec::new() }
    }

    /// Starts the next statement with `text`; bind and push on the builder it returns.
    pub(crate) fn statement(&mut self, text: &str) -> &mut Sql {
        match (self.backend, self.statements.last_mut()) {
            (Backend::Sqlite, Some(script)) => {
                script.push(";\n").push(text);
            }
            _ => self.statements.push(Sql::new(self.backend, text)),
        }
        let last = self.statements.len() - 1;
        &mut self.statements[last]
    }

    pub(crate) async fn execute(self, conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
        for sql in self.statements {
            // Scripts are one-offs: caching each as a prepared statement would only evict the
            // statements that do repeat.
            sql.query().persistent(false).execute(&mut *conn).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend_in_bind_order() -> Result<(), StoreError> {
        for (backend, expected) in [
            (Backend::Postgres, "SELECT 1 WHERE a = $1 AND b LIKE $2 AND c = $3"),
            (Backend::Sqlite, "SELECT 1 WHERE a = ? AND b LIKE ? AND c = ?"),
        ] {
            let mut sql = Sql::new(backend, "SELECT 1 WHERE a = ");
            sql.bind(1_i64)?.push(" AND b LIKE ").bind("x%".to_owned())?.push(" AND c = ").bind(2.5_f64)?;
            assert_eq!(sql.text(), expected);
        }
        let mut list = Sql::new(Backend::Postgres, "x IN ");
        list.bind_list([1_i64, 2, 3])?;
        assert_eq!(list.text(), "x IN ($1, $2, $3)");
        Ok(())
    }
}
