import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';

/**
 * A CloudTrail trail with this library's security alarms: one created by `AuditTrail`, or an existing one
 * imported with `AuditTrail.fromTrailArn` or `AuditTrail.fromTrailAttributes`.
 */
export interface IAuditTrail extends IConstruct {
  /** The trail's ARN. */
  readonly trailArn: string;
  /** The trail's name. */
  readonly trailName: string;
  /**
   * The metric of one security alarm's metric filter (namespace `GenAIPlatform/AuditTrail`, the alarm's id as
   * metric name): matching CloudTrail events, sum per 5 minutes.
   *
   * @param alarmId the id of a security alarm (`AuditTrail.SECURITY_ALARMS`), e.g. `RootAccountUsage`
   * @param props options that override the defaults (sum per 5 minutes)
   */
  metricSecurityAlarm(alarmId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
