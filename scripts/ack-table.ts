/**
 * Regenerates the two tables of docs/readme/compliance.md from the code, so they cannot drift:
 * the GenAIChecks rules (GenAIChecks.describeRules()) and every acknowledgement the library makes
 * (the Acknowledgements registry of lib/core/acknowledgements.ts).
 *
 *   npx ts-node --transpile-only scripts/ack-table.ts          # rewrite the tables in place
 *   npx ts-node --transpile-only scripts/ack-table.ts --check  # exit 1 when the file is stale
 *
 * test/core/genai-checks/docs.test.ts runs the check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Acknowledgements, objectWildcardReason } from '../lib/core/acknowledgements';
import { STAR_RESOURCE_REASONS } from '../lib/core/private/star-resource-reasons';
import { GenAIChecks } from '../lib/core/genai-checks/genai-checks';

export const COMPLIANCE_DOC = join(__dirname, '..', 'docs', 'readme', 'compliance.md');

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** An inline code span (ids contain `<placeholders>` that markdown would read as HTML otherwise). */
function code(text: string): string {
  return '`' + text.replace(/\|/g, '\\|') + '`';
}

/** The table of GenAIChecks rules. */
export function rulesTable(): string {
  const rows = GenAIChecks.describeRules().map(
    (r) => `| ${code(r.id)} | ${r.level} | ${r.resourceTypes.map(code).join('<br>')} | ${cell(r.info)} ${cell(r.explanation)} | ${cell(r.fix)} |`,
  );
  return ['| Rule | Level | Resources | What it finds and why | Fix |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** The table of every acknowledgement in the registry, by topic. */
export function acknowledgementsTable(): string {
  const rows: string[] = [];
  for (const [topic, acks] of Object.entries(Acknowledgements)) {
    // One row per distinct reason of the topic (most topics have one reason for several ids).
    const byReason = new Map<string, string[]>();
    for (const a of acks as ReadonlyArray<{ id: string; reason: string }>) {
      byReason.set(a.reason, [...(byReason.get(a.reason) ?? []), a.id]);
    }
    for (const [reason, ids] of byReason) {
      rows.push(`| ${code(topic)} | ${ids.map(code).join('<br>')} | ${cell(reason)} |`);
    }
  }
  // Acknowledgements built by a helper rather than listed. `Resource: "*"` for actions without resource-level
  // permissions: applied to a policy only when every "*" statement in it holds nothing but the explained actions.
  for (const [name, reason] of Object.entries(STAR_RESOURCE_REASONS)) {
    rows.push(`| ${code(`acknowledgeStarResource(): ${name}`)} | ${code('AwsSolutions-IAM5[Resource::*]')} | ${cell(reason)} |`);
  }
  // S3 object prefixes.
  rows.push(`| ${code('acknowledgeObjectWildcard()')} | ${code('AwsSolutions-IAM5[Resource::<bucketArn>/<prefix>/*]')} | ${cell(objectWildcardReason('[what the prefix holds]'))} |`);
  return ['| Topic | Finding ids | Reason |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
function replaceBlock(doc: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${COMPLIANCE_DOC}: markers ${start} ... ${end} not found`);
  return `${doc.slice(0, i + start.length)}\n${content}\n${doc.slice(j)}`;
}

/** The document with both tables regenerated. */
export function renderComplianceDoc(doc: string): string {
  return replaceBlock(replaceBlock(doc, 'genai-rules', rulesTable()), 'acknowledgements', acknowledgementsTable());
}

if (require.main === module) {
  const current = readFileSync(COMPLIANCE_DOC, 'utf8');
  const next = renderComplianceDoc(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error(`${COMPLIANCE_DOC} is stale: run npx ts-node --transpile-only scripts/ack-table.ts`);
      process.exit(1);
    }
  } else if (next !== current) {
    writeFileSync(COMPLIANCE_DOC, next);
    console.log(`updated ${COMPLIANCE_DOC}`);
  }
}
