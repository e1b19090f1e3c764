import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { IInferenceEndpoint } from './inference-endpoint-ref';

/**
 * A SageMaker inference component: one model on an endpoint's shared fleet, invoked by endpoint name plus
 * component name. One created by `InferenceComponentEndpoint.addComponent`, or an existing one imported
 * with `InferenceComponent.fromInferenceComponentAttributes`.
 */
export interface IInferenceComponent extends IConstruct {
  /** The component's name (what `InvokeEndpoint` takes as `InferenceComponentName`). */
  readonly inferenceComponentName: string;
  /** The component's ARN. */
  readonly inferenceComponentArn: string;
  /** The endpoint that hosts the component. */
  readonly endpoint: IInferenceEndpoint;
  /**
   * Allows `sagemaker:InvokeEndpoint` (and its streaming variant) on the endpoint and this component only.
   *
   * @param grantee the principal to grant
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;
  /**
   * Invocations of the component (count, sum per minute).
   *
   * @param props options that override the defaults
   */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Invocation 5XX errors of the component (count, sum per minute).
   *
   * @param props options that override the defaults
   */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Model latency of the component, in microseconds (average per minute).
   *
   * @param props options that override the defaults, e.g. `{ statistic: 'p99' }`
   */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Requests that failed because the component had no copy to serve them (`NoCapacityInvocationFailures`,
   * sum per minute): what a component scaled to zero answers until its first copy runs.
   *
   * @param props options that override the defaults
   */
  metricNoCapacityFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
