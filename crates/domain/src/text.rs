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

/// The text with its first letter in upper case: English messages are built from the
/// lower-case `Display` of errors.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Reads a number as people type it in forms and spreadsheets: full-width digits, thousands
/// separators (`,` `，`), spaces, a leading `+`. `None` for anything else (including NaN and
/// infinity, which are not data).
pub fn parse_number(input: &str) -> Option<f64> {
    let text: String = input
        .chars()
        .map(to_half_width)
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
        .map(|c| if c == '。' { '.' } else { c })
        .collect();
    let text = text.strip_prefix('+').unwrap_or(&text);
    let valid = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && text.chars().filter(|c| *c == '.').count() <= 1
        && text.chars().skip(1).all(|c| c != '-');
    if !valid {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalize_touches_only_the_first_letter() {
        assert_eq!(capitalize("the file is empty"), "The file is empty");
        assert_eq!(capitalize(""), "");
    }

    #[test]
    fn numbers_are_read_as_typed_in_chinese_spreadsheets() {
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number(" １２３４．５ "), Some(1234.5));
        assert_eq!(parse_number("1，234"), Some(1234.0));
        assert_eq!(parse_number("-12"), Some(-12.0));
        assert_eq!(parse_number("+3"), Some(3.0));
        for bad in ["", "abc", "1.2.3", "1-2", "NaN", "inf", "1e400", "--1", "12元"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn full_width_digits_letters_and_spaces_are_normalised() {
        assert_eq!(normalize_code("　９１３５０１００ｍ000100y43 "), "91350100M000100Y43");
        assert_eq!(normalize_code("c 3813"), "C3813");
    }
}
