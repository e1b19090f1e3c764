// The same data lake (five zone buckets) and trail written directly with aws-cdk-lib L2 defaults,
// compliance packs on: what a team gets without the library.
import { App, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { applyCompliance } from '../../lib';

const app = new App();
const stack = new Stack(app, 'L2LakeTrail');
const buckets = ['Raw', 'Curated', 'ModelArtifacts', 'InferenceCapture', 'Feedback'].map((z) => new s3.Bucket(stack, `${z}Bucket`));
const trail = new cloudtrail.Trail(stack, 'Trail', { sendToCloudWatchLogs: true });
for (const b of buckets) trail.addS3EventSelector([{ bucket: b }]);
applyCompliance(app);
