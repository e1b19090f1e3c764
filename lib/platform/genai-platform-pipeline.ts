import { Annotations, Duration, RemovalPolicy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { Acknowledgements, ComplianceAcknowledgement, acknowledge, acknowledgeWhenRendered } from '../core/acknowledgements';
import { RenderedStatement, asList, flattenCfnValue, renderedForNag, renderedStatements } from '../core/private/nag-render';
import { createAccessLogBucket, createSecureBucket, useBucketPolicyForAccessLogs } from '../core/buckets';
import { applyCompliance, ComplianceOptions } from '../core/compliance';
import { createEncryptedLogGroup, createKey, validateLogRetention } from '../core/encryption';
import { GenAIValidationError, isUnresolved, validatePattern, validateRange } from '../core/errors';
import { GenAIPlatformProps } from './genai-platform';
import { GenAIPlatformStack } from './genai-platform-stack';
import { PlatformProfile } from './profile';
import { STAR_RESOURCE_REASONS } from '../core/private/star-resource-reasons';

/** An AWS account and region the pipeline deploys a platform stage into. */
export interface PipelineEnvironment {
  /** The 12-digit AWS account id. It must be bootstrapped with `cdk bootstrap --trust <pipeline account>`. */
  readonly account: string;
  /** The AWS region, e.g. `eu-west-1`. */
  readonly region: string;
}

/** Properties of {@link GenAIPlatformStage}. */
export interface GenAIPlatformStageProps {
  /** The account and region the stage deploys into. */
  readonly env: PipelineEnvironment;
  /**
   * The platform's properties.
   * @default - the DEV profile's defaults
   */
  readonly platform?: GenAIPlatformProps;
  /**
   * Register the compliance packs ({@link Compliance.apply}) on this stage, so synthesis fails on any
   * unacknowledged finding in its platform stack.
   * @default - no packs registered by the stage itself (an app-wide `Compliance.apply(app)` still covers it)
   */
  readonly compliance?: ComplianceOptions;
}

/** A CDK Pipelines stage holding one {@link GenAIPlatformStack} (id `Platform`). */
export class GenAIPlatformStage extends Stage {
  /** The platform stack of this stage. */
  public readonly platformStack: GenAIPlatformStack;

  /**
   * @param scope the scope in which to define this stage
   * @param id the stage's construct id
   * @param props the stage's environment, platform properties and compliance packs
   */
  constructor(scope: Construct, id: string, props: GenAIPlatformStageProps) {
    super(scope, id, { env: props.env });
    if (props.compliance) applyCompliance(this, props.compliance);
    this.platformStack = new GenAIPlatformStack(this, 'Platform', { env: props.env, platform: props.platform });
  }
}

/** Properties of {@link GenAIPlatformPipeline}. */
export interface GenAIPlatformPipelineProps {
  /**
   * Where the code comes from, e.g.
   * `pipelines.CodePipelineSource.connection('org/repo', 'main', { connectionArn })` with a CodeStar
   * (CodeConnections) connection you created and authorized in the pipeline account.
   */
  readonly source: pipelines.IFileSetProducer;
  /** The DEV account and region, whose stage deploys first, without approval. */
  readonly dev: PipelineEnvironment;
  /** The PROD account and region, whose stage deploys after a manual approval. */
  readonly prod: PipelineEnvironment;
  /**
   * Platform properties of the DEV stage (plain values only: constructs of another stack cannot cross
   * into a stage).
   * @default - `{ profile: PlatformProfile.DEV }`
   */
  readonly devPlatform?: GenAIPlatformProps;
  /**
   * Platform properties of the PROD stage.
   * @default - `{ profile: PlatformProfile.PROD }` (termination protection on)
   */
  readonly prodPlatform?: GenAIPlatformProps;
  /**
   * The commands of the synth step, run from the repository root. They must leave the cloud assembly in
   * `synthOutputDirectory`.
   * @default ['npm ci', 'npm test', 'npx cdk synth']
   */
  readonly synthCommands?: string[];
  /**
   * Where the synth commands leave the cloud assembly, relative to the repository root.
   * @default 'cdk.out'
   */
  readonly synthOutputDirectory?: string;
  /**
   * Register the compliance packs on each deployment stage, so `cdk synth` (in the synth step and on a
   * laptop) fails on any unacknowledged finding before anything is deployed. Set `false` only when your
   * app already calls `Compliance.apply(app)`, which covers the stages too (leaving it on then costs
   * nothing: each pack still runs once, see {@link Compliance.apply}).
   * @default true
   */
  readonly compliance?: boolean;
  /**
   * Which packs to register on the stages when `compliance` is on.
   * @default - every pack
   */
  readonly complianceOptions?: ComplianceOptions;
  /**
   * The comment shown to the approver before PROD.
   * @default 'Review the DEV deployment, then approve to deploy the platform to PROD.'
   */
  readonly approvalComment?: string;
  /**
   * The Node.js major version every CodeBuild step runs (`runtime-versions` of the build spec).
   * @default '22'
   */
  readonly nodeVersion?: string;
  /**
   * Time limit of each CodeBuild step.
   * @default Duration.minutes(60)
   */
  readonly buildTimeout?: Duration;
  /**
   * The key that encrypts the artifact bucket, build logs and CodeBuild outputs.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the CodeBuild log group and the artifact access logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the artifact buckets, the key and the build logs when the pipeline stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const DEFAULT_SYNTH_COMMANDS = ['npm ci', 'npm test', 'npx cdk synth'];

/**
 * A self-mutating CDK Pipelines pipeline that deploys the platform across accounts: Source → Build (synth
 * with tests and compliance) → UpdatePipeline → Assets → Dev → Approval → Prod.
 *
 * The artifact bucket is encrypted with a customer-managed key (rotated), versioned, TLS-only and access
 * logged; CodeBuild runs unprivileged, encrypts its output with the same key and logs to an encrypted
 * log group. Put it in a stack with an explicit `env` (the tooling account).
 */
export class GenAIPlatformPipeline extends Construct {
  /** The CDK Pipelines pipeline (already built). */
  public readonly pipeline: pipelines.CodePipeline;
  /** The DEV stage. */
  public readonly devStage: GenAIPlatformStage;
  /** The PROD stage. */
  public readonly prodStage: GenAIPlatformStage;
  /** The key of the artifact bucket and the build logs. */
  public readonly encryptionKey: kms.IKey;
  /** The pipeline's artifact bucket. */
  public readonly artifactBucket: s3.IBucket;
  /** The log group of every CodeBuild step. */
  public readonly buildLogGroup: logs.ILogGroup;

  /**
   * @param scope the scope in which to define this construct (in a stack with an explicit `env`)
   * @param id the scoped construct id (unique among its siblings)
   * @param props the pipeline's properties
   */
  constructor(scope: Construct, id: string, props: GenAIPlatformPipelineProps) {
    super(scope, id);
    useBucketPolicyForAccessLogs(this);
    this.validateEnvironment('dev', props.dev);
    this.validateEnvironment('prod', props.prod);
    const pipelineAccount = Stack.of(this).account;
    if (isUnresolved(pipelineAccount)) {
      throw new GenAIValidationError(this, 'env of the stack', pipelineAccount, 'a stack with an explicit env.account (the tooling account): cross-account pipelines need the pipeline account at synth time');
    }
    const pipelineRegion = Stack.of(this).region;
    for (const [name, env] of [['dev', props.dev], ['prod', props.prod]] as const) {
      if (!Token.isUnresolved(pipelineRegion) && env.region !== pipelineRegion) {
        Annotations.of(this).addWarningV2(
          `genai-platform:pipeline-cross-region-${name}`,
          `The ${name} stage deploys to ${env.region} but the pipeline runs in ${pipelineRegion}: CodePipeline adds a support stack with a replication bucket in ${env.region} that this construct does not create or secure (the compliance packs will flag it). Deploy the pipeline in the stages' region where you can.`,
        );
      }
    }
    if (props.dev.account === props.prod.account) {
      Annotations.of(this).addWarningV2(
        'genai-platform:pipeline-same-account',
        `DEV and PROD both deploy to account ${props.prod.account}: they share IAM, service quotas and account-wide settings, so a DEV change can affect PROD. Use separate accounts.`,
      );
    }
    const synthCommands = props.synthCommands ?? DEFAULT_SYNTH_COMMANDS;
    if (synthCommands.length === 0) {
      throw new GenAIValidationError(this, 'synthCommands', synthCommands, 'at least one command that produces the cloud assembly');
    }
    const timeout = props.buildTimeout ?? Duration.minutes(60);
    validateRange(this, 'buildTimeout (minutes)', timeout.toMinutes({ integral: false }), 5, 480);
    validateLogRetention(this, 'logRetention', props.logRetention);
    const nodeVersion = props.nodeVersion ?? '22';
    validatePattern(this, 'nodeVersion', nodeVersion, /^(\d{2}(\.x)?|latest)$/, "a Node.js major version such as '22', '22.x' or 'latest'");
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    this.encryptionKey = props.encryptionKey ?? createKey(this, 'Key', `Encrypts the artifacts and build logs of ${this.node.path}`, removalPolicy);
    const accessLogs = createAccessLogBucket(this, 'AccessLogBucket', { removalPolicy, retention: Duration.days(logRetention) });
    this.artifactBucket = createSecureBucket(this, 'ArtifactBucket', {
      encryptionKey: this.encryptionKey,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      removalPolicy,
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    });
    this.buildLogGroup = createEncryptedLogGroup(this, 'BuildLogs', { encryptionKey: this.encryptionKey, retention: logRetention, removalPolicy });

    this.pipeline = new pipelines.CodePipeline(this, 'Resource', {
      crossAccountKeys: true,
      enableKeyRotation: true,
      artifactBucket: this.artifactBucket,
      selfMutation: true,
      publishAssetsInParallel: false,
      dockerEnabledForSynth: false,
      dockerEnabledForSelfMutation: false,
      synth: new pipelines.ShellStep('Synth', {
        input: props.source,
        commands: synthCommands,
        primaryOutputDirectory: props.synthOutputDirectory ?? 'cdk.out',
      }),
      codeBuildDefaults: {
        buildEnvironment: {
          buildImage: codebuild.LinuxBuildImage.STANDARD_8_0,
          computeType: codebuild.ComputeType.MEDIUM,
          privileged: false,
        },
        partialBuildSpec: codebuild.BuildSpec.fromObject({ phases: { install: { 'runtime-versions': { nodejs: nodeVersion } } } }),
        timeout,
        logging: { cloudWatch: { logGroup: this.buildLogGroup } },
      },
    });

    const compliance = (props.compliance ?? true) ? (props.complianceOptions ?? {}) : undefined;
    this.devStage = new GenAIPlatformStage(this, 'Dev', {
      env: props.dev,
      platform: { profile: PlatformProfile.DEV, ...props.devPlatform },
      compliance,
    });
    this.prodStage = new GenAIPlatformStage(this, 'Prod', {
      env: props.prod,
      platform: { profile: PlatformProfile.PROD, ...props.prodPlatform },
      compliance,
    });
    this.pipeline.addStage(this.devStage);
    this.pipeline.addWave('Approval', {
      post: [
        new pipelines.ManualApprovalStep('PromoteToProd', {
          comment: props.approvalComment ?? 'Review the DEV deployment, then approve to deploy the platform to PROD.',
        }),
      ],
    });
    this.pipeline.addStage(this.prodStage);
    this.pipeline.buildPipeline();
    this.acknowledgeGeneratedFindings();
  }

  /**
   * Acknowledges, statement by statement, the findings on the roles and projects CDK Pipelines generates
   * (it offers no props to change them). Only policies below `this.pipeline` are inspected; the stages
   * are not touched. The policies are read when the app is synthesized, as rendered, so statements added
   * later count: an id is acknowledged on a policy only when every statement of it that produces the id is
   * one of the explained ones.
   */
  private acknowledgeGeneratedFindings(): void {
    const stack = Stack.of(this);
    acknowledge(this.pipeline, Acknowledgements.inlinePolicies);
    acknowledge(this.artifactBucket, Acknowledgements.bucketReplication);
    for (const child of this.pipeline.node.findAll()) {
      if (child instanceof codebuild.CfnProject) {
        const source = stack.resolve(child.source) as { type?: string };
        if (source.type === 'CODEPIPELINE') {
          acknowledge(child, Acknowledgements.codeBuildProjectDefaults.filter((a) => a.id === 'HIPAA.Security-CodeBuildProjectSourceRepoUrl'));
        }
      }
      if (child instanceof iam.CfnPolicy) {
        const policy = child;
        acknowledgeWhenRendered(policy, () => this.generatedPolicyAcknowledgements(policy));
      }
    }
  }

  /** The `AwsSolutions-IAM5` ids of one generated policy that only explained statements produce. */
  private generatedPolicyAcknowledgements(policy: iam.CfnPolicy): ComplianceAcknowledgement[] {
    const bucketArn = renderedForNag(policy, this.artifactBucket.bucketArn);
    const artifactRefs = new Set([bucketArn, `${bucketArn}/*`, renderedForNag(policy, this.encryptionKey.keyArn)]);
    const reason = (topic: readonly ComplianceAcknowledgement[]) => topic[0].reason;
    const explained = new Map<string, Set<string>>();
    const unexplained = new Set<string>();
    const explain = (id: string, why: string | undefined) => {
      if (why === undefined) unexplained.add(id);
      else explained.set(id, (explained.get(id) ?? new Set()).add(why));
    };

    for (const statement of renderedStatements(policy)) {
      if (statement.Effect !== 'Allow') continue;
      const actions = asList(statement.Action).map(String);
      const resources = asList(statement.Resource).map(flattenCfnValue);
      const plain = statement.NotAction === undefined && statement.NotResource === undefined;
      const onArtifacts = plain && resources.length > 0 && resources.every((r) => artifactRefs.has(r));
      for (const a of actions.filter((x) => x.includes('*'))) {
        const id = `AwsSolutions-IAM5[Action::${a}]`;
        explain(id, onArtifacts && Acknowledgements.pipelineArtifactGrants.some((g) => g.id === id) ? reason(Acknowledgements.pipelineArtifactGrants) : undefined);
      }
      for (const r of resources.filter((x) => x.includes('*'))) {
        let why: string | undefined;
        if (!plain) {
          why = undefined;
        } else if (onArtifacts && r === `${bucketArn}/*`) {
          why = reason(Acknowledgements.pipelineArtifactGrants);
        } else if (/:log-group:\/aws\/codebuild\/[^*]*(:\*|\*)$|:report-group\/[^*]*\*$/.test(r) && actions.length > 0 && actions.every((a) => CODEBUILD_PROJECT_DEFAULTS.includes(a))) {
          why = reason(Acknowledgements.codeBuildProjectDefaults);
        } else if (/^arn:\*:iam::(\d{12}|\*):role\/\*$/.test(r) && actions.every((a) => a === 'sts:AssumeRole') && hasBootstrapRoleCondition(statement)) {
          why = reason(Acknowledgements.cdkBootstrapRoles);
        } else if (r === '*' && actions.length > 0 && actions.every((a) => SELF_MUTATION_LOOKUPS.includes(a))) {
          why = STAR_RESOURCE_REASONS.pipelineSelfMutationLookups;
        } else if (r === '*' && actions.length > 0 && actions.every((a) => ASSET_PUBLISHING_BUILDS.includes(a))) {
          why = STAR_RESOURCE_REASONS.pipelineAssetPublishing;
        }
        explain(`AwsSolutions-IAM5[Resource::${r}]`, why);
      }
    }
    return [...explained]
      .filter(([id]) => !unexplained.has(id))
      .map(([id, reasons]) => ({ id, reason: [...reasons].join(' ') }));
  }

  private validateEnvironment(property: string, env: PipelineEnvironment | undefined): void {
    if (!env) {
      throw new GenAIValidationError(this, property, env, 'an environment { account, region }');
    }
    if (typeof env.account !== 'string' || isUnresolved(env.account) || !ACCOUNT.test(env.account)) {
      throw new GenAIValidationError(this, `${property}.account`, env.account, 'a literal 12-digit AWS account id (CDK Pipelines needs it at synth time)');
    }
    if (typeof env.region !== 'string' || isUnresolved(env.region)) {
      throw new GenAIValidationError(this, `${property}.region`, env.region, 'a literal AWS region such as eu-west-1');
    }
    validatePattern(this, `${property}.region`, env.region, REGION, 'an AWS region such as eu-west-1 or us-gov-west-1');
  }
}

/** The CodeBuild L2's default statements for a project's own log group and report groups. */
const CODEBUILD_PROJECT_DEFAULTS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'codebuild:CreateReportGroup',
  'codebuild:CreateReport',
  'codebuild:UpdateReport',
  'codebuild:BatchPutTestCases',
  'codebuild:BatchPutCodeCoverages',
];
/** What the CDK CLI of the self-mutation step reads on Resource "*". */
const SELF_MUTATION_LOOKUPS = ['cloudformation:DescribeStacks', 's3:ListBucket'];
/** What the shared asset-publishing role does on the CodeBuild projects created after it (Resource "*"). */
const ASSET_PUBLISHING_BUILDS = ['codebuild:StartBuild', 'codebuild:BatchGetBuilds', 'codebuild:StopBuild'];

function hasBootstrapRoleCondition(statement: RenderedStatement): boolean {
  return Object.values(statement.Condition ?? {}).some((c) => c['iam:ResourceTag/aws-cdk:bootstrap-role'] !== undefined);
}
