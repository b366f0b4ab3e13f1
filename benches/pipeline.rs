//! In-process benchmarks of the pipeline stages (criterion): parsing and schema validation of
//! one launch request, model extraction, and whole runs over an in-memory repository with all
//! rules and schema-only. Whole-process runs against the peers are in `benches/bench.sh`.
//!
//! `cargo bench --bench pipeline`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use launchcheck::check::{self, Options};
use launchcheck::config::Config;
use launchcheck::document::Kind;
use launchcheck::load;
use launchcheck::source::SourceFile;
use launchcheck::tree::MemoryTree;

const LAUNCH: &str = include_str!("../fixtures/demo/launches/2026/LR-2026-0142.toml");
const PLAN: &str = include_str!("../fixtures/demo/plans/payments.toml");
const ROSTER: &str = include_str!("../fixtures/demo/people.toml");
const NOW: &str = "2026-11-25T00:00:00Z";

/// The demo's compliant launch, copied `n` times with distinct ids and windows a day apart
/// (so that they do not collide), plus its plan and the roster.
fn repository(n: usize) -> MemoryTree {
    let mut tree = MemoryTree::new();
    tree.insert("people.toml", ROSTER);
    tree.insert("plans/payments.toml", PLAN);
    for i in 0..n {
        let day = jiff::civil::date(2026, 12, 3)
            .checked_add(jiff::Span::new().days(i64::try_from(i % 3000).unwrap_or(0)))
            .unwrap_or(jiff::civil::date(2026, 12, 3));
        let hour = (i / 3000) * 4;
        let text = LAUNCH
            .replace("LR-2026-0142", &format!("LR-B-{i:06}"))
            .replace("depends_on = [\"LR-2026-0140\"]\n", "")
            .replace(
                "start = 2026-12-03T01:00:00+08:00",
                &format!("start = {day}T{:02}:00:00+08:00", hour + 1),
            )
            .replace(
                "end   = 2026-12-03T04:00:00+08:00",
                &format!("end   = {day}T{:02}:00:00+08:00", hour + 4),
            );
        tree.insert(format!("launches/LR-B-{i:06}.toml"), text);
    }
    tree
}

fn stages(c: &mut Criterion) {
    let tz = jiff::tz::TimeZone::UTC;
    let source = SourceFile::new("launches/a.toml", LAUNCH);
    let mut group = c.benchmark_group("one launch request");
    group.throughput(Throughput::Bytes(LAUNCH.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| black_box(load::parse(0, &source, None, &tz, false)))
    });
    group.bench_function("parse + schema", |b| {
        b.iter(|| {
            black_box(load::parse(
                0,
                &source,
                Some(Kind::LaunchRequest),
                &tz,
                true,
            ))
        })
    });
    group.bench_function("parse + schema + model", |b| {
        b.iter(|| {
            let mut parsed = load::parse(0, &source, Some(Kind::LaunchRequest), &tz, true);
            black_box(parsed.extract(true));
        })
    });
    group.finish();
}

fn whole_runs(c: &mut Criterion) {
    let config = Config::default();
    let mut group = c.benchmark_group("in-memory repository");
    group.sample_size(10);
    for n in [100usize, 1000] {
        let tree = repository(n);
        group.throughput(Throughput::Elements(n as u64));
        let all = Options {
            now: Some(NOW.to_owned()),
            ..Options::default()
        };
        group.bench_with_input(BenchmarkId::new("all rules", n), &tree, |b, tree| {
            b.iter(|| black_box(check::run_on(tree, &config, &all, None).map(|r| r.findings.len())))
        });
        let schema = Options {
            now: Some(NOW.to_owned()),
            select: vec!["schema".to_owned()],
            ..Options::default()
        };
        group.bench_with_input(BenchmarkId::new("schema only", n), &tree, |b, tree| {
            b.iter(|| {
                black_box(check::run_on(tree, &config, &schema, None).map(|r| r.findings.len()))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, stages, whole_runs);
criterion_main!(benches);
