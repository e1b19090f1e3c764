/**
 * A small structural checker for SageMaker pipeline definitions (Version 2020-12-01), derived from the
 * public JSON schema (github.com/aws-sagemaker-mlops/sagemaker-model-building-pipeline-definition-JSON-schema,
 * schema/pipeline-definition.schema.json) for the step types the TrainingPipeline emits: Training,
 * Processing, Condition, RegisterModel and Fail. Every object is closed (`additionalProperties: false`).
 *
 * Where the published schema lags behind the service and the SageMaker Python SDK, the checker accepts
 * what both accept, and says so here:
 * - string arguments may be `Std:Join` expressions (the schema lists only `Get`; the SDK's `Join` renders `Std:Join`);
 * - Processing steps may carry `PropertyFiles` (how `Std:JsonGet` finds the evaluation report);
 * - RegisterModel arguments may carry `ModelApprovalStatus` (a CreateModelPackage field the SDK sets);
 * - condition values may be `Std:JsonGet` expressions;
 * - Training and Processing arguments may carry `TrainingJobName` / `ProcessingJobName`: the job-name prefix
 *   the service completes per execution (what the SDK keeps with `PipelineDefinitionConfig(use_custom_job_prefix=True)`).
 * On top of the shape it checks references: `Get` of parameters, steps, property files and execution
 * variables must name things that exist, and step names must be unique.
 */

type Spec =
  | { readonly t: 'string' } // string | Get | Std:Join
  | { readonly t: 'literal' } // plain string only
  | { readonly t: 'integer' } // integer | Get
  | { readonly t: 'boolean' } // boolean | Get
  | { readonly t: 'number' } // number (plain)
  | { readonly t: 'enum'; readonly values: readonly string[] }
  | { readonly t: 'object'; readonly props: { readonly [k: string]: Spec }; readonly required?: readonly string[] }
  | { readonly t: 'map'; readonly values: Spec }
  | { readonly t: 'array'; readonly items: Spec }
  | { readonly t: 'step' }
  | { readonly t: 'condition' }
  | { readonly t: 'any-primitive-or-expression' };

const str: Spec = { t: 'string' };
const int: Spec = { t: 'integer' };
const bool: Spec = { t: 'boolean' };
const lit: Spec = { t: 'literal' };
const obj = (props: { [k: string]: Spec }, required: string[] = []): Spec => ({ t: 'object', props, required });
const arr = (items: Spec): Spec => ({ t: 'array', items });
const vpc = obj({ SecurityGroupIds: arr(str), Subnets: arr(str) });
const stepName = lit;
const common = { Name: stepName, DependsOn: arr(stepName), DisplayName: lit, Description: lit };
const retry = arr(obj({ ExceptionType: lit, IntervalSeconds: { t: 'number' }, BackoffRate: { t: 'number' }, ExpireAfterMin: { t: 'number' }, MaxAttempts: { t: 'number' } }));
const s3Artifact = obj({ ContentType: str, ContentDigest: str, S3Uri: str });

const TRAINING_ARGS = obj(
  {
    TrainingJobName: lit,
    AlgorithmSpecification: obj({
      AlgorithmName: str,
      EnableSageMakerMetricsTimeSeries: bool,
      MetricDefinitions: arr(obj({ Name: str, Regex: str })),
      TrainingImage: str,
      TrainingInputMode: str,
    }),
    CheckpointConfig: obj({ LocalPath: str, S3Uri: str }),
    DebugHookConfig: { t: 'map', values: { t: 'any-primitive-or-expression' } },
    EnableInterContainerTrafficEncryption: bool,
    EnableManagedSpotTraining: bool,
    EnableNetworkIsolation: bool,
    HyperParameters: { t: 'map', values: str },
    InputDataConfig: arr(
      obj({
        ChannelName: str,
        CompressionType: str,
        ContentType: str,
        DataSource: obj({
          S3DataSource: obj({ AttributeNames: arr(str), S3DataDistributionType: str, S3DataType: str, S3Uri: str }),
        }),
        InputMode: str,
        RecordWrapperType: str,
        ShuffleConfig: obj({ Seed: int }),
      }),
    ),
    OutputDataConfig: obj({ KmsKeyId: str, S3OutputPath: str }),
    ResourceConfig: obj({ InstanceCount: int, InstanceType: str, VolumeKmsKeyId: str, VolumeSizeInGB: int }),
    RoleArn: str,
    StoppingCondition: obj({ MaxRuntimeInSeconds: int, MaxWaitTimeInSeconds: int }),
    Tags: arr(obj({ Key: str, Value: str })),
    TensorBoardOutputConfig: obj({ LocalPath: str, S3OutputPath: str }),
    VpcConfig: vpc,
  },
  ['AlgorithmSpecification', 'OutputDataConfig', 'ResourceConfig', 'RoleArn', 'StoppingCondition'],
);

const PROCESSING_ARGS = obj(
  {
    ProcessingJobName: lit,
    AppSpecification: obj({ ContainerArguments: arr(str), ContainerEntrypoint: arr(str), ImageUri: str }),
    Environment: { t: 'map', values: str },
    ExperimentConfig: obj({ ExperimentName: str, TrialComponentDisplayName: str, TrialName: str }),
    NetworkConfig: obj({ EnableInterContainerTrafficEncryption: bool, EnableNetworkIsolation: bool, VpcConfig: vpc }),
    ProcessingInputs: arr(
      obj({
        InputName: str,
        S3Input: obj({ LocalPath: str, S3CompressionType: str, S3DataDistributionType: str, S3DataType: str, S3InputMode: str, S3Uri: str }),
      }),
    ),
    ProcessingOutputConfig: obj({
      KmsKeyId: str,
      Outputs: arr(obj({ OutputName: str, S3Output: obj({ LocalPath: str, S3UploadMode: str, S3Uri: str }) })),
    }),
    ProcessingResources: obj({ ClusterConfig: obj({ InstanceCount: int, InstanceType: str, VolumeKmsKeyId: str, VolumeSizeInGB: int }) }),
    RoleArn: str,
    StoppingCondition: obj({ MaxRuntimeInSeconds: int }),
    Tags: arr(obj({ Key: str, Value: str })),
  },
  ['AppSpecification', 'ProcessingResources', 'RoleArn'],
);

const REGISTER_ARGS = obj({
  CertifyForMarketplace: bool,
  InferenceSpecification: obj({
    Containers: arr(obj({ ContainerHostname: str, Image: str, ImageDigest: str, ModelDataUrl: str, ProductId: str })),
    SupportedContentTypes: arr(str),
    SupportedRealtimeInferenceInstanceTypes: arr(str),
    SupportedResponseMIMETypes: arr(str),
    SupportedTransformInstanceTypes: arr(str),
  }),
  ModelPackageDescription: str,
  ModelPackageGroupName: str,
  ModelApprovalStatus: str, // accepted by the service and set by the SDK (see above)
  ModelMetrics: obj({
    ModelQuality: obj({ Statistics: s3Artifact, Constraints: s3Artifact }),
    ModelDataQuality: obj({ Statistics: s3Artifact, Constraints: s3Artifact }),
    Bias: obj({ Report: s3Artifact }),
    Explainability: obj({ Report: s3Artifact }),
  }),
});

const STEP_SPECS: { [type: string]: Spec } = {
  Training: obj({ ...common, Type: lit, RetryPolicies: retry, Arguments: TRAINING_ARGS }, ['Name', 'Type', 'Arguments']),
  Processing: obj(
    {
      ...common,
      Type: lit,
      RetryPolicies: retry,
      Arguments: PROCESSING_ARGS,
      PropertyFiles: arr(obj({ PropertyFileName: lit, OutputName: lit, FilePath: lit }, ['PropertyFileName', 'OutputName', 'FilePath'])),
    },
    ['Name', 'Type', 'Arguments'],
  ),
  Condition: obj(
    { ...common, Type: lit, Arguments: obj({ Conditions: arr({ t: 'condition' }), IfSteps: arr({ t: 'step' }), ElseSteps: arr({ t: 'step' }) }, ['Conditions']) },
    ['Name', 'Type', 'Arguments'],
  ),
  RegisterModel: obj({ ...common, Type: lit, RetryPolicies: retry, Arguments: REGISTER_ARGS }, ['Name', 'Type', 'Arguments']),
  Fail: obj({ ...common, Type: lit, Arguments: obj({ ErrorMessage: str }) }, ['Name', 'Type', 'Arguments']),
};

const BINARY_CONDITIONS = ['GreaterThan', 'LessThan', 'LessThanOrEqualTo', 'GreaterThanOrEqualTo', 'Equals', 'NotEquals'];
const NAME = /^[A-Za-z0-9\-_]{1,64}$/;
const EXECUTION_VARIABLES = ['Execution.PipelineExecutionId', 'Execution.PipelineExecutionArn', 'Execution.StartDateTime', 'Execution.CurrentDateTime', 'Execution.PipelineName', 'Execution.PipelineArn'];

interface Context {
  readonly errors: string[];
  readonly gets: Array<{ path: string; ref: string }>;
  readonly jsonGets: Array<{ path: string; ref: string }>;
  readonly steps: Array<{ name: string; type: string; propertyFiles: string[]; dependsOn: string[]; path: string }>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function expression(v: unknown, path: string, ctx: Context, allowJsonGet = false): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  if (keys[0] === 'Get') {
    if (typeof v.Get !== 'string') ctx.errors.push(`${path}: Get must be a string`);
    else ctx.gets.push({ path, ref: v.Get });
    return true;
  }
  if (keys[0] === 'Std:Join') {
    const j = v['Std:Join'];
    if (!isObject(j) || typeof j.On !== 'string' || !Array.isArray(j.Values) || Object.keys(j).some((k) => k !== 'On' && k !== 'Values')) {
      ctx.errors.push(`${path}: Std:Join needs exactly On (string) and Values (array)`);
      return true;
    }
    j.Values.forEach((x, i) => {
      if (typeof x === 'string' || typeof x === 'number') return;
      if (!isObject(x) || !('Get' in x) || !expression(x, `${path}.Std:Join.Values[${i}]`, ctx)) {
        ctx.errors.push(`${path}.Std:Join.Values[${i}]: must be a string or a Get`);
      }
    });
    return true;
  }
  if (keys[0] === 'Std:JsonGet' && allowJsonGet) {
    const j = v['Std:JsonGet'];
    if (!isObject(j) || !isObject(j.PropertyFile) || typeof j.PropertyFile.Get !== 'string' || typeof j.Path !== 'string') {
      ctx.errors.push(`${path}: Std:JsonGet needs PropertyFile {Get} and Path`);
    } else {
      ctx.jsonGets.push({ path, ref: j.PropertyFile.Get });
    }
    return true;
  }
  return false;
}

function check(v: unknown, spec: Spec, path: string, ctx: Context): void {
  switch (spec.t) {
    case 'literal':
      if (typeof v !== 'string') ctx.errors.push(`${path}: expected a string`);
      return;
    case 'string':
      if (typeof v !== 'string' && !expression(v, path, ctx)) ctx.errors.push(`${path}: expected a string, Get or Std:Join`);
      return;
    case 'integer':
      if (!(typeof v === 'number' && Number.isInteger(v)) && !(isObject(v) && 'Get' in v && expression(v, path, ctx))) ctx.errors.push(`${path}: expected an integer or Get`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean' && !(isObject(v) && 'Get' in v && expression(v, path, ctx))) ctx.errors.push(`${path}: expected a boolean or Get`);
      return;
    case 'number':
      if (typeof v !== 'number') ctx.errors.push(`${path}: expected a number`);
      return;
    case 'any-primitive-or-expression':
      if (!['string', 'number', 'boolean'].includes(typeof v) && !expression(v, path, ctx)) ctx.errors.push(`${path}: expected a value`);
      return;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) ctx.errors.push(`${path}: expected one of ${spec.values.join(', ')}`);
      return;
    case 'array':
      if (!Array.isArray(v)) ctx.errors.push(`${path}: expected an array`);
      else v.forEach((x, i) => check(x, spec.items, `${path}[${i}]`, ctx));
      return;
    case 'map':
      if (!isObject(v)) ctx.errors.push(`${path}: expected an object`);
      else for (const [k, x] of Object.entries(v)) check(x, spec.values, `${path}.${k}`, ctx);
      return;
    case 'object':
      if (!isObject(v)) {
        ctx.errors.push(`${path}: expected an object`);
        return;
      }
      for (const r of spec.required ?? []) if (!(r in v)) ctx.errors.push(`${path}: missing required ${r}`);
      for (const [k, x] of Object.entries(v)) {
        const s = spec.props[k];
        if (!s) ctx.errors.push(`${path}: unknown field ${k}`);
        else check(x, s, `${path}.${k}`, ctx);
      }
      return;
    case 'condition':
      checkCondition(v, path, ctx);
      return;
    case 'step':
      checkStep(v, path, ctx);
      return;
  }
}

function checkCondition(v: unknown, path: string, ctx: Context): void {
  if (!isObject(v) || typeof v.Type !== 'string' || !BINARY_CONDITIONS.includes(v.Type)) {
    ctx.errors.push(`${path}: expected a binary condition (${BINARY_CONDITIONS.join(', ')})`);
    return;
  }
  for (const k of Object.keys(v)) if (!['Type', 'LeftValue', 'RightValue'].includes(k)) ctx.errors.push(`${path}: unknown field ${k}`);
  for (const side of ['LeftValue', 'RightValue']) {
    const x = v[side];
    if (x === undefined) ctx.errors.push(`${path}: missing required ${side}`);
    else if (!['string', 'number', 'boolean'].includes(typeof x) && !expression(x, `${path}.${side}`, ctx, true)) {
      ctx.errors.push(`${path}.${side}: expected a value, Get or Std:JsonGet`);
    }
  }
}

function checkStep(v: unknown, path: string, ctx: Context): void {
  if (!isObject(v) || typeof v.Type !== 'string' || !(v.Type in STEP_SPECS)) {
    ctx.errors.push(`${path}: unknown step type ${isObject(v) ? JSON.stringify(v.Type) : typeof v} (allowed: ${Object.keys(STEP_SPECS).join(', ')})`);
    return;
  }
  const name = v.Name;
  if (typeof name !== 'string' || !NAME.test(name)) ctx.errors.push(`${path}: invalid step name ${JSON.stringify(name)}`);
  const propertyFiles = Array.isArray(v.PropertyFiles) ? v.PropertyFiles.map((p) => (isObject(p) ? String(p.PropertyFileName) : '')) : [];
  ctx.steps.push({ name: String(name), type: v.Type, propertyFiles, dependsOn: Array.isArray(v.DependsOn) ? v.DependsOn.map(String) : [], path });
  check(v, STEP_SPECS[v.Type], `${path}(${String(name)})`, ctx);
}

/** Returns every structural problem of the definition (empty when it conforms). */
export function validatePipelineDefinition(definition: unknown): string[] {
  const ctx: Context = { errors: [], gets: [], jsonGets: [], steps: [] };
  if (!isObject(definition)) return ['definition: expected an object'];
  for (const k of Object.keys(definition)) {
    if (!['Version', 'Metadata', 'Parameters', 'PipelineExperimentConfig', 'Steps'].includes(k)) ctx.errors.push(`definition: unknown field ${k}`);
  }
  if (definition.Version !== '2020-12-01') ctx.errors.push(`Version: expected "2020-12-01", got ${JSON.stringify(definition.Version)}`);
  if (definition.Metadata !== undefined && !isObject(definition.Metadata)) ctx.errors.push('Metadata: expected an object');

  const params = new Map<string, string>();
  const parameters = definition.Parameters ?? [];
  if (!Array.isArray(parameters)) ctx.errors.push('Parameters: expected an array');
  else {
    parameters.forEach((p, i) => {
      const path = `Parameters[${i}]`;
      if (!isObject(p)) return void ctx.errors.push(`${path}: expected an object`);
      for (const k of Object.keys(p)) if (!['Name', 'Type', 'DefaultValue', 'Description'].includes(k)) ctx.errors.push(`${path}: unknown field ${k}`);
      if (typeof p.Name !== 'string' || !NAME.test(p.Name)) ctx.errors.push(`${path}: invalid name ${JSON.stringify(p.Name)}`);
      const type = p.Type;
      const d = p.DefaultValue;
      const ok =
        (type === 'String' && (d === undefined || typeof d === 'string')) ||
        (type === 'Integer' && (d === undefined || Number.isInteger(d))) ||
        (type === 'Float' && (d === undefined || typeof d === 'number')) ||
        (type === 'Boolean' && (d === undefined || typeof d === 'boolean'));
      if (!ok) ctx.errors.push(`${path}: Type ${JSON.stringify(type)} with DefaultValue ${JSON.stringify(d)}`);
      if (params.has(String(p.Name))) ctx.errors.push(`${path}: duplicate parameter ${String(p.Name)}`);
      params.set(String(p.Name), String(type));
    });
  }

  if (!Array.isArray(definition.Steps) || definition.Steps.length === 0) ctx.errors.push('Steps: expected a non-empty array');
  else definition.Steps.forEach((s, i) => checkStep(s, `Steps[${i}]`, ctx));

  // References.
  const steps = new Map<string, Context['steps'][number]>();
  for (const s of ctx.steps) {
    if (steps.has(s.name)) ctx.errors.push(`${s.path}: duplicate step name ${s.name}`);
    steps.set(s.name, s);
  }
  for (const s of ctx.steps) for (const d of s.dependsOn) if (!steps.has(d)) ctx.errors.push(`${s.path}: DependsOn unknown step ${d}`);
  for (const g of ctx.gets) {
    const [root, name, attribute, file] = g.ref.split('.');
    if (root === 'Parameters') {
      if (!params.has(name)) ctx.errors.push(`${g.path}: Get of unknown parameter ${name}`);
    } else if (root === 'Execution') {
      if (!EXECUTION_VARIABLES.includes(g.ref)) ctx.errors.push(`${g.path}: unknown execution variable ${g.ref}`);
    } else if (root === 'Steps') {
      const step = steps.get(name);
      if (!step) ctx.errors.push(`${g.path}: Get of unknown step ${name}`);
      else if (attribute === 'PropertyFiles' && !step.propertyFiles.includes(file)) ctx.errors.push(`${g.path}: unknown property file ${file}`);
    } else {
      ctx.errors.push(`${g.path}: Get must start with Parameters., Steps. or Execution.`);
    }
  }
  for (const j of ctx.jsonGets) {
    const [root, name, attribute, file] = j.ref.split('.');
    const step = steps.get(name);
    if (root !== 'Steps' || attribute !== 'PropertyFiles' || !step || step.type !== 'Processing' || !step.propertyFiles.includes(file)) {
      ctx.errors.push(`${j.path}: Std:JsonGet must name a property file of a Processing step (got ${j.ref})`);
    }
  }
  return ctx.errors;
}
