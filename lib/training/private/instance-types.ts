/**
 * What the training pipeline knows about SageMaker training and processing instance families.
 */

/**
 * Accelerated families a training job may run on (NVIDIA GPUs and AWS Trainium). Anything else is
 * rejected at synth time.
 */
export const TRAINING_ACCELERATED_FAMILIES: readonly string[] = [
  'g4dn', 'g5', 'g6', 'g6e', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'trn1', 'trn1n', 'trn2',
];

/**
 * Families whose training and processing instances use local NVMe instance storage. SageMaker encrypts
 * those disks with a hardware module on the instance and rejects a `VolumeKmsKeyId` for them.
 * Source: "Protect data at rest using encryption" and the instance storage notes of the SageMaker
 * developer guide.
 */
export const NVME_FAMILIES: readonly string[] = [
  // accelerated
  'g4dn', 'g5', 'g6', 'g6e', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'trn1', 'trn1n', 'trn2',
  // CPU "d" families (processing)
  'c5d', 'c6id', 'm5d', 'm6id', 'r5d', 'r6id',
];

/** `ml.<family>.<size>`. */
export const INSTANCE_TYPE_PATTERN = /^ml\.([a-z][a-z0-9-]*)\.([a-z0-9]+)$/;

/** The family of an instance type (`ml.g5.xlarge` → `g5`), or undefined when it does not parse. */
export function instanceFamily(instanceType: string): string | undefined {
  return INSTANCE_TYPE_PATTERN.exec(instanceType)?.[1];
}

/** True when the type is of an accelerated family training may use. */
export function isAcceleratedTrainingType(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && TRAINING_ACCELERATED_FAMILIES.includes(family);
}

/** True when the family's volumes are NVMe instance storage (a `VolumeKmsKeyId` is rejected). */
export function hasNvmeStorage(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && NVME_FAMILIES.includes(family);
}
