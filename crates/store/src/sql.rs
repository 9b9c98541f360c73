//! A small SQL builder that numbers placeholders `$1, $2, …` as it binds.
//!
//! sqlx's `QueryBuilder<Any>` writes `?`, which PostgreSQL rejects (sqlx issue #3000), so
//! dynamic queries (search filters, multi-row inserts) are built with this instead. Only
//! fixed SQL fragments are pushed as text; every value goes through [`Sql::bind`].

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, AssertSqlSafe, Encode, Type};

use crate::StoreError;

#[derive(Default)]
pub(crate) struct Sql {
    text: String,
    args: AnyArguments,
    count: usize,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Sql {
        Sql { text: text.to_owned(), ..Sql::default() }
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
        self.text.push('$');
        self.text.push_str(&self.count.to_string());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_bind_order() -> Result<(), StoreError> {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        sql.bind(1_i64)?.push(" AND b LIKE ").bind("x%".to_owned())?.push(" AND c = ").bind(2.5_f64)?;
        assert_eq!(sql.text(), "SELECT 1 WHERE a = $1 AND b LIKE $2 AND c = $3");
        Ok(())
    }
}
