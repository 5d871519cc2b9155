//! `attestation`: a person's word that a check passed, with a link to where it can be seen.
//! It only counts when someone other than the deployer gives it.

use crate::model::manifest::Evidence;
use crate::model::values::{is_blank, same_name};

pub fn judge(e: &Evidence, deployer: &str) -> Vec<String> {
    let mut out = Vec::new();
    if e.url.as_deref().is_none_or(is_blank) {
        out.push("attestation has no url".to_string());
    }
    match e.by.as_deref().map(str::trim) {
        None => out.push("attestation has no by (who ran it)".to_string()),
        Some(by) if is_blank(by) => out.push("attestation has no by (who ran it)".to_string()),
        Some(by) if same_name(by, deployer) => out.push(format!(
            "attested by the deployer {by}: it needs someone else"
        )),
        Some(_) => {}
    }
    out
}
