//! Reading monthly reports from the files bureaus actually have: .xlsx, .xls and CSV (UTF-8 or
//! GBK), with title rows above the table, synonyms and units in headers, total rows, blank
//! lines, full-width digits and numbers stored as text. Pure parsing: no database, no IO
//! beyond the bytes handed in. What is wrong is reported per row and column, in the user's
//! language; nothing panics. And the two workbooks handed out: the template and the error report.

pub mod docx;
pub mod export;
pub mod grid;
pub mod official;
pub mod records;
pub mod rows;

pub use export::{
    MarkedProblem, ProfileColumn, ProfileTemplateSpec, TableCell, TableSheet, TemplateColumn, TemplateFirm,
    TemplateSpec, error_report, profile_template, report_template, table_workbook,
};
pub use grid::{Cell, Grid, Limits, ReadError, column_index, column_letter, read_grid};
pub use official::{OfficialProblem, OfficialRow, RegionRef, read_official};
pub use records::{FieldSpec, MissingColumns, Place, Record, RecordSheet, read_records};
pub use rows::{
    Column, Header, HeaderError, ImportRow, IndicatorRef, Parsed, Problem, ProblemKind, Target, find_header, read_rows,
};
