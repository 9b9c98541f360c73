//! `docs/permissions.md` is the permission table as the code holds it: this test prints the
//! table and fails when the document says otherwise. After changing the table, rewrite the
//! document with `XINZHI_BLESS=1 cargo test -p xinzhi-domain --test permissions`.

use xinzhi_domain::Permission;

const HEADER: &str = "# Who may do what\n\n\
Every permission and the roles that hold it, printed from `crates/domain/src/permission.rs` \
by `crates/domain/tests/permissions.rs` (which fails when this file differs). A permission says \
what a role may do; the data scope says over which firms (a district officer reviews its \
district's reports, a reporter writes its own firm's). Pages and the API answer 404 to a role \
without the permission and audit the attempt.\n\n";

#[test]
fn the_document_is_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/permissions.md");
    let expected = format!("{HEADER}{}", Permission::table_markdown());
    if std::env::var_os("XINZHI_BLESS").is_some() {
        std::fs::write(path, &expected).expect("write docs/permissions.md");
    }
    let written = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        written == expected,
        "docs/permissions.md differs from the table; rewrite it with XINZHI_BLESS=1 cargo test -p xinzhi-domain --test permissions\n{expected}"
    );
}
