// The library's data lake and audit trail alone, compliance packs on (compare with l2-lake-trail.ts).
import { App, Stack } from 'aws-cdk-lib';
import { AuditTrail, SecureDataLake, applyCompliance } from '../../lib';

const app = new App();
const stack = new Stack(app, 'LibraryLakeTrail');
const lake = new SecureDataLake(stack, 'DataLake');
new AuditTrail(stack, 'AuditTrail', { dataLake: lake, serverAccessLogsBucket: lake.accessLogBucket });
applyCompliance(app);
