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
  /** Allows `sagemaker:InvokeEndpoint` (and the async variant) on this endpoint only. */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;
  /** Model latency (microseconds, p99 by default) of the endpoint's variants. */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Invocations (sum). */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Invocation 5XX errors (sum). */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
