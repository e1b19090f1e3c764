import { ComplianceMatrix } from '../helpers/compliance';
import { crossStackCases } from './cross-stack.cases';

// Strong references need an app of their own (the reference style is an app-wide context value); weak
// ones, cdk.json's default, are checked in the shared matrix (cross-stack.compliance.ts).
describe('across stacks, strong references (one synth)', () => {
  crossStackCases(new ComplianceMatrix(undefined, { context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong' } }), 'strong', 'Fn::ImportValue');
});
