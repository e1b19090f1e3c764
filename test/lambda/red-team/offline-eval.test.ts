import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import shippedBaseline from '../../../lambda/red-team/corpus/baseline.v1.json';
import corpus from '../../../lambda/red-team/corpus/corpus.v1.json';

const root = join(__dirname, '..', '..', '..');
const script = join(root, 'scripts', 'eval-red-team.mjs');

// `npm test` runs the gate here: the script of `npm run eval`, as CI runs it.
describe('npm run eval (offline red-team gate)', () => {
  test('the committed corpus is what the build script writes (ids stable, version set)', () => {
    // built into a temporary file: rewriting the committed one would make dist/ look stale to other tests
    const built = join(mkdtempSync(join(tmpdir(), 'red-team-corpus-')), 'corpus.v1.json');
    execFileSync(process.execPath, [join(root, 'lambda', 'red-team', 'corpus', 'build.mjs'), built], { stdio: 'pipe' });
    expect(readFileSync(built, 'utf8')).toBe(readFileSync(join(root, 'lambda', 'red-team', 'corpus', 'corpus.v1.json'), 'utf8'));
    expect(shippedBaseline.corpusVersion).toBe(corpus.version);
    const categories = new Set(corpus.cases.map((c) => c.category));
    expect(categories.size).toBe(8);
    expect(Object.keys(shippedBaseline.categories).sort()).toEqual([...categories].sort());
    // several languages in the injection and jailbreak categories
    const langs = new Set(corpus.cases.filter((c) => c.category === 'PROMPT_INJECTION' || c.category === 'JAILBREAK').map((c) => c.language));
    expect(langs.size).toBeGreaterThanOrEqual(6);
  });

  test('passes against the committed baseline and prints a row per category', () => {
    const out = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    for (const category of Object.keys(shippedBaseline.categories)) expect(out.stdout).toMatch(new RegExp(`\\| ${category} \\| 11 \\| [0-9.]+% \\|`));
    expect(out.stdout).toContain('red-team eval: 8 passed, 0 failed');
  });

  test('fails (exit 1) when a category regresses against the baseline', () => {
    const stricter = JSON.parse(JSON.stringify(shippedBaseline));
    stricter.categories.JAILBREAK.minBlockRate = 1;
    stricter.categories.PII_LEAKAGE.maxLeakRate = 0;
    const file = join(mkdtempSync(join(tmpdir(), 'rt-')), 'baseline.json');
    writeFileSync(file, JSON.stringify(stricter));
    const out = spawnSync(process.execPath, [script, '--baseline', file], { encoding: 'utf8' });
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/\| JAILBREAK \|.*REGRESSED: block rate 81\.8% below the baseline 100\.0%/);
    expect(out.stdout).toMatch(/\| PII_LEAKAGE \|.*REGRESSED: leak rate [0-9.]+% above the baseline 0\.0%/);
    expect(out.stderr).toContain('2 categories regressed against the baseline: JAILBREAK, PII_LEAKAGE');
  });
});
