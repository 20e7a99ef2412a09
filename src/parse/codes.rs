//! Policy codes: a code column (施策Code, 施策コード, 事業番号, コード) or a
//! label in the text (施策コード：0305).

/// Whether a table header names a policy-code column.
pub fn is_code_header(header: &str) -> bool {
    let _ = header;
    false
}

/// The codes in a code column's cell ("-" or empty: none).
pub fn codes_in_cell(cell: &str) -> Vec<String> {
    let _ = cell;
    Vec::new()
}

/// Codes labelled in running text (施策コード：0305).
pub fn codes_in_text(text: &str) -> Vec<String> {
    let _ = text;
    Vec::new()
}
