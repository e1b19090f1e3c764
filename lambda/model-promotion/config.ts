import * as z from 'zod/mini';

const capacity = z.int().check(z.nonnegative());
const cooldown = z.int().check(z.nonnegative());

/** Target tracking on invocations per instance, for real-time endpoints. */
const InvocationsPolicySchema = z.object({
  type: z.literal('invocations'),
  targetValue: z.number().check(z.positive()),
  scaleInCooldownSeconds: cooldown,
  scaleOutCooldownSeconds: cooldown,
});

/** Target tracking on the queue per instance, for asynchronous endpoints (plus a wake-up from zero). */
const BacklogPolicySchema = z.object({
  type: z.literal('backlog'),
  targetValue: z.number().check(z.positive()),
  scaleInCooldownSeconds: cooldown,
  scaleOutCooldownSeconds: cooldown,
});

/**
 * The autoscaling the function registers on an endpoint it created itself, once it is InService.
 * Absent: CloudFormation manages the endpoint's scaling and the function leaves it alone.
 */
export const ScalingConfigSchema = z.object({
  variants: z
    .array(
      z
        .object({ variantName: z.string().check(z.minLength(1), z.maxLength(63)), minCapacity: capacity, maxCapacity: z.int().check(z.gte(1)) })
        .check(z.refine((v) => v.minCapacity <= v.maxCapacity, { message: 'minCapacity must not exceed maxCapacity' })),
    )
    .check(z.minLength(1)),
  policy: z.discriminatedUnion('type', [InvocationsPolicySchema, BacklogPolicySchema]),
  /** Applies to every variant. */
  scheduled: z.array(
    z
      .object({
        name: z.string().check(z.minLength(1), z.maxLength(128)),
        schedule: z.string().check(z.regex(/^(at|rate|cron)\(.+\)$/, 'must be at(...), rate(...) or cron(...)')),
        minCapacity: z.optional(capacity),
        maxCapacity: z.optional(capacity),
      })
      .check(
        z.refine((s) => s.minCapacity !== undefined || s.maxCapacity !== undefined, { message: 'set minCapacity, maxCapacity or both' }),
        z.refine((s) => s.minCapacity === undefined || s.maxCapacity === undefined || s.minCapacity <= s.maxCapacity, {
          message: 'minCapacity must not exceed maxCapacity',
        }),
      ),
  ),
});
export type ScalingConfig = z.infer<typeof ScalingConfigSchema>;

/** Copy scaling of an inference component the function created (target tracking, and the step from zero). */
export const ComponentScalingSchema = z
  .object({
    minCopies: capacity,
    maxCopies: z.int().check(z.gte(1)),
    targetValue: z.number().check(z.positive()),
    scaleInCooldownSeconds: cooldown,
    scaleOutCooldownSeconds: cooldown,
    scaleFromZero: z.boolean(),
  })
  .check(z.refine((s) => s.minCopies <= s.maxCopies, { message: 'minCopies must not exceed maxCopies' }));
export type ComponentScaling = z.infer<typeof ComponentScalingSchema>;

/**
 * The inference component the function promotes to (instead of the endpoint): it creates a model per
 * version and points the component at it with UpdateInferenceComponent (the rolling update of
 * `deploymentConfig`), or creates the component on the first approval.
 */
export const InferenceComponentConfigSchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(63)),
  variantName: z.string().check(z.minLength(1), z.maxLength(63)),
  /** Specification of CreateInferenceComponent/UpdateInferenceComponent without ModelName. */
  specification: z.record(z.string(), z.unknown()),
  /** Copies of a component the function creates. */
  copyCount: z.int().check(z.gte(1)),
  /** Scaling to register on a component the function created, once it is InService. @default - CloudFormation's */
  scaling: z.optional(ComponentScalingSchema),
});
export type InferenceComponentConfig = z.infer<typeof InferenceComponentConfigSchema>;

/**
 * The approvals queue (SQS FIFO, one message group per endpoint): an approval the endpoint cannot take yet
 * becomes visible again after `waitSeconds`; after `maxWaitSeconds`, or on an error no retry fixes, the
 * function moves it to `deadLetterUrl` with the reason.
 */
export const QueueConfigSchema = z.object({
  url: z.string().check(z.startsWith('https://')),
  deadLetterUrl: z.string().check(z.startsWith('https://')),
  waitSeconds: z.int().check(z.gte(1), z.lte(43200)),
  maxWaitSeconds: z.int().check(z.gte(1)),
});
export type QueueConfig = z.infer<typeof QueueConfigSchema>;

/** What the construct passes in `PROMOTION_CONFIG` (JSON). */
export const PromotionConfigSchema = z.object({
  endpointName: z.string().check(z.minLength(1), z.maxLength(63)),
  modelPackageGroupName: z.string().check(z.minLength(1)),
  executionRoleArn: z.string().check(z.startsWith('arn:')),
  /** VpcConfig of CreateModel, when the endpoint runs in a VPC. */
  vpcConfig: z.optional(z.object({ SecurityGroupIds: z.array(z.string()).check(z.minLength(1)), Subnets: z.array(z.string()).check(z.minLength(1)) })),
  /** CreateEndpointConfig input without names; used when the endpoint does not exist yet (absent for a component). */
  endpointConfigTemplate: z.optional(z.object({
    ProductionVariants: z.array(z.record(z.string(), z.unknown())).check(z.minLength(1)),
    KmsKeyId: z.optional(z.string()),
    DataCaptureConfig: z.optional(z.record(z.string(), z.unknown())),
    AsyncInferenceConfig: z.optional(z.record(z.string(), z.unknown())),
  })),
  /** DeploymentConfig of CreateEndpoint/UpdateEndpoint (blue/green + auto-rollback alarms), or of UpdateInferenceComponent (rolling + rollback). */
  deploymentConfig: z.record(z.string(), z.unknown()),
  /** Autoscaling to register when an endpoint the function created is InService. @default - CloudFormation's */
  scaling: z.optional(ScalingConfigSchema),
  /**
   * Roll out versions without checking who approved them (the endpoint's `allowSelfApproval`).
   * @default false: the approver must be neither the version's registrant nor the starter of its run
   */
  allowSelfApproval: z.optional(z.boolean()),
  /** The approvals queue the function consumes (absent: the function is invoked directly, e.g. in tests). */
  queue: z.optional(QueueConfigSchema),
  /** Promote to this inference component instead of the endpoint. @default - the endpoint */
  inferenceComponent: z.optional(InferenceComponentConfigSchema),
}).check(
  z.refine((c) => (c.endpointConfigTemplate === undefined) !== (c.inferenceComponent === undefined), {
    message: 'set exactly one of endpointConfigTemplate (an endpoint) and inferenceComponent (a component)',
  }),
);
export type PromotionConfig = z.infer<typeof PromotionConfigSchema>;

/** The part of "SageMaker Model Package State Change" the function reads. */
export const ApprovalEventSchema = z.object({
  'detail-type': z.literal('SageMaker Model Package State Change'),
  source: z.literal('aws.sagemaker'),
  id: z.optional(z.string()),
  detail: z.object({
    ModelPackageGroupName: z.string().check(z.minLength(1)),
    ModelPackageArn: z.string().check(z.regex(/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[^/]+\/\d+$/)),
    ModelPackageVersion: z.optional(z.int().check(z.positive())),
    ModelApprovalStatus: z.string(),
  }),
});
export type ApprovalEvent = z.infer<typeof ApprovalEventSchema>;

/** The part of "SageMaker Endpoint State Change" the function reads. */
export const EndpointStateChangeEventSchema = z.object({
  'detail-type': z.literal('SageMaker Endpoint State Change'),
  source: z.literal('aws.sagemaker'),
  id: z.optional(z.string()),
  detail: z.object({
    EndpointName: z.string().check(z.minLength(1), z.maxLength(63)),
    EndpointArn: z.optional(z.string()),
    /** 'IN_SERVICE', 'UPDATING', ...; informational only (DescribeEndpoint decides). */
    EndpointStatus: z.optional(z.string()),
  }),
});
export type EndpointStateChangeEvent = z.infer<typeof EndpointStateChangeEventSchema>;

/** Reads and validates the configuration; throws (a deployment error, not a bad request) when it is wrong. */
export function loadConfig(raw: string | undefined): PromotionConfig {
  if (!raw) throw new Error('PROMOTION_CONFIG is not set');
  return PromotionConfigSchema.parse(JSON.parse(raw));
}
