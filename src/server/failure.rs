//! Refusals as the server sends them: an HTTP status and the JSON of an
//! [`ErrorReport`], the same kind, message, span and hint the CLI prints.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::error::{Error, ErrorKind, ErrorReport, StorageErrorKind};

/// A refused request.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: StatusCode,
    /// Boxed: a refusal travels up through every `?`.
    pub(crate) report: Box<ErrorReport>,
}

impl Failure {
    /// A refusal that is not a claimdb error (no token, wrong role, ...).
    pub(crate) fn new(status: StatusCode, kind: ErrorKind, message: impl Into<String>) -> Self {
        Failure {
            status,
            report: Box::new(ErrorReport {
                kind,
                query_kind: None,
                storage_kind: None,
                message: message.into(),
                span: None,
                hint: None,
                citation: None,
                existing: None,
            }),
        }
    }

    /// The same refusal with a remedy.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.report.hint = Some(hint.into());
        self
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::UNAUTHORIZED, ErrorKind::Unauthorized, message)
            .hint("send `Authorization: Bearer TOKEN`; `claimdb token create` makes a token")
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::FORBIDDEN, ErrorKind::Forbidden, message)
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::BAD_REQUEST, ErrorKind::Invalid, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Other, message)
    }
}

/// The HTTP status that says what kind of refusal an error is.
pub(crate) fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::Query(_) | Error::Invalid { .. } | Error::Cancelled => StatusCode::BAD_REQUEST,
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Duplicate { .. } | Error::DuplicateClaim { .. } | Error::DuplicateKey { .. } => {
            StatusCode::CONFLICT
        }
        Error::Citation(_) | Error::CrossesTurns { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Error::TimeLimit { .. } | Error::Locked { .. } => StatusCode::SERVICE_UNAVAILABLE,
        Error::Storage(s)
            if matches!(
                s.kind,
                StorageErrorKind::Unavailable | StorageErrorKind::Conflict
            ) =>
        {
            StatusCode::SERVICE_UNAVAILABLE
        }
        Error::Storage(s) if s.kind == StorageErrorKind::DiskFull => {
            StatusCode::INSUFFICIENT_STORAGE
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            status: status_of(&e),
            report: Box::new(e.report()),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.status, Json(*self.report)).into_response()
    }
}

/// The error kind an HTTP status stands for, for refusals made before a
/// handler runs (an unknown route, a body too large, a malformed body).
pub(crate) fn kind_of_status(status: StatusCode) -> ErrorKind {
    match status {
        StatusCode::UNAUTHORIZED => ErrorKind::Unauthorized,
        StatusCode::FORBIDDEN => ErrorKind::Forbidden,
        StatusCode::NOT_FOUND => ErrorKind::NotFound,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge,
        StatusCode::TOO_MANY_REQUESTS => ErrorKind::TooManyRequests,
        s if s.is_client_error() => ErrorKind::Invalid,
        _ => ErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_kind_has_the_status_that_says_it() {
        let cases: Vec<(Error, u16)> = vec![
            (Error::TimeLimit { limit_ms: 5 }, 503),
            (Error::not_found("claim", "9"), 404),
            (Error::DuplicateClaim { existing: 3 }, 409),
            (Error::invalid("confidence", "above 1"), 400),
            (Error::Corrupt("bad".into()), 500),
            (
                Error::Storage(crate::error::StorageError::new(
                    StorageErrorKind::DiskFull,
                    "full",
                )),
                507,
            ),
            (
                Error::Storage(crate::error::StorageError::new(
                    StorageErrorKind::Unavailable,
                    "restarting",
                )),
                503,
            ),
        ];
        for (e, status) in cases {
            let f = Failure::from(e);
            assert_eq!(f.status.as_u16(), status, "{}", f.report.message);
        }
    }
}
