//! Untrusted text (anything a customer typed or an import carried) made safe
//! to show: control characters, escape sequences, bidi overrides and
//! zero-width characters become visible escapes, so nothing from the data can
//! move the cursor, retitle the terminal, reach the clipboard or reorder a line.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every character that could act on a terminal written as an escape.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hazard) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hazard(c) {
            let code = u32::from(c);
            if code < 0x100 {
                let _ = write!(out, "\\x{code:02x}");
            } else {
                let _ = write!(out, "\\u{{{code:04x}}}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Serialized JSON with every hazard that serde_json leaves raw (DEL, C1,
/// bidi, zero-width) written as a `\uXXXX` escape. Outside strings JSON holds
/// none of these, so the text means exactly the same to a parser.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    // serde_json escapes C0 inside strings, so a raw newline or tab is layout.
    let raw_hazard = |c: char| is_hazard(c) && !matches!(c, '\n' | '\r' | '\t');
    // Every hazard serde_json leaves raw starts with one of these bytes (DEL;
    // C1 and U+061C in C2/D8; the U+2xxx marks in E2; U+FEFF, U+FFF9.. in EF):
    // a byte scan settles the usual case without decoding anything.
    if !json.bytes().any(|b| matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2 | 0xef)) || !json.chars().any(raw_hazard) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if raw_hazard(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Characters that act on a terminal or change how a line reads.
pub fn is_hazard(c: char) -> bool {
    c.is_control() // C0, DEL and C1 (ESC, CSI, OSC, BEL, …)
        || matches!(c,
            '\u{200b}'..='\u{200f}'   // zero-width space/joiners, LRM, RLM
            | '\u{2028}'..='\u{202e}' // line/paragraph separators, bidi embeddings and overrides
            | '\u{2060}'..='\u{2069}' // word joiner, invisible operators, bidi isolates
            | '\u{061c}'              // Arabic letter mark
            | '\u{feff}'              // zero-width no-break space
            | '\u{fff9}'..='\u{fffb}' // interlinear annotations
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        assert!(matches!(visible("Zoë Dupont, 12 rue de l'Été"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(visible("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(visible("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
        assert_eq!(visible("\u{9b}31m"), "\\x9b31m");
        assert_eq!(visible("line\nbreak\ttab"), "line\\x0abreak\\x09tab");
    }

    #[test]
    fn json_keeps_meaning_but_loses_raw_hazards() {
        let raw = serde_json::to_string_pretty(&["a\u{9b}b\u{202e}c\u{7f}"]).unwrap();
        let safe = json_safe(&raw);
        assert_eq!(safe, "[\n  \"a\\u009bb\\u202ec\\u007f\"\n]");
        assert_eq!(serde_json::from_str::<Vec<String>>(&safe).unwrap(), ["a\u{9b}b\u{202e}c\u{7f}"]);
    }

    #[test]
    fn bidi_and_zero_width_become_visible() {
        assert_eq!(visible("invoice\u{202e}fdp.exe"), "invoice\\u{202e}fdp.exe");
        assert_eq!(visible("a\u{200b}b\u{feff}"), "a\\u{200b}b\\u{feff}");
    }
}
