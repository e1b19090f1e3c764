import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * A SageMaker real-time endpoint this library can send requests to: one created by
 * `InferenceEndpoint`, or an existing one imported with `InferenceEndpoint.fromEndpointAttributes`.
 */
export interface IInferenceEndpoint extends IConstruct {
  /** The endpoint's name. */
  readonly endpointName: string;
  /** The endpoint's ARN. */
  readonly endpointArn: string;
  /**
   * Allows `sagemaker:InvokeEndpoint` (and its streaming and asynchronous variants) on this endpoint only.
   *
   * @param grantee the principal to grant
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;
  /**
   * Model latency (`ModelLatency`, published by SageMaker in microseconds) of the endpoint's variant.
   *
   * @param props options that override the defaults (average per minute; e.g. `{ statistic: 'p99' }`)
   */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Invocations (count, sum).
   *
   * @param props options that override the defaults (sum per minute)
   */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Invocation 5XX errors (count, sum).
   *
   * @param props options that override the defaults (sum per minute)
   */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
