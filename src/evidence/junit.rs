//! `junit`: a JUnit XML test report, as pytest (`--junitxml`), Maven Surefire, Gradle, Jest's and
//! Go's JUnit reporters and most CI tools write it.
//!
//! The root is `<testsuites>` or `<testsuite>`, and suites may nest to any depth. relcheck counts
//! the `<testcase>` elements and looks inside each one; it ignores the `tests`, `failures`,
//! `errors` and `skipped` totals on the suites. Those totals are written by each tool in its own
//! way, are often wrong after suites are merged or rerun, and can be edited by hand — a report
//! that says `failures="0"` over a testcase holding a `<failure>` does not pass.
//!
//! - A `<failure>` or `<error>` element anywhere fails the evidence (inside a testcase, or
//!   directly in a suite, as some tools report a failed suite set-up).
//! - A testcase holding `<skipped>` did not run: it does not count towards `min_tests`, so a
//!   report where everything was skipped does not pass as "no failures".
//! - Flaky-test markers such as Surefire's `<flakyFailure>` and `<rerunFailure>` are not
//!   failures: the test passed on a rerun.
//!
//! The report is read event by event with one reused buffer and nothing kept per testcase, so a
//! report of hundreds of megabytes is verified in the memory of its largest single element.

use super::{Figures, Reading, Thresholds};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::BufRead;

/// Deeper nesting than this is no test report; the cap keeps the open-element names the
/// parser tracks bounded whatever the file holds.
const MAX_DEPTH: usize = 10_000;

/// A buffer that grew past this for one large element is given back before the next one.
const KEEP_BUFFER: usize = 64 * 1024;

/// The testcase being read: only what decides its outcome.
struct Case {
    depth: usize,
    /// `classname.name`, shortened: only kept to name the first failure.
    name: String,
    failure: bool,
    error: bool,
    skipped: bool,
}

/// Running counts over the report; nothing in it grows with the file.
#[derive(Default)]
struct Scan {
    run: u64,
    failed: u64,
    errored: u64,
    skipped: u64,
    case: Option<Case>,
    root_closed: bool,
    /// The first failure or error, `test: message`, for the reason line.
    first: Option<String>,
}

impl Scan {
    /// An element opens at `depth` (0 for the root).
    fn open(&mut self, e: &BytesStart, depth: usize) -> Result<(), String> {
        let local = e.local_name();
        let name = local.as_ref();
        if depth == 0 {
            if self.root_closed {
                return Err("malformed XML: more than one root element".into());
            }
            if name != b"testsuites" && name != b"testsuite" {
                return Err(
                    "not JUnit XML: the root element is not <testsuites> or <testsuite>".into(),
                );
            }
        }
        // Every attribute must be well-formed (quoted, not repeated), whether read or not.
        if e.attributes().any(|a| a.is_err()) {
            return Err(
                "malformed XML: an attribute that is not well-formed (unquoted, repeated or \
                 without a value)"
                    .into(),
            );
        }
        match (name, self.case.as_mut()) {
            (b"testcase", None) => {
                let test = match (attr(e, b"classname"), attr(e, b"name")) {
                    (Some(c), Some(n)) => format!("{c}.{n}"),
                    (c, n) => n.or(c).unwrap_or_default(),
                };
                self.case = Some(Case {
                    depth,
                    name: shorten(&test, 80),
                    failure: false,
                    error: false,
                    skipped: false,
                })
            }
            (b"failure" | b"error", Some(c)) => {
                if name == b"failure" {
                    c.failure = true;
                } else {
                    c.error = true;
                }
                if self.first.is_none() {
                    self.first = Some(c.name.clone());
                }
            }
            (b"skipped", Some(c)) => c.skipped = true,
            // Outside any testcase: a suite-level failure still fails the report.
            (b"failure", None) => self.failed += 1,
            (b"error", None) => self.errored += 1,
            _ => {}
        }
        Ok(())
    }

    /// The element opened at `depth` closes.
    fn close(&mut self, depth: usize) {
        if let Some(c) = self.case.take_if(|c| c.depth == depth) {
            // One outcome per testcase: a test that failed and then errored in its
            // teardown is one failed test.
            if c.failure {
                self.failed += 1;
            } else if c.error {
                self.errored += 1;
            }
            if c.skipped {
                self.skipped += 1;
            } else {
                self.run += 1;
            }
        }
        self.root_closed |= depth == 0;
    }
}

pub fn read(input: &mut dyn BufRead) -> Result<Reading, String> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut scan = Scan::default();
    let mut depth = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "malformed XML at byte {}: {}",
                reader.error_position(),
                describe(&e)
            )
        })?;
        match event {
            // An entity declared in the file could stand for a `<failure/>` that is never seen.
            Event::DocType(d) if memchr::memmem::find(&d, b"<!ENTITY").is_some() => {
                return Err("not JUnit XML: a DTD that declares entities".into());
            }
            Event::Text(t) if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) => {
                return Err("malformed XML: text outside the root element".into());
            }
            Event::CData(_) | Event::GeneralRef(_) if depth == 0 => {
                return Err("malformed XML: text outside the root element".into());
            }
            Event::Start(e) => {
                scan.open(&e, depth)?;
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!(
                        "not JUnit XML: elements nested deeper than {MAX_DEPTH}"
                    ));
                }
            }
            Event::Empty(e) => {
                scan.open(&e, depth)?;
                scan.close(depth);
            }
            Event::End(_) => {
                // quick-xml has already matched this end tag with its start tag.
                depth = depth.saturating_sub(1);
                scan.close(depth);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
        if buf.capacity() > KEEP_BUFFER {
            buf.shrink_to(KEEP_BUFFER);
        }
    }
    if depth > 0 {
        return Err(format!(
            "malformed XML: the file ends with {depth} element{} still open (truncated?)",
            if depth == 1 { "" } else { "s" }
        ));
    }
    if !scan.root_closed {
        return Err("not JUnit XML: no root element (empty, or not XML)".into());
    }
    let figures = Figures {
        tests: Some(scan.run),
        failed: Some(scan.failed),
        errored: Some(scan.errored),
        skipped: Some(scan.skipped),
        ..Figures::default()
    };
    Ok(Reading {
        figures,
        time: None,
        note: scan.first.map(|f| format!("first: {f}")),
        timed: false,
    })
}

/// What is wrong, in quick-xml's words where they quote nothing from the file.
fn describe(e: &quick_xml::Error) -> String {
    use quick_xml::errors::IllFormedError as Ill;
    match e {
        quick_xml::Error::Io(e) => format!("cannot read: {e}"),
        quick_xml::Error::Syntax(e) => e.to_string(),
        quick_xml::Error::IllFormed(Ill::MissingEndTag(_)) => "an element is not closed".into(),
        quick_xml::Error::IllFormed(Ill::UnmatchedEndTag(_)) => {
            "an end tag closes no element".into()
        }
        quick_xml::Error::IllFormed(Ill::MismatchedEndTag { .. }) => {
            "an end tag does not match the element it closes".into()
        }
        quick_xml::Error::IllFormed(_) => "the document is not well-formed".into(),
        quick_xml::Error::InvalidAttr(_) => "an attribute that is not well-formed".into(),
        quick_xml::Error::Encoding(_) => "text that is not in the document's encoding".into(),
        quick_xml::Error::Escape(_) => "a character or entity reference that is not valid".into(),
        quick_xml::Error::Namespace(_) => "a namespace that is not declared".into(),
    }
}

/// An attribute's unescaped value, if present and readable.
fn attr(e: &BytesStart, key: &[u8]) -> Option<String> {
    let a = e.try_get_attribute(key).ok().flatten()?;
    Some(a.unescape_value().ok()?.into_owned())
}

pub fn judge(f: &Figures, t: &Thresholds) -> Vec<String> {
    let mut out = Vec::new();
    let failed = f.failed.unwrap_or(0);
    let errored = f.errored.unwrap_or(0);
    let mut bad = Vec::new();
    if failed > 0 {
        bad.push(format!("{failed} failed"));
    }
    if errored > 0 {
        bad.push(format!("{errored} errored"));
    }
    if !bad.is_empty() {
        out.push(bad.join(", "));
    }
    let run = f.tests.unwrap_or(0);
    if run < t.min_tests {
        let tests = if run == 1 { "test" } else { "tests" };
        let mut why = format!("{run} {tests} run < {} required", t.min_tests);
        match f.skipped.unwrap_or(0) {
            0 => {}
            n => why.push_str(&format!(" ({n} skipped)")),
        }
        out.push(why);
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Read};

    fn read_fixture(name: &str) -> Result<Reading, String> {
        read(&mut crate::evidence::fixture("junit", name).as_slice())
    }

    /// (run, failed, errored, skipped)
    fn counts(name: &str) -> (u64, u64, u64, u64) {
        let f = read_fixture(name).unwrap().figures;
        assert_eq!(
            (f.samples, f.error_rate, f.p99_ms, f.tps),
            (None, None, None, None)
        );
        (
            f.tests.unwrap(),
            f.failed.unwrap(),
            f.errored.unwrap(),
            f.skipped.unwrap(),
        )
    }

    fn min_tests(n: u64) -> Thresholds {
        Thresholds {
            max_error_rate: Some(0.0),
            max_p99_ms: Some(1.0),
            min_samples: Some(1_000_000),
            min_tps: Some(1e9),
            min_tests: n,
        }
    }

    fn judged(name: &str, min: u64) -> Vec<String> {
        judge(&read_fixture(name).unwrap().figures, &min_tests(min))
    }

    #[test]
    fn a_passing_pytest_report_counts_its_tests_and_passes() {
        assert_eq!(counts("pass.xml"), (3, 0, 0, 0));
        assert!(judged("pass.xml", 1).is_empty());
        assert!(judged("pass.xml", 3).is_empty());
    }

    #[test]
    fn load_test_thresholds_do_not_apply_to_junit() {
        // min_tests() sets absurd load-test thresholds: a passing report still passes.
        assert!(judged("pass.xml", 1).is_empty());
    }

    #[test]
    fn a_failure_and_an_error_fail_the_report() {
        assert_eq!(counts("failure.xml"), (4, 1, 1, 0));
        assert_eq!(judged("failure.xml", 1), ["1 failed, 1 errored"]);
    }

    #[test]
    fn skipped_tests_do_not_count_as_run() {
        assert_eq!(counts("skipped.xml"), (1, 0, 0, 2));
        assert!(judged("skipped.xml", 1).is_empty());
        assert_eq!(
            judged("skipped.xml", 2),
            ["1 test run < 2 required (2 skipped)"]
        );
    }

    #[test]
    fn a_report_where_everything_was_skipped_fails_min_tests() {
        assert_eq!(counts("all-skipped.xml"), (0, 0, 0, 2));
        assert_eq!(
            judged("all-skipped.xml", 1),
            ["0 tests run < 1 required (2 skipped)"]
        );
    }

    #[test]
    fn a_combined_report_adds_every_outcome() {
        assert_eq!(counts("all.xml"), (8, 1, 1, 2));
        assert_eq!(
            judged("all.xml", 9),
            [
                "1 failed, 1 errored",
                "8 tests run < 9 required (2 skipped)"
            ]
        );
    }

    #[test]
    fn a_failure_hidden_under_suites_that_claim_zero_failures_fails() {
        assert_eq!(counts("crafted-hidden-failure.xml"), (5, 1, 0, 0));
        assert_eq!(judged("crafted-hidden-failure.xml", 1), ["1 failed"]);
    }

    #[test]
    fn an_error_directly_in_a_suite_fails() {
        assert_eq!(counts("crafted-suite-error.xml"), (2, 0, 1, 0));
        assert_eq!(judged("crafted-suite-error.xml", 1), ["1 errored"]);
    }

    #[test]
    fn a_testsuite_root_is_read_and_its_wrong_totals_are_ignored() {
        // tests="99" errors="7" failures="3" on the root; one flaky rerun, one skipped.
        assert_eq!(counts("crafted-testsuite-root.xml"), (2, 0, 0, 1));
        assert!(judged("crafted-testsuite-root.xml", 2).is_empty());
    }

    #[test]
    fn xml_that_is_not_a_test_report_is_refused() {
        let why = read_fixture("crafted-not-junit.xml").unwrap_err();
        assert_eq!(
            why,
            "not JUnit XML: the root element is not <testsuites> or <testsuite>"
        );
    }

    #[test]
    fn a_truncated_report_is_refused() {
        let why = read_fixture("crafted-truncated.xml").unwrap_err();
        assert!(why.contains("still open (truncated?)"), "{why}");
    }

    #[test]
    fn malformed_or_empty_input_is_refused_and_never_panics() {
        let cases: [&[u8]; 9] = [
            b"",
            b"   \n",
            b"{\"metrics\": {}}",
            b"<testsuites><testsuite></testsuites>",
            b"<testsuites><testcase name=\"a\"></testsuites>",
            b"<testsuites/><testsuites/>",
            b"<testsuites><testcase name=\"a\" <failure/></testcase></testsuites>",
            b"<testsuites><testcase",
            b"\xff\xfe<\x00t\x00",
        ];
        for xml in cases {
            assert!(
                read(&mut &xml[..]).is_err(),
                "{:?}",
                String::from_utf8_lossy(xml)
            );
        }
    }

    #[test]
    fn an_empty_report_reads_as_no_tests_run() {
        let f = read(&mut &b"<?xml version=\"1.0\"?><testsuites/>"[..])
            .unwrap()
            .figures;
        assert_eq!(
            (f.tests, f.failed, f.errored, f.skipped),
            (Some(0), Some(0), Some(0), Some(0))
        );
        assert_eq!(judge(&f, &min_tests(1)), ["0 tests run < 1 required"]);
        assert!(judge(&f, &min_tests(0)).is_empty());
    }

    #[test]
    fn namespaced_elements_count_by_their_local_name() {
        let xml = br#"<j:testsuites xmlns:j="urn:x">
            <j:testcase><j:failure/></j:testcase></j:testsuites>"#;
        let f = read(&mut &xml[..]).unwrap().figures;
        assert_eq!((f.tests, f.failed), (Some(1), Some(1)));
    }

    #[test]
    fn nesting_beyond_the_cap_is_refused() {
        let xml = "<testsuite>".repeat(MAX_DEPTH + 1);
        let why = read(&mut xml.as_bytes()).unwrap_err();
        assert!(why.contains("nested deeper"), "{why}");
    }

    /// A report produced on the fly, never held whole: `cases` testcases, every 1000th failing.
    struct Generated {
        cases: u64,
        next: u64,
        pending: Vec<u8>,
        done: bool,
    }

    impl Read for Generated {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            while self.pending.is_empty() && !self.done {
                if self.next == 0 {
                    self.pending
                        .extend_from_slice(b"<testsuites><testsuite name=\"big\" failures=\"0\">");
                }
                if self.next == self.cases {
                    self.pending.extend_from_slice(b"</testsuite></testsuites>");
                    self.done = true;
                } else if self.next % 1000 == 999 {
                    self.pending.extend_from_slice(
                        b"<testcase name=\"t\"><failure message=\"m\">trace</failure></testcase>",
                    );
                } else {
                    self.pending
                        .extend_from_slice(b"<testcase name=\"t\" time=\"0.001\"/>");
                }
                self.next += 1;
            }
            let n = out.len().min(self.pending.len());
            out[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            Ok(n)
        }
    }

    #[test]
    fn a_large_report_is_streamed_from_a_reader() {
        let source = Generated {
            cases: 100_000,
            next: 0,
            pending: Vec::new(),
            done: false,
        };
        let f = read(&mut BufReader::new(source)).unwrap().figures;
        assert_eq!((f.tests, f.failed), (Some(100_000), Some(100)));
    }

    #[test]
    fn the_first_failure_is_kept_to_explain_the_reason() {
        let r = read_fixture("crafted-hidden-failure.xml").unwrap();
        let note = r.note.expect("a failing report names its first failure");
        assert!(note.starts_with("first: "), "{note}");
        assert!(read_fixture("pass.xml").unwrap().note.is_none());
    }

    fn read_str(s: &str) -> Result<Reading, String> {
        read(&mut s.as_bytes())
    }

    #[test]
    fn a_dtd_that_declares_entities_is_refused() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE testsuite [<!ENTITY hidden "<failure/>">]>
<testsuite><testcase name="a">&hidden;</testcase></testsuite>"#;
        assert_eq!(
            read_str(xml).unwrap_err(),
            "not JUnit XML: a DTD that declares entities"
        );
    }

    #[test]
    fn xml_that_is_not_well_formed_is_refused() {
        let attr = "malformed XML: an attribute that is not well-formed (unquoted, repeated or \
                    without a value)";
        for (xml, why) in [
            (r#"<testsuite><testcase name=a/></testsuite>"#, attr),
            (
                r#"<testsuite><testcase name="a" name="b"/></testsuite>"#,
                attr,
            ),
            (
                r#"<testsuite a="1" a="2"><testcase name="a"/></testsuite>"#,
                attr,
            ),
            (
                r#"<testsuite><testcase name="a"/></testsuite>trailing junk"#,
                "malformed XML: text outside the root element",
            ),
            (
                r#"junk<testsuite><testcase name="a"/></testsuite>"#,
                "malformed XML: text outside the root element",
            ),
        ] {
            assert_eq!(read_str(xml).unwrap_err(), why, "{xml}");
        }
    }

    #[test]
    fn reasons_name_the_failed_test_but_never_quote_its_message_or_stray_names() {
        let xml = r#"<testsuite><testcase classname="api" name="t1"><failure message="token=s3cret"/></testcase></testsuite>"#;
        assert_eq!(
            read_str(xml).unwrap().note.as_deref(),
            Some("first: api.t1")
        );
        let why = read_str("<s3cret-root/>").unwrap_err();
        assert!(!why.contains("s3cret"), "{why}");
        let why = read_str("<testsuite><s3cret></testsuite>").unwrap_err();
        assert!(!why.contains("s3cret"), "{why}");
    }
}
