import { sharedMatrix } from '../helpers/compliance';
import { crossStackCases } from './cross-stack.cases';

// Weak references (cdk.json's default) in the shared matrix: one app and one synth with every other area's
// configurations (test/compliance/all.test.ts). Strong references: cross-stack-acknowledgements.test.ts.
describe('across stacks, weak references (the shared synth)', () => {
  crossStackCases(sharedMatrix().section('CrossStack'), 'weak', 'Fn::GetStackOutput');
});
