import { readFileSync } from 'node:fs';
import { COMPLIANCE_DOC, acknowledgementsTable, renderComplianceDoc, rulesTable } from '../../../scripts/ack-table';
import { Acknowledgements } from '../../../lib/core/acknowledgements';
import { GenAIChecks } from '../../../lib/core/genai-checks/genai-checks';

describe('docs/readme/compliance.md', () => {
  const doc = readFileSync(COMPLIANCE_DOC, 'utf8');

  test('its generated tables are up to date (regenerate with npx ts-node --transpile-only scripts/ack-table.ts)', () => {
    expect(renderComplianceDoc(doc)).toBe(doc);
  });

  test('the rules table lists every rule with its fix', () => {
    const table = rulesTable();
    for (const rule of GenAIChecks.describeRules()) {
      expect(table).toContain(`| \`${rule.id}\` | ${rule.level} |`);
      expect(table).toContain(rule.fix.replace(/\|/g, '\\|'));
    }
  });

  test('the acknowledgements table lists every topic, id and reason of the registry', () => {
    const table = acknowledgementsTable();
    for (const [topic, acks] of Object.entries(Acknowledgements)) {
      expect(table).toContain(`| \`${topic}\` |`);
      for (const a of acks as ReadonlyArray<{ id: string; reason: string }>) {
        expect(table).toContain(`\`${a.id}\``);
        expect(table).toContain(a.reason.replace(/\|/g, '\\|'));
      }
    }
    expect(table).toContain('`AwsSolutions-IAM5[Resource::<bucketArn>/<prefix>/*]`');
  });
});
