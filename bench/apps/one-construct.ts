// A user's app with one construct of the library: the data lake, compliance packs on.
import { App, Stack } from 'aws-cdk-lib';
import { SecureDataLake, applyCompliance } from '../../lib';

const app = new App();
new SecureDataLake(new Stack(app, 'OneConstruct'), 'DataLake');
applyCompliance(app);
