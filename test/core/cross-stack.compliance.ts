import { sharedMatrix } from '../helpers/compliance';
import { crossStackCases } from './cross-stack.cases';

// Both reference styles in the shared matrix: one app and one synth with every other area's configurations
// (test/compliance/all.test.ts). Weak references are cdk.json's default; the strong section sets
// `@aws-cdk/core:defaultCrossStackReferences` on its own construct, which CDK reads for the stacks below it.
describe('across stacks, weak references (the shared synth)', () => {
  crossStackCases(sharedMatrix().section('CrossStack'), 'weak', 'Fn::GetStackOutput');
});

describe('across stacks, strong references (the shared synth)', () => {
  crossStackCases(sharedMatrix().section('CrossStackStrong', { '@aws-cdk/core:defaultCrossStackReferences': 'strong' }), 'strong', 'Fn::ImportValue');
});
