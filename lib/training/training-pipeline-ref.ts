import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * A SageMaker training pipeline and the model package group it registers versions in: one created by
 * `TrainingPipeline`, or an existing one imported with `TrainingPipeline.fromPipelineName` or
 * `TrainingPipeline.fromPipelineAttributes`.
 */
export interface ITrainingPipeline extends IConstruct {
  /** The pipeline's name. */
  readonly pipelineName: string;
  /** The pipeline's ARN. */
  readonly pipelineArn: string;
  /**
   * The model package group (registry) new versions are registered in. Reading it on a pipeline imported
   * without `modelPackageGroupName` throws an error that says how to import it with one.
   */
  readonly modelPackageGroupName: string;
  /** The model package group's ARN (known when `modelPackageGroupName` is). */
  readonly modelPackageGroupArn: string;
  /**
   * Lets the grantee start executions of this pipeline (`sagemaker:StartPipelineExecution` on its ARN).
   *
   * @param grantee the principal to grant
   */
  grantStartExecution(grantee: iam.IGrantable): iam.Grant;
  /**
   * A metric of this pipeline's executions (namespace `AWS/Sagemaker/ModelBuildingPipeline`, dimension
   * `PipelineName`), e.g. `ExecutionFailed`.
   *
   * @param metricName the metric's name
   * @param props options that override the defaults (sum per 5 minutes)
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Executions started (`ExecutionStarted`, count, sum per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricExecutionStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Executions that succeeded (`ExecutionSucceeded`, count, sum per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricExecutionSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Executions that failed (`ExecutionFailed`, count, sum per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricExecutionFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Executions that were stopped (`ExecutionStopped`, count, sum per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricExecutionStopped(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * How long executions took (`ExecutionDuration`, milliseconds, average per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricExecutionDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
