import { Annotations, ArnFormat, CfnResource, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  Acknowledgements,
  acknowledge,
  acknowledgeCrossStackReference,
  acknowledgeObjectWildcard,
  acknowledgeWhenRendered,
} from '../core/acknowledgements';
import { renderedProperties } from '../core/genai-checks/private/template';
import { createEncryptedLogGroup, createKey, createNotificationTopic, grantKeyVia, validateLogRetention } from '../core/encryption';
import { GenAIValidationError, isUnresolved, validateOneOf, validatePattern, validateRange } from '../core/errors';
import { validateRestApiName } from '../core/names';
import { SecureFunction } from '../core/secure-function';
import { DataZone } from '../data-lake/data-zone';
import { LAKE_WRITE_ACTIONS } from '../data-lake/private/actions';
import { ISecureDataLake } from '../data-lake/secure-data-lake';
import { GuardrailFunction } from '../guardrails/guardrail-function';
import { accountLogging } from './private/account-logging';
import { FeedbackScreening } from './private/feedback-screening';
import { ACCESS_LOG_FORMAT, GATEWAY_ERROR_TEMPLATE, feedbackSchema, generateSchema } from './private/models';
import { IGenAIApi } from './gen-ai-api-ref';
import { createManagedWebAcl } from './private/web-acl';

/** The stage name, which is also the version in every path: `/v1/generate`, `/v1/feedback`. */
const GENAI_API_STAGE = 'v1';

/** Actions of {@link GenAIApi.grantInvoke}. */
const GENAI_API_INVOKE_ACTIONS = ['execute-api:Invoke'];

/**
 * How callers authenticate. Every method of the API uses the same authorization.
 */
export class ApiAuthorization {
  /** Signature Version 4 with IAM credentials: callers need `execute-api:Invoke` ({@link GenAIApi.grantInvoke}). */
  public static iam(): ApiAuthorization {
    return new ApiAuthorization(apigw.AuthorizationType.IAM);
  }

  /**
   * A Cognito user pool: callers send an ID token (or an access token when `scopes` are given) in the
   * `Authorization` header.
   *
   * @param userPool the pool whose tokens are accepted
   * @param scopes OAuth scopes an access token must carry (without them the ID token is expected)
   */
  public static cognito(userPool: cognito.IUserPool, scopes?: string[]): ApiAuthorization {
    return new ApiAuthorization(apigw.AuthorizationType.COGNITO, userPool, scopes);
  }

  private constructor(
    /** The API Gateway authorization type of every method. */
    public readonly authorizationType: apigw.AuthorizationType,
    /** The user pool, for Cognito authorization. */
    public readonly userPool?: cognito.IUserPool,
    /** OAuth scopes required of access tokens, for Cognito authorization. */
    public readonly scopes?: string[],
  ) {}
}

/** Options of {@link ApiWebAcl.managed}. */
export interface ManagedWebAclOptions {
  /**
   * Requests one client IP may make in 5 minutes before it is blocked (10 to 2,000,000,000).
   * @default 1000
   */
  readonly rateLimitPerIp?: number;
  /**
   * Rules of the AWS managed common rule set that only count instead of block, e.g.
   * `CrossSiteScripting_BODY` when prompts legitimately contain HTML or code. `SizeRestrictions_BODY`
   * always only counts (prompts with grounding sources are often over 8 KB).
   * @default - no other rule
   */
  readonly countOnlyRules?: string[];
}

/** Which AWS WAF web ACL protects the API stage. */
export class ApiWebAcl {
  /**
   * A new regional web ACL: the AWS managed common and known-bad-inputs rule sets and a per-IP rate
   * limit, logged (Authorization header redacted) to an encrypted log group.
   *
   * @param options the per-IP rate limit and the common rules that only count
   */
  public static managed(options: ManagedWebAclOptions = {}): ApiWebAcl {
    return new ApiWebAcl('managed', options.rateLimitPerIp ?? 1000, undefined, options.countOnlyRules ?? []);
  }

  /**
   * An existing regional WAFv2 web ACL (its rules and logging are yours).
   *
   * @param webAclArn `arn:<partition>:wafv2:<region>:<account>:regional/webacl/<name>/<id>`
   */
  public static fromWebAclArn(webAclArn: string): ApiWebAcl {
    return new ApiWebAcl('arn', undefined, webAclArn);
  }

  /**
   * No web ACL. The compliance packs report the stage (AwsSolutions-APIG3, APIGWAssociatedWithWAF); use
   * it only behind another layer that filters traffic, and acknowledge those findings yourself.
   */
  public static none(): ApiWebAcl {
    return new ApiWebAcl('none');
  }

  private constructor(
    /** @internal */ public readonly _kind: string,
    /** @internal */ public readonly _rateLimitPerIp?: number,
    /** @internal */ public readonly _webAclArn?: string,
    /** @internal */ public readonly _countOnlyRules: string[] = [],
  ) {}
}

/** Properties of {@link GenAIApi}. */
export interface GenAIApiProps {
  /** The function behind `POST /v1/generate` (a Lambda proxy integration), e.g. `GuardrailFunction.function`. */
  readonly generateFunction: lambda.IFunction;
  /**
   * The function behind `POST /v1/generate/stream` (a Lambda proxy integration with response streaming:
   * the answer as server-sent events), e.g. `GuardrailFunction.streamFunction`. It must write API Gateway's
   * streaming response format (`awslambda.HttpResponseStream`).
   * @default - no streaming route
   */
  readonly generateStreamFunction?: lambda.IFunction;
  /**
   * How long API Gateway lets `POST /v1/generate/stream` stream (the integration timeout, 1 second to 15
   * minutes). Keep it above the function's timeout, so the function ends a long answer with a final event.
   * @default Duration.minutes(15)
   */
  readonly streamTimeout?: Duration;
  /** The lake whose FEEDBACK zone receives one record per generation request id. */
  readonly dataLake: ISecureDataLake;
  /**
   * How callers authenticate.
   * @default ApiAuthorization.iam()
   */
  readonly authorization?: ApiAuthorization;
  /**
   * The AWS WAF web ACL of the stage.
   * @default ApiWebAcl.managed()
   */
  readonly webAcl?: ApiWebAcl;
  /**
   * Steady-state requests per second of the stage (all callers together).
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst capacity of the stage, in requests: at least `throttlingRateLimit` (API Gateway rejects a usage
   * plan whose burst is below its rate).
   * @default - 100, or `throttlingRateLimit` rounded up when that is higher (at most 5000)
   */
  readonly throttlingBurstLimit?: number;
  /**
   * The REST API's name (also the `ApiName` dimension of its metrics): 1 to 1024 printable ASCII
   * characters.
   * @default - generated from the construct path (at most 64 characters)
   */
  readonly restApiName?: string;
  /**
   * Require an API key (`x-api-key`) in addition to the authorization, so the usage plan's quota and
   * throttle (`throttlingRateLimit`, `throttlingBurstLimit` per key) apply per caller. Keys are added with
   * `api.usagePlan.addApiKey(key)`. Without keys API Gateway has no per-caller throttling: the usage plan
   * then has no throttle (it would apply to no request) and the stage throttle limits all callers together.
   * @default false
   */
  readonly apiKeyRequired?: boolean;
  /**
   * Requests per day per API key (usage plan quota, only enforced when `apiKeyRequired`).
   * @default - no quota
   */
  readonly quotaRequestsPerDay?: number;
  /**
   * Key prefix in the FEEDBACK zone of the feedback records training reads (ends with `/`). With
   * `verifyFeedback` only screened records land here; without it every record does.
   * @default 'api-feedback/'
   */
  readonly feedbackPrefix?: string;
  /**
   * Bind feedback to generations and screen it before training reads it: `POST /v1/feedback` accepts a
   * request id only when the GuardrailFunction behind `generateFunction` recorded a generation with it
   * for the same caller within its `feedbackWindow` (else a 404 or 410 JSON error), and writes the record
   * under `feedbackQuarantinePrefix`; a screening step runs the guardrail's local checks (secrets, prompt
   * injection, PII redaction) and the Bedrock guardrail on the text and copies only screened records
   * (PII redacted) to `feedbackPrefix`; blocked ones stay in quarantine and go to the guardrail
   * function's review queue. Requires `generateFunction` to be a GuardrailFunction's `function`. `false`
   * stores any well-formed feedback, from any caller and unscreened, directly under `feedbackPrefix`.
   * @default true
   */
  readonly verifyFeedback?: boolean;
  /**
   * Key prefix in the FEEDBACK zone where feedback waits for screening (with `verifyFeedback`); must not
   * overlap `feedbackPrefix`, so training never reads it.
   * @default - 'quarantine/' followed by `feedbackPrefix`
   */
  readonly feedbackQuarantinePrefix?: string;
  /**
   * Key for the log groups, the feedback function, its fallback queues and the alarm topic.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Topic the alarms notify.
   * @default - a new topic encrypted with `encryptionKey`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Retention of the access, execution, WAF and function log groups.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Execution logging level of every method (request and response bodies are never logged).
   * @default apigw.MethodLoggingLevel.ERROR
   */
  readonly loggingLevel?: apigw.MethodLoggingLevel;
  /**
   * Create the role API Gateway logs with and set it in the account's API Gateway settings
   * (`AWS::ApiGateway::Account`, one per account and region). A stack holds one such setting however
   * many APIs it has (the first API creates it, the others reuse it). Before setting it, the deployment
   * reads the current role and fails with a message naming it when someone else set it (another stack
   * in the same account and region, a landing zone), unless `takeOverAccountSettings`. Set `false` to
   * leave the account's setting alone and log through the role it has.
   * @default true
   */
  readonly configureAccountLogging?: boolean;
  /**
   * Replace the account's API Gateway logging role when someone else set it, instead of failing the
   * deployment (their APIs then log through this stack's role, which has the same permissions).
   * @default false
   */
  readonly takeOverAccountSettings?: boolean;
  /**
   * 5XX responses in 5 minutes at which the server-error alarm fires.
   * @default 5
   */
  readonly serverErrorThreshold?: number;
  /**
   * What happens to the key, log groups and queues on stack deletion. (The account logging role is always
   * retained: the account's API Gateway settings keep pointing to it.)
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9!_.*'()-]*(\/[A-Za-z0-9!_.*'()-]+)*\/$/;

/** Attributes of a GenAI API that exists already. */
export interface GenAIApiAttributes {
  /** The REST API's id. */
  readonly restApiId: string;
  /** The REST API's name (the `ApiName` dimension of its metrics). */
  readonly restApiName: string;
  /**
   * The stage the methods are deployed to.
   * @default GenAIApi.STAGE_NAME ('v1')
   */
  readonly stageName?: string;
  /**
   * The API has `POST /generate/stream` (`grantInvoke` then also allows it).
   * @default false
   */
  readonly streaming?: boolean;
}

/** @internal */
abstract class GenAIApiBase extends Construct implements IGenAIApi {
  public abstract readonly restApiId: string;
  public abstract readonly restApiName: string;
  public abstract readonly stageName: string;
  public abstract readonly url: string;
  /** @internal True when the API has `POST /generate/stream`. */
  protected abstract readonly _streaming: boolean;

  /**
   * Lets the grantee call `POST /generate` and `POST /feedback` of the stage (and `POST /generate/stream`
   * when the API has it): the action `execute-api:Invoke` on exactly those methods (only effective with IAM
   * authorization).
   *
   * @param grantee the principal to grant
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const method = (path: string) =>
      stack.formatArn({ service: 'execute-api', resource: this.restApiId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, resourceName: `${this.stageName}/POST${path}` });
    const paths = this._streaming ? ['/generate', '/feedback', '/generate/stream'] : ['/generate', '/feedback'];
    return iam.Grant.addToPrincipal({ grantee, actions: GENAI_API_INVOKE_ACTIONS, resourceArns: paths.map(method) });
  }

  /**
   * A metric of the stage: namespace `AWS/ApiGateway`, dimensions `ApiName` and `Stage`, sum per 5
   * minutes unless `props` say otherwise.
   *
   * @param metricName the metric's name, e.g. `Count`
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.restApiName, Stage: this.stageName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /**
   * Requests to the stage (`Count`, a count; sum per 5 minutes).
   *
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metricCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Count', props);
  }

  /**
   * Client errors (`4XXError`, a count; sum per 5 minutes): refused by authorization, validation,
   * throttling or the WAF.
   *
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metricClientError(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('4XXError', props);
  }

  /**
   * Server errors (`5XXError`, a count; sum per 5 minutes): a function failed, timed out or was throttled.
   *
   * @param props options that override the defaults (sum per 5 minutes)
   */
  public metricServerError(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('5XXError', props);
  }

  /**
   * Time from receiving a request to returning the response (`Latency`, published in milliseconds;
   * average per 5 minutes).
   *
   * @param props options that override the defaults (average per 5 minutes)
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Latency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /**
   * Time spent in the backend function (`IntegrationLatency`, published in milliseconds; average per 5
   * minutes).
   *
   * @param props options that override the defaults (average per 5 minutes)
   */
  public metricIntegrationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('IntegrationLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }
}

/**
 * The REST API a business application calls: `POST /v1/generate` (the guardrail function) and
 * `POST /v1/feedback` (ratings and corrections into the FEEDBACK zone of the data lake).
 *
 * Secure by default: IAM (SigV4) authorization on every method, request validation against JSON schema
 * models, stage throttling (per API key with `apiKeyRequired`), JSON access logs and execution logs in
 * encrypted log groups (bodies never logged), X-Ray tracing, a regional WAF web ACL, feedback bound to the
 * caller's own generations and screened before training reads it (`verifyFeedback`), one account logging
 * setting per stack that never silently replaces someone else's, and alarms on 5XX errors and on feedback
 * that could not be written to S3 at once or could not be screened.
 */
export class GenAIApi extends GenAIApiBase {
  /** The name of the API's one stage (`/v1/generate`, `/v1/feedback`). */
  public static readonly STAGE_NAME: string = GENAI_API_STAGE;
  /** The actions {@link GenAIApi.grantInvoke} grants. */
  public static readonly INVOKE_ACTIONS: string[] = [...GENAI_API_INVOKE_ACTIONS];

  /**
   * Imports a GenAI API that exists already (for example one of another stack or app), in the stack's
   * account and region.
   *
   * @param scope the scope in which to define the imported API
   * @param id the construct id of the imported API
   * @param attrs the REST API's id and name, and its stage
   */
  public static fromApiAttributes(scope: Construct, id: string, attrs: GenAIApiAttributes): IGenAIApi {
    validatePattern(scope, 'restApiId', attrs.restApiId, /^[a-z0-9]{10}$/, 'a REST API id: 10 lower-case letters and digits, e.g. a1b2c3d4e5');
    validateRestApiName(scope, 'restApiName', attrs.restApiName);
    const stageName = attrs.stageName ?? GENAI_API_STAGE;
    validatePattern(scope, 'stageName', stageName, /^[A-Za-z0-9_-]{1,128}$/, 'a stage name: letters, digits, "_" and "-", at most 128 characters');
    const stack = Stack.of(scope);
    class Imported extends GenAIApiBase {
      public readonly restApiId = attrs.restApiId;
      public readonly restApiName = attrs.restApiName;
      public readonly stageName = stageName;
      public readonly url = `https://${attrs.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${stageName}/`;
      protected readonly _streaming = attrs.streaming ?? false;
    }
    return new Imported(scope, id);
  }

  /** The REST API. */
  public readonly restApi: apigw.RestApi;
  /** The REST API's id. */
  public readonly restApiId: string;
  /** The REST API's name (`restApiName`, or generated), the `ApiName` dimension of its metrics. */
  public readonly restApiName: string;
  /** The stage the methods are deployed to (`v1`). */
  public readonly stageName: string = GENAI_API_STAGE;
  /** The stage URL, ending with `/` (`https://<id>.execute-api.<region>.amazonaws.com/v1/`). */
  public readonly url: string;
  /** The URL of `POST /v1/generate`. */
  public readonly generateUrl: string;
  /** The URL of `POST /v1/feedback`. */
  public readonly feedbackUrl: string;
  /** `POST /v1/generate`. */
  public readonly generateMethod: apigw.Method;
  /** `POST /v1/feedback`. */
  public readonly feedbackMethod: apigw.Method;
  /** `POST /v1/generate/stream` (with `generateStreamFunction`): a streamed Lambda proxy integration. */
  public readonly generateStreamMethod?: apigw.Method;
  /** The URL of `POST /v1/generate/stream` (with `generateStreamFunction`). */
  public readonly generateStreamUrl?: string;
  /** The feedback handler (`lambda/feedback`): its own role, encrypted log group, X-Ray, reserved concurrency. */
  public readonly feedbackFunction: lambda.IFunction;
  /** Feedback records S3 refused wait here (encrypted) until the feedback function writes them. */
  public readonly feedbackFallbackQueue: sqs.Queue;
  /** Records the redrive could not write after 100 attempts (alarmed, kept 14 days). */
  public readonly feedbackDeadLetterQueue: sqs.Queue;
  /** The usage plan of the stage: per-key throttle and quota with `apiKeyRequired`, empty without. */
  public readonly usagePlan: apigw.UsagePlan;
  /** The encrypted access log group (JSON lines). */
  public readonly accessLogGroup: logs.ILogGroup;
  /** The encrypted execution log group (`API-Gateway-Execution-Logs_<id>/v1`). */
  public readonly executionLogGroup: logs.ILogGroup;
  /** The web ACL this construct created (for `ApiWebAcl.managed()`). */
  public readonly webAcl?: wafv2.CfnWebACL;
  /** The ARN of the web ACL associated with the stage, if any. */
  public readonly webAclArn?: string;
  /** Key of logs, queues, the function and the alarm topic. */
  public readonly encryptionKey: kms.IKey;
  /** Topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** 5XX errors, feedback fallback in use, feedback dead letters. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The FEEDBACK zone key prefix of the records training reads (screened ones, with `verifyFeedback`). */
  public readonly feedbackPrefix: string;
  /** The FEEDBACK zone key prefix where feedback waits for screening (with `verifyFeedback`). */
  public readonly feedbackQuarantinePrefix?: string;
  /** The function that screens quarantined feedback (the guardrail bundle's `index.screen`), with `verifyFeedback`. */
  public readonly feedbackScreeningFunction?: lambda.IFunction;
  /** Quarantined records waiting for screening (S3 events through EventBridge), with `verifyFeedback`. */
  public readonly feedbackScreeningQueue?: sqs.IQueue;
  /** Screening events that failed 10 times (alarmed, kept 14 days), with `verifyFeedback`. */
  public readonly feedbackScreeningDeadLetterQueue?: sqs.IQueue;
  /** The authorization type of every method. */
  public readonly authorizationType: apigw.AuthorizationType;
  /** @internal */
  protected readonly _streaming: boolean;

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the API's properties
   */
  constructor(scope: Construct, id: string, props: GenAIApiProps) {
    super(scope, id);
    const authorization = props.authorization ?? ApiAuthorization.iam();
    this.authorizationType = authorization.authorizationType;
    const webAclChoice = props.webAcl ?? ApiWebAcl.managed();
    const rate = props.throttlingRateLimit ?? 50;
    const burst = props.throttlingBurstLimit ?? (isUnresolved(rate) ? 100 : Math.min(5000, Math.max(100, Math.ceil(rate))));
    validateRange(this, 'throttlingRateLimit', rate, 1, 10000);
    validateRange(this, 'throttlingBurstLimit', burst, 1, 5000, { integer: true });
    if (!isUnresolved(rate) && !isUnresolved(burst) && burst < rate) {
      throw new GenAIValidationError(
        this,
        'throttlingBurstLimit',
        props.throttlingBurstLimit === undefined ? `${burst} (the default)` : burst,
        `at least throttlingRateLimit (${rate}): API Gateway rejects a usage plan whose burst is below its rate`,
      );
    }
    validateRestApiName(this, 'restApiName', props.restApiName);
    validateRange(this, 'quotaRequestsPerDay', props.quotaRequestsPerDay, 1, 2_000_000_000, { integer: true });
    validateRange(this, 'serverErrorThreshold', props.serverErrorThreshold, 1, 100000, { integer: true });
    validateRange(this, 'webAcl.rateLimitPerIp', webAclChoice._rateLimitPerIp, 10, 2_000_000_000, { integer: true });
    for (const rule of webAclChoice._countOnlyRules) {
      validatePattern(this, 'webAcl.countOnlyRules', rule, /^[A-Za-z0-9_-]{1,128}$/, 'rule names of the AWS managed common rule set, e.g. "CrossSiteScripting_BODY"');
    }
    validateLogRetention(this, 'logRetention', props.logRetention);
    const streamTimeout = props.streamTimeout ?? Duration.minutes(15);
    if (props.streamTimeout && !props.generateStreamFunction) {
      throw new GenAIValidationError(this, 'streamTimeout', streamTimeout.toHumanString(), 'only with generateStreamFunction (it is the timeout of POST /v1/generate/stream)');
    }
    if (!streamTimeout.isUnresolved() && (streamTimeout.toMilliseconds() < 1000 || streamTimeout.toMilliseconds() > 900_000)) {
      throw new GenAIValidationError(this, 'streamTimeout', streamTimeout.toHumanString(), 'from 1 second to 15 minutes (the longest API Gateway streams a response)');
    }
    this._streaming = props.generateStreamFunction !== undefined;
    const loggingLevel = props.loggingLevel ?? apigw.MethodLoggingLevel.ERROR;
    validateOneOf(this, 'loggingLevel', loggingLevel, [apigw.MethodLoggingLevel.ERROR, apigw.MethodLoggingLevel.INFO]);
    this.feedbackPrefix = props.feedbackPrefix ?? 'api-feedback/';
    validatePattern(this, 'feedbackPrefix', this.feedbackPrefix, PREFIX_PATTERN, 'a relative S3 key prefix ending with "/" (letters, digits, !_.*\'()- and "/"), e.g. "api-feedback/"');
    if (props.quotaRequestsPerDay !== undefined && !props.apiKeyRequired) {
      Annotations.of(this).addWarningV2(
        'genai-platform-constructs:api-quota-without-keys',
        'quotaRequestsPerDay only applies to requests made with an API key; set apiKeyRequired: true and add keys to the usage plan.',
      );
    }

    const verify = props.verifyFeedback ?? true;
    const guardrailFunction = verify ? guardrailFunctionOf(props.generateFunction) : undefined;
    if (verify && !guardrailFunction) {
      throw new GenAIValidationError(
        this,
        'generateFunction',
        props.generateFunction.node.path,
        "the `function` of a GuardrailFunction (feedback is bound to its generation records and screened with its guardrail), or set verifyFeedback: false to store feedback unverified and unscreened",
      );
    }
    if (verify) {
      this.feedbackQuarantinePrefix = props.feedbackQuarantinePrefix ?? `quarantine/${this.feedbackPrefix}`;
      validatePattern(this, 'feedbackQuarantinePrefix', this.feedbackQuarantinePrefix, PREFIX_PATTERN, 'a relative S3 key prefix ending with "/", e.g. "quarantine/api-feedback/"');
      if (this.feedbackQuarantinePrefix.startsWith(this.feedbackPrefix) || this.feedbackPrefix.startsWith(this.feedbackQuarantinePrefix)) {
        throw new GenAIValidationError(this, 'feedbackQuarantinePrefix', this.feedbackQuarantinePrefix, `a prefix that does not overlap feedbackPrefix (${this.feedbackPrefix}): training must never read unscreened feedback`);
      }
    }
    const writePrefix = this.feedbackQuarantinePrefix ?? this.feedbackPrefix;

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const feedbackBucket = props.dataLake.bucket(DataZone.FEEDBACK);
    this.encryptionKey = props.encryptionKey ?? createKey(this, 'Key', `Encrypts the logs and queues of the GenAI API ${this.node.path}`, removalPolicy);
    this.alarmTopic = props.alarmTopic ?? createNotificationTopic(this, 'AlarmTopic', this.encryptionKey, 'GenAI API alarms');

    // --- REST API, stage, logging ------------------------------------------------------------------
    this.accessLogGroup = createEncryptedLogGroup(this, 'AccessLogs', { encryptionKey: this.encryptionKey, retention: logRetention, removalPolicy });
    this.restApi = new apigw.RestApi(this, 'Resource', {
      restApiName: props.restApiName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }),
      description: `GenAI API (generate, feedback) of ${this.node.path}`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The account logging role is ours (below): no AWS managed policy, and opt-out for shared accounts.
      cloudWatchRole: false,
      deployOptions: {
        stageName: GENAI_API_STAGE,
        tracingEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
        loggingLevel,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: rate,
        throttlingBurstLimit: burst,
      },
    });
    const stage = this.restApi.deploymentStage;
    this.restApiId = this.restApi.restApiId;
    this.restApiName = this.restApi.restApiName;
    this.url = this.restApi.url;
    this.generateUrl = this.restApi.urlForPath('/generate');
    this.feedbackUrl = this.restApi.urlForPath('/feedback');

    // API Gateway writes execution logs to this fixed name; creating it first makes it encrypted and retained.
    this.executionLogGroup = createEncryptedLogGroup(this, 'ExecutionLogs', {
      encryptionKey: this.encryptionKey,
      retention: logRetention,
      removalPolicy,
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${GENAI_API_STAGE}`,
    });
    stage.node.addDependency(this.executionLogGroup);
    if (props.configureAccountLogging ?? true) {
      const { account } = accountLogging(this, { encryptionKey: this.encryptionKey, takeOver: props.takeOverAccountSettings ?? false, removalPolicy, logRetention });
      stage.node.addDependency(account);
    }

    for (const [id, type] of [
      ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.restApi.addGatewayResponse(id, { type, templates: { 'application/json': GATEWAY_ERROR_TEMPLATE } });
    }

    // --- Feedback function and its fallback --------------------------------------------------------
    this.feedbackDeadLetterQueue = new sqs.Queue(this, 'FeedbackDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    acknowledge(this.feedbackDeadLetterQueue, Acknowledgements.deadLetterQueue);
    acknowledgeCrossStackReference(this.feedbackDeadLetterQueue);
    this.feedbackFallbackQueue = new sqs.Queue(this, 'FeedbackFallbackQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Give S3 a moment before the first retry; six function timeouts per attempt.
      deliveryDelay: Duration.minutes(1),
      visibilityTimeout: Duration.minutes(2),
      deadLetterQueue: { queue: this.feedbackDeadLetterQueue, maxReceiveCount: 100 },
      removalPolicy,
    });
    acknowledgeCrossStackReference(this.feedbackFallbackQueue);

    const feedbackFunction = new SecureFunction(this, 'FeedbackFunction', {
      handlerName: 'feedback',
      description: 'Validates feedback and writes one record per request id to the FEEDBACK zone',
      encryptionKey: this.encryptionKey,
      environment: {
        BUCKET_NAME: feedbackBucket.bucketName,
        KEY_PREFIX: writePrefix,
        FALLBACK_QUEUE_URL: this.feedbackFallbackQueue.queueUrl,
        POWERTOOLS_SERVICE_NAME: 'feedback',
        ...(guardrailFunction
          ? {
              GENERATION_BUCKET: guardrailFunction.traceBucket.bucketName,
              GENERATION_PREFIX: guardrailFunction.generationRecordPrefix,
              FEEDBACK_WINDOW_SECONDS: String(guardrailFunction.feedbackWindow.toSeconds()),
            }
          : {}),
      },
      timeout: Duration.seconds(20),
      memorySize: 256,
      reservedConcurrentExecutions: 20,
      logRetention,
      removalPolicy,
    });
    this.feedbackFunction = feedbackFunction.function;
    const fn = feedbackFunction.function;
    props.dataLake.grantWrite(fn, DataZone.FEEDBACK, writePrefix);
    // The duplicate check (HeadObject, only after the conditional put found an object) needs s3:GetObject.
    feedbackFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [feedbackBucket.arnForObjects(`${writePrefix}*`)] }),
    );
    feedbackFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.feedbackFallbackQueue.queueArn] }),
    );
    grantKeyVia(this.encryptionKey, fn, ['sqs'], 'kms:GenerateDataKey', 'kms:Decrypt');
    fn.addEventSource(new SqsEventSource(this.feedbackFallbackQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 }));
    acknowledgeObjectWildcard(
      feedbackFunction.role,
      feedbackBucket.arnForObjects(`${writePrefix}*`),
      verify ? 'one feedback record per request id, under the quarantine prefix of this API' : 'one feedback record per request id, under the key prefix of this API',
      [...LAKE_WRITE_ACTIONS, 's3:GetObject'],
    );
    if (guardrailFunction) {
      // The binding check: HEAD of the generation record (no body; the caller's hash in its metadata).
      guardrailFunction.grantReadGenerationRecords(fn);
      acknowledgeObjectWildcard(
        feedbackFunction.role,
        guardrailFunction.traceBucket.arnForObjects(`${guardrailFunction.generationRecordPrefix}*`),
        'the feedback function reads the generation record of the request id it is given (metadata only: a caller hash)',
        ['s3:GetObject'],
      );
      const screening = new FeedbackScreening(this, 'FeedbackScreening', {
        dataLake: props.dataLake,
        guardrailFunction,
        quarantinePrefix: this.feedbackQuarantinePrefix!,
        trainingPrefix: this.feedbackPrefix,
        encryptionKey: this.encryptionKey,
        logRetention,
        removalPolicy,
      });
      this.feedbackScreeningFunction = screening.function.function;
      this.feedbackScreeningQueue = screening.queue;
      this.feedbackScreeningDeadLetterQueue = screening.deadLetterQueue;
    }

    // --- Routes --------------------------------------------------------------------------------------
    const validator = this.restApi.addRequestValidator('RequestValidator', { validateRequestBody: true, validateRequestParameters: true });
    const authorizer =
      authorization.authorizationType === apigw.AuthorizationType.COGNITO
        ? new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [authorization.userPool!] })
        : undefined;
    const methodOptions = (model: apigw.IModel): apigw.MethodOptions => ({
      authorizationType: authorization.authorizationType,
      authorizer,
      authorizationScopes: authorization.scopes,
      apiKeyRequired: props.apiKeyRequired ?? false,
      requestValidator: validator,
      requestModels: { 'application/json': model },
    });
    const generateModel = this.restApi.addModel('GenerateModel', { contentType: 'application/json', schema: generateSchema() });
    const feedbackModel = this.restApi.addModel('FeedbackModel', { contentType: 'application/json', schema: feedbackSchema() });
    const generate = this.restApi.root.addResource('generate');
    this.generateMethod = generate.addMethod('POST', new apigw.LambdaIntegration(props.generateFunction, { allowTestInvoke: false }), methodOptions(generateModel));
    this.feedbackMethod = this.restApi.root
      .addResource('feedback')
      .addMethod('POST', new apigw.LambdaIntegration(fn, { allowTestInvoke: false }), methodOptions(feedbackModel));
    // The streamed route: the same request model and authorization; API Gateway calls the function with
    // InvokeWithResponseStream and passes each byte on as it comes, for up to `streamTimeout`.
    if (props.generateStreamFunction) {
      this.generateStreamMethod = generate
        .addResource('stream')
        .addMethod(
          'POST',
          new apigw.LambdaIntegration(props.generateStreamFunction, { allowTestInvoke: false, responseTransferMode: apigw.ResponseTransferMode.STREAM, timeout: streamTimeout }),
          methodOptions(generateModel),
        );
      this.generateStreamUrl = this.restApi.urlForPath('/generate/stream');
    }
    for (const method of [this.generateMethod, this.feedbackMethod, ...(this.generateStreamMethod ? [this.generateStreamMethod] : [])]) {
      acknowledge(method, Acknowledgements.apiGatewayInvokePermission);
      if (authorization.authorizationType === apigw.AuthorizationType.IAM) acknowledge(method, Acknowledgements.apiIamAuthorization);
    }

    // API Gateway applies a usage plan's throttle and quota per API key and to nothing else, so they are
    // set only when every request carries a key; without keys the stage throttle (all callers together)
    // and the WAF per-IP rate rule are the limits, and the plan stays empty, ready for keys.
    const perKey = props.apiKeyRequired ?? false;
    this.usagePlan = this.restApi.addUsagePlan('UsagePlan', {
      description: perKey
        ? `Throttle${props.quotaRequestsPerDay ? ' and daily quota' : ''} per API key of ${this.node.path}`
        : `No per-caller limits: ${this.node.path} requires no API keys (the stage throttle applies to all callers together)`,
      throttle: perKey ? { rateLimit: rate, burstLimit: burst } : undefined,
      quota: perKey && props.quotaRequestsPerDay ? { limit: props.quotaRequestsPerDay, period: apigw.Period.DAY } : undefined,
      apiStages: [{ api: this.restApi, stage }],
    });
    // True only while every method of the API is a POST with a Lambda proxy integration (checked as rendered).
    acknowledgeWhenRendered(stage, () => {
      const methods = this.restApi.node.findAll().filter((c) => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::ApiGateway::Method');
      const rendered = methods.map((m) => renderedProperties(m as CfnResource));
      return [
        ...(rendered.every((m) => m.HttpMethod === 'POST') ? Acknowledgements.apiResponsesNotCached : []),
        ...(rendered.every((m) => m.Integration?.Type === 'AWS_PROXY') ? Acknowledgements.apiLambdaBackends : []),
      ];
    });

    // --- WAF -------------------------------------------------------------------------------------------
    if (webAclChoice._kind === 'managed') {
      const managed = createManagedWebAcl(this, {
        rateLimitPerIp: webAclChoice._rateLimitPerIp!,
        countOnlyRules: webAclChoice._countOnlyRules,
        encryptionKey: this.encryptionKey,
        logRetention,
        removalPolicy,
      });
      this.webAcl = managed.webAcl;
      this.webAclArn = managed.webAcl.attrArn;
    } else if (webAclChoice._kind === 'arn') {
      this.webAclArn = webAclChoice._webAclArn;
    } else {
      Annotations.of(this).addWarningV2(
        'genai-platform-constructs:api-without-waf',
        'The API stage has no AWS WAF web ACL: nothing filters common exploits or per-IP floods before API Gateway.',
      );
    }
    if (this.webAclArn) {
      const association = new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: stage.stageArn, webAclArn: this.webAclArn });
      association.node.addDependency(stage);
    }

    this.createAlarms(props.serverErrorThreshold ?? 5);
  }

  /**
   * Lets the grantee call `POST /v1/generate` and `POST /v1/feedback` (and `POST /v1/generate/stream` with
   * `generateStreamFunction`) with IAM authorization: the action `execute-api:Invoke` on exactly those
   * methods of this stage.
   *
   * With Cognito authorization the grant has no effect (API Gateway does not check IAM permissions) and a
   * warning is added.
   *
   * @param grantee the principal to grant
   */
  public override grantInvoke(grantee: iam.IGrantable): iam.Grant {
    if (this.authorizationType !== apigw.AuthorizationType.IAM) {
      Annotations.of(this).addWarningV2(
        'genai-platform-constructs:api-grant-without-iam',
        'grantInvoke has no effect: the API uses Cognito authorization, so API Gateway does not check IAM permissions.',
      );
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: GENAI_API_INVOKE_ACTIONS,
      resourceArns: [
        this.restApi.arnForExecuteApi('POST', '/generate', GENAI_API_STAGE),
        this.restApi.arnForExecuteApi('POST', '/feedback', GENAI_API_STAGE),
        ...(this.generateStreamMethod ? [this.restApi.arnForExecuteApi('POST', '/generate/stream', GENAI_API_STAGE)] : []),
      ],
    });
  }

  private createAlarms(serverErrorThreshold: number): void {
    const action = new cwActions.SnsAction(this.alarmTopic);
    const add = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };
    const fiveMinutes = Duration.minutes(5);
    add(
      'ServerErrorsAlarm',
      this.restApi.metricServerError({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      serverErrorThreshold,
      `5XX responses of ${this.node.path}: the generate or feedback function fails, times out or is throttled.`,
    );
    add(
      'FeedbackFallbackAlarm',
      this.feedbackFallbackQueue.metricNumberOfMessagesSent({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      1,
      `Feedback could not be written to S3 at once and went to the fallback queue of ${this.node.path}; it is retried automatically.`,
    );
    if (this.feedbackScreeningDeadLetterQueue) {
      add(
        'FeedbackScreeningDeadLetterAlarm',
        this.feedbackScreeningDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }),
        1,
        `Feedback of ${this.node.path} could not be screened after 10 attempts (S3, Bedrock or the review queue failed): it stays in quarantine; fix the cause, then redrive the dead-letter queue (kept 14 days).`,
      );
    }
    add(
      'FeedbackDeadLetterAlarm',
      this.feedbackDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }),
      1,
      `Feedback records of ${this.node.path} failed 100 redrive attempts: fix S3 access, then redrive the dead-letter queue (kept 14 days).`,
    );
  }
}

/** The GuardrailFunction whose Lambda function `fn` is (or is inside), if any. */
function guardrailFunctionOf(fn: lambda.IFunction): GuardrailFunction | undefined {
  return [...fn.node.scopes].reverse().find((c): c is GuardrailFunction => c instanceof GuardrailFunction);
}
