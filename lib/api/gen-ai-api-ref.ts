import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * A GenAI REST API (`POST /<stage>/generate`, `POST /<stage>/feedback`): one created by `GenAIApi`, or an
 * existing one imported with `GenAIApi.fromApiAttributes`.
 */
export interface IGenAIApi extends IConstruct {
  /** The REST API's id. */
  readonly restApiId: string;
  /** The REST API's name (the `ApiName` dimension of its metrics). */
  readonly restApiName: string;
  /** The stage the methods are deployed to (`v1`). */
  readonly stageName: string;
  /** The stage URL, ending with `/` (`https://<id>.execute-api.<region>.amazonaws.com/v1/`). */
  readonly url: string;
  /**
   * Lets the grantee call `POST /generate` and `POST /feedback` of the stage (`execute-api:Invoke` on those
   * two methods). It only has an effect when the API uses IAM authorization.
   *
   * @param grantee the principal to grant
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;
  /**
   * A metric of the stage (namespace `AWS/ApiGateway`, dimensions `ApiName` and `Stage`).
   *
   * @param metricName the metric's name, e.g. `Count`
   * @param props options that override the defaults (sum per 5 minutes)
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Requests to the stage (`Count`, sum per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Client errors (`4XXError`, sum per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricClientError(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Server errors (`5XXError`, sum per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricServerError(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Time from receiving a request to returning the response (`Latency`, milliseconds, average per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Time spent in the backend function (`IntegrationLatency`, milliseconds, average per 5 minutes).
   *
   * @param props options that override the defaults
   */
  metricIntegrationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
