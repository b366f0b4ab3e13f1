//! Byte offsets ⇄ LSP positions. The protocol counts lines from 0 and columns in UTF-16 code
//! units; findings carry byte spans into the UTF-8 text. A position the client sends may be
//! past the end of its line or of the file, or inside a surrogate pair: it is clamped, never
//! trusted.

use std::ops::Range;

use lsp_types::Position;

/// Line starts of one text, for converting in both directions.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The LSP position of byte `offset` (clamped into the text, onto a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let column: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(saturate(line), saturate(column))
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: &Range<usize>) -> lsp_types::Range {
        let start = self.position(span.start);
        let end = self.position(span.end.max(span.start));
        lsp_types::Range::new(start, end)
    }

    /// The byte offset of an LSP position: a line past the end means the end of the text, a
    /// column past the end of its line means the line's end (before its line break), and a
    /// column inside a character means that character's start.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, c) in line.char_indices() {
            let next = units + c.len_utf16();
            if next > wanted {
                return start + at;
            }
            units = next;
        }
        start + line.len()
    }
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        // `支` is 3 bytes and 1 unit; `😀` is 4 bytes and 2 units.
        let text = "a = \"支😀x\"\nb = 1\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(x), Position::new(0, 8));
        assert_eq!(index.offset(Position::new(0, 8)), x);
        let b = text.find('b').unwrap();
        assert_eq!(index.position(b), Position::new(1, 0));
        assert_eq!(index.offset(Position::new(1, 0)), b);
    }

    #[test]
    fn hostile_positions_are_clamped() {
        let text = "a = \"😀\"\r\nb";
        let index = LineIndex::new(text);
        let emoji = text.find('😀').unwrap();
        // Between the two halves of the surrogate pair: the character's start.
        assert_eq!(index.offset(Position::new(0, 6)), emoji);
        // Past the end of the line: before the CR LF.
        assert_eq!(
            index.offset(Position::new(0, 999)),
            text.find('\r').unwrap()
        );
        // Past the last line, and u32::MAX everywhere.
        assert_eq!(index.offset(Position::new(7, 0)), text.len());
        assert_eq!(index.offset(Position::new(u32::MAX, u32::MAX)), text.len());
        // Byte offsets inside a character or past the end.
        assert_eq!(index.position(emoji + 1), index.position(emoji));
        assert_eq!(index.position(usize::MAX), Position::new(1, 1));
    }
}
