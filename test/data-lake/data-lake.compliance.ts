import { Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DataZone } from '../../lib/data-lake/data-zone';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { sharedMatrix } from '../helpers/compliance';

// Checked in one app and one synth with every other area's configurations (test/compliance/all.test.ts).
const matrix = sharedMatrix().section('DataLake');

matrix.add('LakeOnly', (app: Construct) => {
  const stack = new Stack(app, 'LakeOnly');
  new SecureDataLake(stack, 'Lake', { objectLock: [{ zone: DataZone.FEEDBACK, retention: Duration.days(30) }] });
});

test('a lake on its own (with object lock on the feedback zone) has zero compliance findings', () => {
  expect(matrix.findings('LakeOnly')).toEqual([]);
});
