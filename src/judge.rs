//! The whole judgement: risk, evidence, rules, verdict — from loaded inputs to a [`Report`].
//! Time comes in as `now`; nothing here reads the clock.

use crate::evidence::{self, Context, Progress};
use crate::inputs::{self, Inputs};
use crate::report::{ChecklistRow, ReleaseSummary, Report, RiskView};
use crate::rules::{self, Ctx};
use crate::{risk, verdict};
use chrono::{DateTime, FixedOffset};

/// The release and its changes with their risk: what `risk` shows and `go` opens with. It
/// reads no evidence file.
pub fn assess(inputs: &Inputs, now: DateTime<FixedOffset>) -> RiskView {
    let m = &inputs.manifest;
    let policy = &inputs.template.policy;
    let deploy_at = m.release.deploy_at.map_or(now, |t| t.0);
    let changes = risk::assess_all(&m.changes, &policy.bands);
    let (local, zone) = crate::model::checklist::local_time(deploy_at, policy.timezone.as_ref());
    RiskView {
        release: ReleaseSummary {
            name: m.release.name.get_ref().clone(),
            deployer: m.release.deployer.get_ref().clone(),
            deploy_at: deploy_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            severity: risk::release_severity(&changes),
            approvers: m.release.approvers.clone(),
            commit: m.release.commit.clone(),
            timezone: zone,
            deploy_local: local.format("%a %Y-%m-%d %H:%M").to_string(),
            checklist: inputs.template.name.clone(),
        },
        changes,
        risk_bands: policy.bands,
    }
}

/// The judgement with no Prometheus asked (as when none is named), telling nobody how the
/// evidence reading goes.
pub fn judge(inputs: &Inputs, now: DateTime<FixedOffset>) -> Report {
    judge_probed(
        inputs,
        now,
        &rules::MonitoringProbe::NotNamed,
        &evidence::Quiet,
    )
}

/// The judgement, with what the named Prometheus said (asked by the caller, before);
/// `progress` is told how far each evidence file has been read.
pub fn judge_probed(
    inputs: &Inputs,
    now: DateTime<FixedOffset>,
    probe: &rules::MonitoringProbe,
    progress: &dyn Progress,
) -> Report {
    let m = &inputs.manifest;
    let policy = &inputs.template.policy;
    let deploy_at = m.release.deploy_at.map_or(now, |t| t.0);

    let ctx = Context {
        base: &inputs.base,
        policy,
        deployer: m.release.deployer.get_ref(),
        release_commit: m.release.commit.as_deref(),
        deploy_at,
        now,
        deploy_is_stale: rules::is_stale(
            m.release.deploy_at.map(|t| t.0),
            policy.deploy_grace,
            now,
        ),
        progress,
    };
    let verified: Vec<_> = m
        .changes
        .iter()
        .flat_map(|c| c.evidence.iter().map(move |e| (c.id.get_ref(), e)))
        .map(|(id, e)| evidence::verify(id, e, &ctx))
        .collect();
    judge_verified(inputs, now, probe, verified)
}

/// The judgement of evidence already read (by [`judge_probed`], for the same manifest): what
/// `relcheck go` uses after the answers changed, so no evidence file is read twice.
pub fn judge_verified(
    inputs: &Inputs,
    now: DateTime<FixedOffset>,
    probe: &rules::MonitoringProbe,
    verified: Vec<evidence::Verified>,
) -> Report {
    let m = &inputs.manifest;
    let deploy_at = m.release.deploy_at.map_or(now, |t| t.0);
    let risk = assess(inputs, now);
    let severity = risk.release.severity;
    let files = inputs::listed(inputs, &verified);
    let digest = inputs::digest(&files);

    let manifest_sha256 = inputs.manifest_sha256();
    let verify = |principal: &str, message: &[u8], signature: &str| {
        inputs
            .signers
            .as_ref()
            .map_or(Err("no allowed_signers".to_string()), |s| {
                s.verify(principal, message, signature, now)
            })
    };
    let approvals = crate::approvals::assess(
        &inputs.approvals.entries,
        &m.release.approvers,
        m.release.deployer.get_ref(),
        &manifest_sha256,
        inputs
            .signers
            .is_some()
            .then_some(&verify as crate::approvals::Verify),
    );
    let rule_ctx = Ctx {
        manifest: m,
        template: &inputs.template,
        answers: &inputs.answers,
        changes: &risk.changes,
        evidence: &verified,
        severity,
        deploy_at,
        now,
        manifest_sha256: &manifest_sha256,
        approvals: &approvals,
        signed_approvals_only: inputs.signers.is_some(),
        deployed_commit: inputs.deployed_commit.as_deref(),
        monitoring: probe,
    };
    let found = rules::evaluate(&rule_ctx);
    let (verdict, findings, overrides) = verdict::decide(
        found,
        m,
        now,
        inputs
            .signers
            .is_some()
            .then(|| crate::approvals::counting(&approvals))
            .as_ref(),
    );

    let checklist = inputs
        .template
        .items
        .iter()
        .map(|item| {
            let answer = inputs.answers.given.get(&item.id);
            ChecklistRow {
                id: item.id.clone(),
                section: item.section.clone(),
                prompt: item.prompt.clone(),
                help: item.help.clone(),
                required: item.required,
                applies: item.applies(severity),
                answer: answer.map(|a| a.value.display()),
                by: answer.and_then(|a| a.by.clone()),
                at: answer.and_then(|a| a.at.map(|t| t.to_string())),
                passed: crate::rules::item_problem(item, answer.map(|a| &a.value)).is_none(),
            }
        })
        .collect();

    Report {
        schema_version: crate::report::SCHEMA_VERSION,
        verdict,
        risk,
        evidence: verified,
        approvals,
        findings,
        checklist,
        overrides,
        monitoring: m.monitoring.clone().unwrap_or_default().into(),
        contacts: m.contacts.clone().unwrap_or_default().into(),
        // To the second, as every time the report shows.
        evaluated_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        inputs: files,
        digest,
    }
}
