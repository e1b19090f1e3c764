/**
 * The SageMaker Pipelines definition (schema version 2020-12-01) of a TrainingPipeline, built as typed
 * objects: Train (Training) → Evaluate (Processing, property file) → QualityGate (Condition) →
 * Register (RegisterModel) or QualityGateFailed (Fail).
 *
 * Field names follow the public pipeline-definition JSON schema
 * (github.com/aws-sagemaker-mlops/sagemaker-model-building-pipeline-definition-JSON-schema) and the
 * request shapes of CreateTrainingJob / CreateProcessingJob / CreateModelPackage they embed.
 */

/** A reference to a parameter, a step property or an execution variable. */
export interface Get {
  readonly Get: string;
}
/** String concatenation at run time. */
export interface Join {
  readonly 'Std:Join': { readonly On: string; readonly Values: Array<string | Get> };
}
/** A value read from a step's property file at run time. */
export interface JsonGet {
  readonly 'Std:JsonGet': { readonly PropertyFile: Get; readonly Path: string };
}
export type StringValue = string | Get | Join;
export type IntegerValue = number | Get;

export interface Parameter {
  readonly Name: string;
  readonly Type: 'String' | 'Integer' | 'Float';
  readonly DefaultValue: string | number;
}

export interface S3DataSource {
  readonly S3DataType: 'S3Prefix';
  readonly S3Uri: StringValue;
  readonly S3DataDistributionType: 'FullyReplicated' | 'ShardedByS3Key';
}

export interface Channel {
  readonly ChannelName: string;
  readonly DataSource: { readonly S3DataSource: S3DataSource };
  readonly InputMode?: 'File' | 'FastFile' | 'Pipe';
}

export interface VpcConfig {
  readonly SecurityGroupIds: string[];
  readonly Subnets: string[];
}

export interface TrainingArguments {
  /**
   * The job-name prefix: SageMaker Pipelines appends a unique suffix per execution (what the SageMaker
   * Python SDK emits with `PipelineDefinitionConfig(use_custom_job_prefix=True)`). Without it the jobs are
   * named `pipelines-<execution id>-...`, which no IAM policy can tie to one pipeline.
   */
  readonly TrainingJobName: string;
  readonly AlgorithmSpecification: { readonly TrainingImage: StringValue; readonly TrainingInputMode: 'File' };
  readonly RoleArn: StringValue;
  readonly HyperParameters: { [name: string]: StringValue };
  readonly InputDataConfig: Channel[];
  readonly OutputDataConfig: { readonly S3OutputPath: StringValue; readonly KmsKeyId: StringValue };
  readonly ResourceConfig: {
    readonly InstanceType: StringValue;
    readonly InstanceCount: IntegerValue;
    readonly VolumeSizeInGB: IntegerValue;
    readonly VolumeKmsKeyId?: StringValue;
  };
  readonly StoppingCondition: { readonly MaxRuntimeInSeconds: IntegerValue; readonly MaxWaitTimeInSeconds?: IntegerValue };
  readonly EnableNetworkIsolation: boolean;
  readonly EnableInterContainerTrafficEncryption: boolean;
  readonly EnableManagedSpotTraining: boolean;
  readonly CheckpointConfig: { readonly S3Uri: StringValue; readonly LocalPath: string };
  readonly VpcConfig?: VpcConfig;
}

export interface ProcessingInput {
  readonly InputName: string;
  readonly S3Input: {
    readonly S3Uri: StringValue;
    readonly LocalPath: string;
    readonly S3DataType: 'S3Prefix';
    readonly S3InputMode: 'File';
    readonly S3DataDistributionType: 'FullyReplicated';
    readonly S3CompressionType: 'None';
  };
}

export interface ProcessingArguments {
  /** The job-name prefix (see `TrainingArguments.TrainingJobName`). */
  readonly ProcessingJobName: string;
  readonly AppSpecification: { readonly ImageUri: StringValue; readonly ContainerEntrypoint?: string[]; readonly ContainerArguments?: string[] };
  readonly RoleArn: StringValue;
  readonly Environment?: { [name: string]: string };
  readonly ProcessingInputs: ProcessingInput[];
  readonly ProcessingOutputConfig: {
    readonly Outputs: Array<{
      readonly OutputName: string;
      readonly S3Output: { readonly S3Uri: StringValue; readonly LocalPath: string; readonly S3UploadMode: 'EndOfJob' };
    }>;
    readonly KmsKeyId: StringValue;
  };
  readonly ProcessingResources: {
    readonly ClusterConfig: {
      readonly InstanceType: StringValue;
      readonly InstanceCount: IntegerValue;
      readonly VolumeSizeInGB: IntegerValue;
      readonly VolumeKmsKeyId?: StringValue;
    };
  };
  readonly StoppingCondition: { readonly MaxRuntimeInSeconds: IntegerValue };
  readonly NetworkConfig: {
    readonly EnableNetworkIsolation: boolean;
    readonly EnableInterContainerTrafficEncryption: boolean;
    readonly VpcConfig?: VpcConfig;
  };
}

export interface PropertyFile {
  readonly PropertyFileName: string;
  readonly OutputName: string;
  readonly FilePath: string;
}

export interface RegisterModelArguments {
  readonly ModelPackageGroupName: StringValue;
  readonly ModelPackageDescription: StringValue;
  readonly ModelApprovalStatus: string;
  readonly InferenceSpecification: {
    readonly Containers: Array<{ readonly Image: StringValue; readonly ModelDataUrl: StringValue }>;
    readonly SupportedContentTypes: string[];
    readonly SupportedResponseMIMETypes: string[];
  };
  readonly ModelMetrics: {
    readonly ModelQuality: { readonly Statistics: { readonly ContentType: string; readonly S3Uri: StringValue } };
  };
}

export interface BinaryCondition {
  readonly Type: string;
  readonly LeftValue: JsonGet;
  readonly RightValue: number;
}

export type Step =
  | { readonly Name: string; readonly Type: 'Training'; readonly Description?: string; readonly DependsOn?: string[]; readonly Arguments: TrainingArguments }
  | {
      readonly Name: string;
      readonly Type: 'Processing';
      readonly Description?: string;
      readonly DependsOn?: string[];
      readonly Arguments: ProcessingArguments;
      readonly PropertyFiles: PropertyFile[];
    }
  | {
      readonly Name: string;
      readonly Type: 'Condition';
      readonly Description?: string;
      readonly DependsOn?: string[];
      readonly Arguments: { readonly Conditions: BinaryCondition[]; readonly IfSteps: Step[]; readonly ElseSteps: Step[] };
    }
  | { readonly Name: string; readonly Type: 'RegisterModel'; readonly Description?: string; readonly Arguments: RegisterModelArguments }
  | { readonly Name: string; readonly Type: 'Fail'; readonly Description?: string; readonly Arguments: { readonly ErrorMessage: StringValue } };

export interface PipelineDefinition {
  readonly Version: '2020-12-01';
  readonly Metadata: { [key: string]: string };
  readonly Parameters: Parameter[];
  readonly Steps: Step[];
}

/** Step, parameter and property-file names (part of the pipeline's run-time API: keep them). */
export const STEP = { train: 'Train', evaluate: 'Evaluate', gate: 'QualityGate', register: 'Register', fail: 'QualityGateFailed' } as const;
/**
 * The run-time parameters. What decides whether a model ships is not among them: the quality gate's
 * threshold and the approval status of new versions are fixed at deploy time, and `InputPrefix` is a
 * sub-prefix of the training prefix (so a run cannot train on the evaluation set).
 */
export const PARAM = {
  instanceType: 'TrainingInstanceType',
  instanceCount: 'TrainingInstanceCount',
  inputPrefix: 'InputPrefix',
} as const;
export const EVALUATION_OUTPUT = 'evaluation';
export const EVALUATION_PROPERTY_FILE = 'EvaluationReport';

/** Container paths of the evaluation job. */
export const EVALUATION_PATHS = {
  model: '/opt/ml/processing/model',
  test: '/opt/ml/processing/test',
  output: '/opt/ml/processing/evaluation',
  /** The evaluation code (`evaluation.codeUri`), from a location the training job cannot write. */
  code: '/opt/ml/processing/code',
} as const;
export const CHECKPOINT_LOCAL_PATH = '/opt/ml/checkpoints';

/** Hyperparameters the SageMaker PyTorch training toolkit reads to launch `torchrun` on every host. */
export const TORCH_DISTRIBUTED_HYPERPARAMETERS = ['sagemaker_torch_distributed_enabled', 'sagemaker_instance_type'];

/** Everything the builder needs, already validated and resolved to strings/numbers/tokens. */
export interface DefinitionInput {
  readonly roleArn: string;
  readonly trainingImage: string;
  readonly evaluationImage: string;
  readonly inferenceImage: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGb: number;
  /** Undefined for instance types with NVMe instance storage. */
  readonly trainingVolumeKmsKeyId?: string;
  readonly outputKmsKeyId: string;
  readonly maxRuntimeSeconds: number;
  readonly useSpot: boolean;
  readonly maxWaitSeconds?: number;
  readonly hyperparameters: { [name: string]: string };
  readonly curatedBucketName: string;
  readonly trainingDataPrefix: string;
  readonly feedback?: { readonly bucketName: string; readonly prefix: string };
  readonly artifactsBucketName: string;
  readonly artifactsPrefix: string;
  readonly evaluation: {
    readonly instanceType: string;
    readonly volumeKmsKeyId?: string;
    readonly volumeSizeGb: number;
    readonly dataPrefix: string;
    readonly reportFile: string;
    /** `s3://` prefix of the evaluation code, mounted at EVALUATION_PATHS.code. */
    readonly codeUri?: string;
    readonly entrypoint?: string[];
    readonly arguments?: string[];
    readonly environment?: { [name: string]: string };
    readonly maxRuntimeSeconds: number;
  };
  readonly qualityGate: { readonly metricPath: string; readonly threshold: number; readonly comparison: string };
  readonly modelPackageGroupName: string;
  readonly approvalStatus: string;
  /** Job-name prefixes of the training and evaluation jobs (unique to this pipeline, lowercase). */
  readonly jobNamePrefixes: { readonly training: string; readonly evaluation: string };
  readonly vpc?: VpcConfig;
  readonly description: string;
}

function get(path: string): Get {
  return { Get: path };
}

function join(...values: Array<string | Get>): Join {
  return { 'Std:Join': { On: '', Values: values } };
}

const EXECUTION_ID = get('Execution.PipelineExecutionId');

/** Builds the definition object; serialize it with `Stack.of(scope).toJsonString` so tokens resolve. */
export function buildPipelineDefinition(input: DefinitionInput): PipelineDefinition {
  const artifactsRoot = `s3://${input.artifactsBucketName}/${input.artifactsPrefix}`;
  const distributed = input.instanceCount > 1;

  const hyperparameters: { [name: string]: StringValue } = { ...input.hyperparameters };
  if (distributed) {
    hyperparameters.sagemaker_torch_distributed_enabled ??= 'true';
    // The toolkit JSON-decodes hyperparameters, so the instance type is a quoted JSON string.
    hyperparameters.sagemaker_instance_type ??= join('"', get(`Parameters.${PARAM.instanceType}`), '"');
  }

  const channels: Channel[] = [
    {
      ChannelName: 'train',
      InputMode: 'File',
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          // Always under the training prefix: S3 keys are literal (no "..") and the role reads nothing else there.
          S3Uri: join(`s3://${input.curatedBucketName}/${input.trainingDataPrefix}`, get(`Parameters.${PARAM.inputPrefix}`)),
          S3DataDistributionType: 'FullyReplicated',
        },
      },
    },
  ];
  if (input.feedback) {
    channels.push({
      ChannelName: 'feedback',
      InputMode: 'File',
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          S3Uri: `s3://${input.feedback.bucketName}/${input.feedback.prefix}`,
          S3DataDistributionType: 'FullyReplicated',
        },
      },
    });
  }

  const train: Step = {
    Name: STEP.train,
    Type: 'Training',
    Description: 'Fine-tunes the model on GPU instances',
    Arguments: {
      TrainingJobName: input.jobNamePrefixes.training,
      AlgorithmSpecification: { TrainingImage: input.trainingImage, TrainingInputMode: 'File' },
      RoleArn: input.roleArn,
      HyperParameters: hyperparameters,
      InputDataConfig: channels,
      OutputDataConfig: { S3OutputPath: join(artifactsRoot, EXECUTION_ID, '/model'), KmsKeyId: input.outputKmsKeyId },
      ResourceConfig: {
        InstanceType: get(`Parameters.${PARAM.instanceType}`),
        InstanceCount: get(`Parameters.${PARAM.instanceCount}`),
        VolumeSizeInGB: input.volumeSizeGb,
        ...(input.trainingVolumeKmsKeyId ? { VolumeKmsKeyId: input.trainingVolumeKmsKeyId } : {}),
      },
      StoppingCondition: {
        MaxRuntimeInSeconds: input.maxRuntimeSeconds,
        ...(input.useSpot ? { MaxWaitTimeInSeconds: input.maxWaitSeconds ?? input.maxRuntimeSeconds } : {}),
      },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      EnableManagedSpotTraining: input.useSpot,
      CheckpointConfig: { S3Uri: join(artifactsRoot, EXECUTION_ID, '/checkpoints'), LocalPath: CHECKPOINT_LOCAL_PATH },
      ...(input.vpc ? { VpcConfig: input.vpc } : {}),
    },
  };

  const modelArtifacts = get(`Steps.${STEP.train}.ModelArtifacts.S3ModelArtifacts`);
  const evaluationUri = join(artifactsRoot, EXECUTION_ID, '/evaluation');
  const ev = input.evaluation;
  const evaluate: Step = {
    Name: STEP.evaluate,
    Type: 'Processing',
    Description: 'Evaluates the trained model and writes the evaluation report',
    DependsOn: [STEP.train],
    Arguments: {
      ProcessingJobName: input.jobNamePrefixes.evaluation,
      AppSpecification: {
        ImageUri: input.evaluationImage,
        ...(ev.entrypoint ? { ContainerEntrypoint: ev.entrypoint } : {}),
        ...(ev.arguments ? { ContainerArguments: ev.arguments } : {}),
      },
      RoleArn: input.roleArn,
      ...(ev.environment && Object.keys(ev.environment).length > 0 ? { Environment: ev.environment } : {}),
      ProcessingInputs: [
        s3Input('model', modelArtifacts, EVALUATION_PATHS.model),
        s3Input('test', `s3://${input.curatedBucketName}/${ev.dataPrefix}`, EVALUATION_PATHS.test),
        ...(ev.codeUri ? [s3Input('code', ev.codeUri, EVALUATION_PATHS.code)] : []),
      ],
      ProcessingOutputConfig: {
        Outputs: [{ OutputName: EVALUATION_OUTPUT, S3Output: { S3Uri: evaluationUri, LocalPath: EVALUATION_PATHS.output, S3UploadMode: 'EndOfJob' } }],
        KmsKeyId: input.outputKmsKeyId,
      },
      ProcessingResources: {
        ClusterConfig: {
          InstanceType: ev.instanceType,
          InstanceCount: 1,
          VolumeSizeInGB: ev.volumeSizeGb,
          ...(ev.volumeKmsKeyId ? { VolumeKmsKeyId: ev.volumeKmsKeyId } : {}),
        },
      },
      StoppingCondition: { MaxRuntimeInSeconds: ev.maxRuntimeSeconds },
      NetworkConfig: {
        EnableNetworkIsolation: true,
        EnableInterContainerTrafficEncryption: true,
        ...(input.vpc ? { VpcConfig: input.vpc } : {}),
      },
    },
    PropertyFiles: [{ PropertyFileName: EVALUATION_PROPERTY_FILE, OutputName: EVALUATION_OUTPUT, FilePath: ev.reportFile }],
  };

  const register: Step = {
    Name: STEP.register,
    Type: 'RegisterModel',
    Description: 'Registers the model as a new version of the model package group',
    Arguments: {
      ModelPackageGroupName: input.modelPackageGroupName,
      ModelPackageDescription: input.description,
      // Fixed at deploy time: a run cannot register an approved version.
      ModelApprovalStatus: input.approvalStatus,
      InferenceSpecification: {
        Containers: [{ Image: input.inferenceImage, ModelDataUrl: modelArtifacts }],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
      },
      ModelMetrics: {
        ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: join(artifactsRoot, EXECUTION_ID, `/evaluation/${ev.reportFile}`) } },
      },
    },
  };

  const qg = input.qualityGate;
  const fail: Step = {
    Name: STEP.fail,
    Type: 'Fail',
    Description: 'Stops the execution: the model did not pass the quality gate',
    Arguments: {
      ErrorMessage: `Quality gate failed: the evaluation metric "${qg.metricPath}" did not satisfy ${qg.comparison} ${qg.threshold}; the model was not registered.`,
    },
  };

  const gate: Step = {
    Name: STEP.gate,
    Type: 'Condition',
    Description: `Registers the model only when ${qg.metricPath} ${qg.comparison} the threshold`,
    DependsOn: [STEP.evaluate],
    Arguments: {
      Conditions: [
        {
          Type: qg.comparison,
          LeftValue: { 'Std:JsonGet': { PropertyFile: get(`Steps.${STEP.evaluate}.PropertyFiles.${EVALUATION_PROPERTY_FILE}`), Path: qg.metricPath } },
          // Fixed at deploy time: a run cannot lower the bar.
          RightValue: qg.threshold,
        },
      ],
      IfSteps: [register],
      ElseSteps: [fail],
    },
  };

  return {
    Version: '2020-12-01',
    Metadata: {},
    Parameters: [
      { Name: PARAM.instanceType, Type: 'String', DefaultValue: input.instanceType },
      { Name: PARAM.instanceCount, Type: 'Integer', DefaultValue: input.instanceCount },
      // Relative to the training prefix: '' trains on all of it, 'v2/' on <trainingDataPrefix>v2/.
      { Name: PARAM.inputPrefix, Type: 'String', DefaultValue: '' },
    ],
    Steps: [train, evaluate, gate],
  };
}

function s3Input(name: string, uri: StringValue, localPath: string): ProcessingInput {
  return {
    InputName: name,
    S3Input: {
      S3Uri: uri,
      LocalPath: localPath,
      S3DataType: 'S3Prefix',
      S3InputMode: 'File',
      S3DataDistributionType: 'FullyReplicated',
      S3CompressionType: 'None',
    },
  };
}
