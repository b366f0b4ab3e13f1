//! `html`: placeholder.
use std::io::{self, Write};

use crate::check::Report;

pub fn write(_report: &Report, _out: &mut dyn Write) -> io::Result<()> {
    Ok(())
}
