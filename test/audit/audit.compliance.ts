import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AuditTrail } from '../../lib/audit/audit-trail';
import { DataZone } from '../../lib/data-lake/data-zone';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { sharedMatrix } from '../helpers/compliance';

// Checked in one app and one synth with every other area's configurations (test/compliance/all.test.ts).
const matrix = sharedMatrix().section('Audit');

matrix.add('TrailAndLake', (app: Construct) => {
  const stack = new Stack(app, 'TrailAndLake');
  const lake = new SecureDataLake(stack, 'Lake', { zones: [DataZone.RAW, DataZone.CURATED] });
  new AuditTrail(stack, 'Trail', { dataLake: lake, serverAccessLogsBucket: lake.accessLogBucket, includeSageMakerDataEvents: true });
});

test('trail and lake together have zero compliance findings', () => {
  expect(matrix.findings('TrailAndLake')).toEqual([]);
});
