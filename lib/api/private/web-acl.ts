import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { createEncryptedLogGroup } from '../../core/encryption';

/** Options of the managed web ACL the API creates. */
export interface ManagedWebAclSettings {
  readonly rateLimitPerIp: number;
  /** Common rule set rules that only count, besides SizeRestrictions_BODY. */
  readonly countOnlyRules: string[];
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** What {@link createManagedWebAcl} made. */
export interface ManagedWebAcl {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

/**
 * A regional WAFv2 web ACL: AWS managed common and known-bad-inputs rule sets and a per-IP rate limit,
 * logging to an encrypted log group (WAF requires the `aws-waf-logs-` name prefix) with the
 * Authorization header redacted.
 *
 * The common rule set's SizeRestrictions_BODY rule (bodies over 8 KB) only counts: prompts with grounding
 * sources are often larger, and the API limits body size itself.
 */
export function createManagedWebAcl(scope: Construct, settings: ManagedWebAclSettings): ManagedWebAcl {
  const prefix = Names.uniqueResourceName(scope, { maxLength: 40, separator: '-' }).toLowerCase();
  const webAcl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    description: `Protects the GenAI API ${scope.node.path}`,
    visibilityConfig: visibility(`${prefix}-webacl`),
    rules: [
      {
        name: 'AWSManagedRulesCommonRuleSet',
        priority: 0,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: 'AWSManagedRulesCommonRuleSet',
            ruleActionOverrides: [...new Set(['SizeRestrictions_BODY', ...settings.countOnlyRules])].map((name) => ({ name, actionToUse: { count: {} } })),
          },
        },
        visibilityConfig: visibility(`${prefix}-common`),
      },
      {
        name: 'AWSManagedRulesKnownBadInputsRuleSet',
        priority: 1,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
        visibilityConfig: visibility(`${prefix}-bad-inputs`),
      },
      {
        name: 'RateLimitPerIp',
        priority: 2,
        action: { block: {} },
        statement: { rateBasedStatement: { limit: settings.rateLimitPerIp, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
        visibilityConfig: visibility(`${prefix}-rate`),
      },
    ],
  });

  const logGroup = createEncryptedLogGroup(scope, 'WebAclLogGroup', {
    encryptionKey: settings.encryptionKey,
    retention: settings.logRetention,
    removalPolicy: settings.removalPolicy,
    logGroupName: `aws-waf-logs-${prefix}`,
  });
  new wafv2.CfnLoggingConfiguration(scope, 'WebAclLogging', {
    resourceArn: webAcl.attrArn,
    // WAF wants the log group ARN without the trailing `:*`.
    logDestinationConfigs: [
      Stack.of(scope).formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    ],
    redactedFields: [{ singleHeader: { Name: 'authorization' } }],
  });
  return { webAcl, logGroup };
}
