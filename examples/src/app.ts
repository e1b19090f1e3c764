// A user's own app: existing resources plus single constructs from the library.
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AuditTrail, DataZone, SecureDataLake, applyCompliance } from 'genai-platform-constructs';

const app = new App();

// 1. A data lake encrypted with a key the security team already owns, plus an audit trail over it.
const governance = new Stack(app, 'ExampleGovernance');
const existingKey = kms.Key.fromKeyArn(
  governance,
  'ExistingKey',
  governance.formatArn({ service: 'kms', resource: 'key', resourceName: '1234abcd-12ab-34cd-56ef-1234567890ab' }),
);
const lake = new SecureDataLake(governance, 'DataLake', {
  encryptionKey: existingKey,
  zones: [DataZone.RAW, DataZone.CURATED, DataZone.MODEL_ARTIFACTS, DataZone.INFERENCE_CAPTURE, DataZone.FEEDBACK],
});
new AuditTrail(governance, 'AuditTrail', { dataLake: lake, serverAccessLogsBucket: lake.accessLogBucket });

applyCompliance(app);
