/**
 * Separation of duties for a registry approval: who approved a model package version must be neither the
 * identity that registered it (the training pipeline's own role, for versions a pipeline registered) nor
 * the identity that started the pipeline run that produced it.
 *
 * What the registry records (DescribeModelPackage): `LastModifiedBy` (the identity of the last change, the
 * approval; `IamIdentity` and, from Studio, the user profile), `CreatedBy` (who registered the version) and
 * `MetadataProperties.GeneratedBy` (the pipeline execution ARN for versions a pipeline registered).
 * DescribePipelineExecution's `CreatedBy` names the user profile of executions started from Studio and is
 * empty otherwise (its `IamIdentity` is documented for model packages, groups and projects only), so the
 * StartPipelineExecution call is also read from the CloudTrail event history, and every identity either
 * records counts as the starter. Whatever cannot be proven is refused: the check fails closed and says why.
 */
import { LookupEventsCommandInput, LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { DescribePipelineExecutionCommand, DescribePipelineExecutionCommandOutput, UserContext } from '@aws-sdk/client-sagemaker';
import { isNotFound } from './errors';

/** The parts of DescribeModelPackage the check reads. */
export interface RegistryRecord {
  readonly CreatedBy?: UserContext;
  readonly LastModifiedBy?: UserContext;
  readonly MetadataProperties?: { readonly GeneratedBy?: string };
  readonly ApprovalDescription?: string;
}

/** The verdict, with what it is based on (it goes into the promotion record). */
export interface ApprovalCheck {
  readonly allowed: boolean;
  /** Why the version is refused (only when not allowed). */
  readonly reason?: string;
  readonly approvedBy?: string;
  readonly registeredBy?: string;
  readonly startedBy?: string;
  readonly pipelineExecutionArn?: string;
  /** Where `startedBy` comes from. */
  readonly startedBySource?: 'registry' | 'cloudtrail';
}

export type Call = <T>(operation: string, command: unknown) => Promise<T>;

export interface ApprovalDeps {
  /** SageMaker calls (with retries). */
  readonly call: Call;
  /** CloudTrail LookupEvents (with retries). */
  readonly lookupEvents: (input: LookupEventsCommandInput) => Promise<LookupEventsCommandOutput>;
}

/** A pipeline execution ARN: `arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>`. */
const EXECUTION_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:pipeline\/[A-Za-z0-9-]{1,256}\/execution\/[A-Za-z0-9]{1,256}$/;
/** The window around the execution's creation in which its StartPipelineExecution call is looked for. */
const LOOKUP_WINDOW_MS = 5 * 60 * 1000;
/** CloudTrail returns at most 50 events a page; this bounds the work for one approval. */
const MAX_LOOKUP_PAGES = 10;

/** An identity as printable text (the IAM ARN, else the Studio user profile). */
export function describeIdentity(user: UserContext | undefined): string | undefined {
  return user?.IamIdentity?.Arn ?? user?.UserProfileArn ?? (user?.UserProfileName ? `user-profile ${user.DomainId ?? '?'}/${user.UserProfileName}` : undefined);
}

/**
 * The keys under which two identities are "the same party": the IAM role (not the session: a session name
 * is chosen by whoever assumes the role), IAM user or account root; the Studio user profile; the source identity.
 */
export function principalKeys(identity: { arn?: string; roleArn?: string; userProfileArn?: string; userProfileName?: string; domainId?: string; sourceIdentity?: string }): string[] {
  const keys: string[] = [];
  for (const arn of [identity.arn, identity.roleArn]) {
    const key = arn ? iamPrincipalKey(arn) : undefined;
    if (key) keys.push(key);
  }
  if (identity.userProfileArn) keys.push(`profile:${identity.userProfileArn.toLowerCase()}`);
  else if (identity.userProfileName) keys.push(`profile:${identity.domainId ?? ''}/${identity.userProfileName}`.toLowerCase());
  if (identity.sourceIdentity) keys.push(`source:${identity.sourceIdentity}`);
  return [...new Set(keys)];
}

/** `role:<account>:<name>` for a role or its session, `user:`, `root:`, `federated:`; else the ARN itself. */
export function iamPrincipalKey(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):(.+)$/.exec(arn);
  if (!m) return arn ? `arn:${arn}` : undefined;
  const [, service, account, resource] = m;
  if (service === 'sts' && resource.startsWith('assumed-role/')) return `role:${account}:${resource.split('/')[1]}`;
  if (service === 'iam' && resource.startsWith('role/')) return `role:${account}:${resource.split('/').pop()}`;
  if (service === 'iam' && resource.startsWith('user/')) return `user:${account}:${resource.split('/').pop()}`;
  if (resource === 'root') return `root:${account}`;
  if (service === 'sts' && resource.startsWith('federated-user/')) return `federated:${account}:${resource.split('/')[1]}`;
  return `arn:${arn}`;
}

function keysOfUser(user: UserContext | undefined): string[] {
  return principalKeys({
    arn: user?.IamIdentity?.Arn,
    userProfileArn: user?.UserProfileArn,
    userProfileName: user?.UserProfileName,
    domainId: user?.DomainId,
    sourceIdentity: user?.IamIdentity?.SourceIdentity,
  });
}

/** Checks the registry's record of a version; never throws for missing records (it refuses instead). */
export async function checkSeparationOfDuties(pkg: RegistryRecord, deps: ApprovalDeps): Promise<ApprovalCheck> {
  const approverKeys = keysOfUser(pkg.LastModifiedBy);
  const approvedBy = describeIdentity(pkg.LastModifiedBy);
  const registeredBy = describeIdentity(pkg.CreatedBy);
  const base = { approvedBy, registeredBy };
  if (approverKeys.length === 0) {
    return { allowed: false, reason: 'the registry does not record who approved the version (no LastModifiedBy identity)', ...base };
  }
  const registrantKeys = keysOfUser(pkg.CreatedBy);
  if (registrantKeys.length === 0) {
    return { allowed: false, reason: 'the registry does not record who registered the version (no CreatedBy identity)', ...base };
  }
  if (approverKeys.some((k) => registrantKeys.includes(k))) {
    return {
      allowed: false,
      reason: `approved by the identity that registered it (${registeredBy}): a version registered by a pipeline must be approved by someone other than the pipeline's own role`,
      ...base,
    };
  }

  const generatedBy = pkg.MetadataProperties?.GeneratedBy;
  if (!generatedBy || !EXECUTION_ARN.test(generatedBy)) {
    // Not produced by a pipeline run (registered by hand): the registrant check above is the whole check.
    return { allowed: true, ...base };
  }
  const run = { ...base, pipelineExecutionArn: generatedBy };

  let execution: DescribePipelineExecutionCommandOutput;
  try {
    execution = await deps.call<DescribePipelineExecutionCommandOutput>('DescribePipelineExecution', new DescribePipelineExecutionCommand({ PipelineExecutionArn: generatedBy }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return { allowed: false, reason: `the pipeline execution ${generatedBy} that produced the version no longer exists, so who started it cannot be proven`, ...run };
  }

  // Every facet of the starter counts: the Studio user profile SageMaker records and the IAM identity of the
  // StartPipelineExecution call (a Studio user could otherwise approve through the CLI with the same role).
  const recorded = keysOfUser(execution.CreatedBy);
  const found = execution.CreationTime ? await starterFromCloudTrail(generatedBy, execution.CreationTime, deps) : undefined;
  const starterKeys = [...new Set([...recorded, ...(found?.keys ?? [])])];
  if (starterKeys.length === 0) {
    return {
      allowed: false,
      reason: `neither SageMaker nor the CloudTrail event history records who started the pipeline execution ${generatedBy}, so separation of duties cannot be proven`,
      ...run,
    };
  }
  const startedBy = found?.arn ?? describeIdentity(execution.CreatedBy);
  const startedBySource: ApprovalCheck['startedBySource'] = found ? 'cloudtrail' : 'registry';
  const result = { ...run, startedBy, startedBySource };
  if (approverKeys.some((k) => starterKeys.includes(k))) {
    return { allowed: false, reason: `approved by the identity that started the pipeline execution (${startedBy}); the approver must be someone else`, ...result };
  }
  return { allowed: true, ...result };
}

/** The identity of the StartPipelineExecution call that created the execution, from the CloudTrail event history. */
async function starterFromCloudTrail(executionArn: string, createdAt: Date, deps: ApprovalDeps): Promise<{ arn: string; keys: string[] } | undefined> {
  const wanted = executionArn.toLowerCase();
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
    const out = await deps.lookupEvents({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StartPipelineExecution' }],
      StartTime: new Date(createdAt.getTime() - LOOKUP_WINDOW_MS),
      EndTime: new Date(createdAt.getTime() + LOOKUP_WINDOW_MS),
      MaxResults: 50,
      NextToken: nextToken,
    });
    for (const event of out.Events ?? []) {
      let record: any;
      try {
        record = JSON.parse(event.CloudTrailEvent ?? '');
      } catch {
        continue;
      }
      if (String(record?.responseElements?.pipelineExecutionArn ?? '').toLowerCase() !== wanted || record?.errorCode) continue;
      const identity = record.userIdentity ?? {};
      const keys = principalKeys({
        arn: identity.arn,
        roleArn: identity.sessionContext?.sessionIssuer?.arn,
        sourceIdentity: identity.sessionContext?.sourceIdentity,
      });
      if (keys.length === 0) return undefined;
      return { arn: identity.arn ?? identity.sessionContext?.sessionIssuer?.arn, keys };
    }
    nextToken = out.NextToken;
    if (!nextToken) break;
  }
  return undefined;
}
