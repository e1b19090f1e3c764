/**
 * The full compliance matrix, in one place: every area's configurations (the `*.compliance.ts` modules
 * beside the area's tests) are stacks of ONE app, synthesized ONCE with every pack — cdk-nag AwsSolutions,
 * NIST 800-53 R5, HIPAA Security, GenAIChecks, the Control Tower rules (cfn-guard) and strict CloudFormation
 * schema validation — and each test reads the findings of its own configuration (`sharedMatrix()`). One
 * synth starts the schema engine, the packs and cfn-guard once instead of once per area.
 */
import { sharedMatrix } from '../helpers/compliance';
import '../compliance/platform.compliance';
import '../inference/platform-wiring.compliance';
import '../api/api.compliance';
import '../guardrails/guardrails.compliance';
import '../inference/inference.compliance';
import '../inference/components.compliance';
import '../training/training.compliance';
import '../evaluation/evaluation.compliance';
import '../prompts/prompts.compliance';
import '../core/acknowledgement-scope.compliance';
import '../data-lake/data-lake.compliance';
import '../audit/audit.compliance';
import '../core/cross-stack.compliance';
import '../api/api-streaming.compliance';
import '../guardrails/guardrail-streaming.compliance';
import '../core/secure-function.compliance';

test('every finding of the shared synth belongs to a configuration (none can go unread)', () => {
  expect(sharedMatrix().unattributed()).toEqual([]);
});
