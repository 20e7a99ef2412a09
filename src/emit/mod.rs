//! Output: JSON Lines files written atomically, and the JSON Schema of each record.
