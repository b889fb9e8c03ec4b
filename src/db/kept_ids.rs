//! Writes that keep a record's id: a dump's claims restored under the ids
//! their versions name, and a deleted claim brought back by `revert`. The
//! id counter is raised past the id, so no new record is given it.

use super::writer::Writer;
use crate::cite;
use crate::error::{Error, Result};
use crate::model::{Anchor, Claim, ClaimId, NewClaim};

impl Writer<'_> {
    /// Adds a claim under the id `id` (a dump's claim restored with the id
    /// its versions name), checked as [`Writer::add_claim`] checks it.
    pub(crate) fn add_claim_as(
        &mut self,
        new: &NewClaim,
        hint: Option<&cite::Hint>,
        broken: Option<&Anchor>,
        id: ClaimId,
    ) -> Result<Claim> {
        if self.tx.view().claim(id)?.is_some() {
            return Err(Error::invalid(
                "claim id",
                format!("claim {id} is stored already"),
            ));
        }
        if let Some(key) = &new.key {
            if let Some(existing) = self.claim_by_key(key)? {
                return Err(Error::DuplicateKey {
                    key: key.trim().to_string(),
                    existing,
                });
            }
        }
        let (claim, _) = self.checked_claim(new, hint, Some(id), broken)?;
        self.tx.raise_next_id("claim", id + 1)?;
        self.tx.put_claim(&claim)?;
        Ok(claim)
    }
}
