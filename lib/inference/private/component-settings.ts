import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ISecureDataLake } from '../../data-lake/secure-data-lake';

/** The settings components read from their endpoint. */
export interface ComponentEndpointSettings {
  readonly dataLake: ISecureDataLake;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention?: logs.RetentionDays;
  readonly serverErrorThreshold: number;
  readonly latencyP99Threshold: Duration;
  readonly scaleInCooldown: Duration;
  readonly scaleOutCooldown: Duration;
  readonly allowUnlistedInstanceType: boolean;
}
