import { z } from 'zod';

/** What the construct passes in `PROMOTION_CONFIG` (JSON). */
export const PromotionConfigSchema = z.object({
  endpointName: z.string().min(1).max(63),
  modelPackageGroupName: z.string().min(1),
  executionRoleArn: z.string().startsWith('arn:'),
  /** VpcConfig of CreateModel, when the endpoint runs in a VPC. */
  vpcConfig: z.object({ SecurityGroupIds: z.array(z.string()).min(1), Subnets: z.array(z.string()).min(1) }).optional(),
  /** CreateEndpointConfig input without names; used when the endpoint does not exist yet. */
  endpointConfigTemplate: z.object({
    ProductionVariants: z.array(z.record(z.string(), z.unknown())).min(1),
    KmsKeyId: z.string().optional(),
    DataCaptureConfig: z.record(z.string(), z.unknown()).optional(),
    AsyncInferenceConfig: z.record(z.string(), z.unknown()).optional(),
  }),
  /** DeploymentConfig of CreateEndpoint/UpdateEndpoint (blue/green + auto-rollback alarms). */
  deploymentConfig: z.record(z.string(), z.unknown()),
});
export type PromotionConfig = z.infer<typeof PromotionConfigSchema>;

/** The part of "SageMaker Model Package State Change" the function reads. */
export const ApprovalEventSchema = z.object({
  'detail-type': z.literal('SageMaker Model Package State Change'),
  source: z.literal('aws.sagemaker'),
  id: z.string().optional(),
  detail: z.object({
    ModelPackageGroupName: z.string().min(1),
    ModelPackageArn: z.string().regex(/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[^/]+\/\d+$/),
    ModelPackageVersion: z.number().int().positive().optional(),
    ModelApprovalStatus: z.string(),
  }),
});
export type ApprovalEvent = z.infer<typeof ApprovalEventSchema>;

/** Reads and validates the configuration; throws (a deployment error, not a bad request) when it is wrong. */
export function loadConfig(raw: string | undefined): PromotionConfig {
  if (!raw) throw new Error('PROMOTION_CONFIG is not set');
  return PromotionConfigSchema.parse(JSON.parse(raw));
}
