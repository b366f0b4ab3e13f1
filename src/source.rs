//! Loaded source files: their text, a line index for byte → line/column
//! conversion, and the store that hands out [`FileId`]s.

use std::ops::Range;

/// Index of a file in [`Files`].
pub type FileId = usize;

/// One file's text as checked, with the path users see (relative to the root, `/`-separated).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    /// Byte offsets of line starts, built on first use: most files never need a position.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    /// Takes the text as read; a leading UTF-8 BOM is dropped so that columns start at the
    /// first visible character.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let mut text: String = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        SourceFile {
            path: path.into(),
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = Vec::with_capacity(self.text.len() / 32 + 1);
            starts.push(0);
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// The position of the character that starts at (or contains) byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line_index = match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts()[line_index];
        let column = self.text[line_start..offset].chars().count() + 1;
        Position {
            line: line_index + 1,
            column,
        }
    }

    /// Start and inclusive end positions of a span. An empty span ends where it starts; a span
    /// ending in a line break ends on the last character before it.
    pub fn range_positions(&self, span: &Range<usize>) -> (Position, Position) {
        let start = self.position(span.start);
        if span.end <= span.start {
            return (start, start);
        }
        let mut last = self.floor_char_boundary(span.end.min(self.text.len()).saturating_sub(1));
        while last > span.start && matches!(self.text.as_bytes()[last], b'\n' | b'\r') {
            last = self.floor_char_boundary(last - 1);
        }
        (start, self.position(last).max(start))
    }

    /// The span of line `line` (1-based) without its line break.
    pub fn line_span(&self, line: usize) -> Range<usize> {
        let start = self
            .line_starts()
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let end = self.text[start..]
            .find(['\r', '\n'])
            .map_or(self.text.len(), |i| start + i);
        start..end
    }

    /// Clamps a span into the text and onto character boundaries.
    pub fn clamp(&self, span: Range<usize>) -> Range<usize> {
        let start = self.floor_char_boundary(span.start.min(self.text.len()));
        let end = self.ceil_char_boundary(span.end.clamp(start, self.text.len()));
        start..end
    }

    fn floor_char_boundary(&self, mut i: usize) -> usize {
        while i > 0 && !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn ceil_char_boundary(&self, mut i: usize) -> usize {
        while i < self.text.len() && !self.text.is_char_boundary(i) {
            i += 1;
        }
        i
    }
}

/// Every file a run looked at, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        self.files.len() - 1
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_handle_crlf_and_bom() {
        let file = SourceFile::new("a.toml", "\u{feff}a = 1\r\n标题 = \"x\"\r\n");
        assert_eq!(&file.text[..1], "a");
        let offset = file.text.find('=').unwrap();
        assert_eq!(file.position(offset), Position { line: 1, column: 3 });
        let quote = file.text.find('"').unwrap();
        assert_eq!(file.position(quote), Position { line: 2, column: 6 });
        let (start, end) = file.range_positions(&(quote..quote + 3));
        assert_eq!((start.column, end.column), (6, 8));
    }

    #[test]
    fn span_ending_in_newline_ends_on_last_character() {
        let file = SourceFile::new("a", "ab\r\ncd");
        let (_, end) = file.range_positions(&(0..4));
        assert_eq!(end, Position { line: 1, column: 2 });
        assert_eq!(file.line_span(2), 4..6);
    }
}
