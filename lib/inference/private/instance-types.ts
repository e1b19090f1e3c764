/**
 * What the library knows about SageMaker hosting instance families. Families missing here are treated
 * as "unknown": the storage key is set (the secure choice) and a warning is added.
 */

/**
 * Families whose hosting instances use local NVMe instance storage. SageMaker encrypts that storage with
 * a hardware module, and CreateEndpointConfig rejects a `KmsKeyId` for them.
 * Source: "Host instance storage volumes" in the SageMaker developer guide.
 */
export const NVME_FAMILIES: readonly string[] = [
  'c5d', 'c6gd', 'c6id', 'c7gd', 'm5d', 'm6gd', 'm6id', 'm7gd', 'r5d', 'r6gd', 'r6id', 'r7gd',
  'g4dn', 'g5', 'g6', 'g6e', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300', 'p6e-gb200',
  'trn1', 'trn1n', 'trn2', 'dl1',
];

/** Families with NVIDIA GPUs. */
export const GPU_FAMILIES: readonly string[] = [
  'g4dn', 'g5', 'g6', 'g6e', 'p2', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300', 'p6e-gb200',
];

/** Families without an accelerator, and EBS-backed (a storage key is allowed). */
export const CPU_EBS_FAMILIES: readonly string[] = [
  't2', 't3', 'm4', 'm5', 'm6g', 'm6i', 'm7i', 'm8g', 'c4', 'c5', 'c6g', 'c6gn', 'c6i', 'c6in', 'c7g', 'c7i', 'c8g',
  'r5', 'r6g', 'r6i', 'r7i', 'r8g',
];

/** Accelerators that are not GPUs (AWS Inferentia, Trainium, Habana Gaudi), EBS-backed unless listed in NVME_FAMILIES. */
export const NEURON_FAMILIES: readonly string[] = ['inf1', 'inf2', 'trn1', 'trn1n', 'trn2', 'dl1'];

/** `ml.<family>.<size>` (families may contain a hyphen: `ml.p6-b200.48xlarge`). */
export const INSTANCE_TYPE_PATTERN = /^ml\.([a-z0-9]+(?:-[a-z0-9]+)?)\.([a-z0-9]+)$/;

/** The family of an instance type (`ml.g5.xlarge` → `g5`), or undefined when it does not parse. */
export function instanceFamily(instanceType: string): string | undefined {
  return INSTANCE_TYPE_PATTERN.exec(instanceType)?.[1];
}

/** True when the family's volumes are NVMe instance storage (no KMS key allowed). */
export function hasNvmeStorage(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && NVME_FAMILIES.includes(family);
}

/** True when the family has GPUs. */
export function isGpu(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && GPU_FAMILIES.includes(family);
}

/** True when the library knows the family. */
export function isKnownFamily(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return (
    family !== undefined &&
    (NVME_FAMILIES.includes(family) || GPU_FAMILIES.includes(family) || CPU_EBS_FAMILIES.includes(family) || NEURON_FAMILIES.includes(family))
  );
}
