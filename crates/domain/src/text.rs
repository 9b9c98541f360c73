//! Text normalisation shared by the code parsers.

/// Maps full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space (U+3000) to their
/// half-width forms, as typed by Chinese input methods: `９１３５` → `9135`.
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Half-width, upper-case, with every kind of white space removed. Codes are written in
/// groups by some users (`9135 0100 …`), so inner spaces are dropped as well as outer ones.
pub fn normalize_code(input: &str) -> String {
    input.chars().map(to_half_width).filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_letters_and_spaces_are_normalised() {
        assert_eq!(normalize_code("　９１３５０１００ｍ000100y43 "), "91350100M000100Y43");
        assert_eq!(normalize_code("c 3813"), "C3813");
    }
}
