//! Responsible bodies in parentheses after an item (（振興局）) and region
//! tags (【宗谷】).

/// Bodies named in the parentheses printed after the item's text.
pub fn find_orgs(text: &str) -> Vec<String> {
    let _ = text;
    Vec::new()
}

/// Region tags such as 【宗谷】, without brackets.
pub fn find_regions(text: &str) -> Vec<String> {
    let _ = text;
    Vec::new()
}
