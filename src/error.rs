//! Tool errors: the run could not do its job (exit 2). Either a message with its cause
//! chain, or diagnostics in a configuration or policy file.

use std::fmt;

use crate::diagnostic::Finding;
use crate::source::Files;

/// Why a run failed as a whole.
#[derive(Debug)]
pub struct Error {
    pub message: String,
    pub causes: Vec<String>,
    pub help: Option<String>,
    /// Findings in configuration or policy files that made the run impossible.
    pub diagnostics: Option<(Files, Vec<Finding>)>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            causes: Vec::new(),
            help: None,
            diagnostics: None,
        }
    }

    pub fn cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_diagnostics(mut self, files: Files, findings: Vec<Finding>) -> Self {
        self.diagnostics = Some((files, findings));
        self
    }

    /// Wraps an I/O error with what was being done.
    pub fn io(context: impl Into<String>, error: std::io::Error) -> Self {
        Error::new(context).cause(error)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        for cause in &self.causes {
            write!(f, "\n  caused by: {cause}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
