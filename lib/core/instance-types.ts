/**
 * What the library knows about SageMaker instance families (hosting, training and processing), in one
 * place. Constructs use it to decide whether a KMS key may be set on an instance's storage; the
 * GenAIChecks rules use it to decide whether a missing key is a finding.
 *
 * Source: "Host instance storage volumes" and "Protect data at rest using encryption" in the SageMaker
 * developer guide. Families missing from every list are "unknown": callers should treat them as
 * EBS-backed (the secure choice: set the key).
 */

/**
 * Families whose instances use local NVMe instance storage. SageMaker encrypts that storage with an
 * AES-256 hardware module on the instance, and rejects a KMS key for it (`KmsKeyId` of an endpoint config,
 * `VolumeKmsKeyId` of a training or processing job).
 */
export const NVME_FAMILIES: readonly string[] = [
  // accelerated
  'g4dn', 'g5', 'g6', 'g6e', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300', 'p6e-gb200',
  'trn1', 'trn1n', 'trn2', 'dl1',
  // CPU "d" families
  'c5d', 'c6gd', 'c6id', 'c7gd', 'm5d', 'm6gd', 'm6id', 'm7gd', 'r5d', 'r6gd', 'r6id', 'r7gd',
];

/** Families with NVIDIA GPUs. */
export const GPU_FAMILIES: readonly string[] = [
  'g4dn', 'g5', 'g6', 'g6e', 'p2', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300', 'p6e-gb200',
];

/** Accelerators that are not GPUs (AWS Inferentia, Trainium, Habana Gaudi). */
export const NEURON_FAMILIES: readonly string[] = ['inf1', 'inf2', 'trn1', 'trn1n', 'trn2', 'dl1'];

/** Accelerated families a training job may run on (NVIDIA GPUs and AWS Trainium). */
export const TRAINING_ACCELERATED_FAMILIES: readonly string[] = [
  'g4dn', 'g5', 'g6', 'g6e', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'trn1', 'trn1n', 'trn2',
];

/** Families without an accelerator, and EBS-backed (a storage key is allowed). */
export const CPU_EBS_FAMILIES: readonly string[] = [
  't2', 't3', 'm4', 'm5', 'm6g', 'm6i', 'm7i', 'm8g', 'c4', 'c5', 'c6g', 'c6gn', 'c6i', 'c6in', 'c7g', 'c7i', 'c8g',
  'r5', 'r6g', 'r6i', 'r7i', 'r8g',
];

/** `ml.<family>.<size>` (families may contain a hyphen: `ml.p6-b200.48xlarge`). */
export const INSTANCE_TYPE_PATTERN = /^ml\.([a-z0-9]+(?:-[a-z0-9]+)?)\.([a-z0-9]+)$/;

/** The family of an instance type (`ml.g5.xlarge` → `g5`), or undefined when it does not parse. */
export function instanceFamily(instanceType: string): string | undefined {
  return INSTANCE_TYPE_PATTERN.exec(instanceType)?.[1];
}

/** True when the instance type's storage is local NVMe (SageMaker rejects a KMS key for it). */
export function hasLocalNvmeStorage(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && NVME_FAMILIES.includes(family);
}

/** True when the instance type has NVIDIA GPUs. */
export function isGpuInstanceType(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && GPU_FAMILIES.includes(family);
}

/** True when the instance type has an accelerator (GPU, Inferentia, Trainium or Gaudi). */
export function isAcceleratedInstanceType(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && (GPU_FAMILIES.includes(family) || NEURON_FAMILIES.includes(family));
}

/** True when the instance type is of an accelerated family a training job may use. */
export function isAcceleratedTrainingType(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && TRAINING_ACCELERATED_FAMILIES.includes(family);
}

/** True when the library knows the instance type's family. */
export function isKnownInstanceFamily(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return (
    family !== undefined &&
    (NVME_FAMILIES.includes(family) || GPU_FAMILIES.includes(family) || CPU_EBS_FAMILIES.includes(family) || NEURON_FAMILIES.includes(family))
  );
}

/** `ml.<family>.<size>` → `<size>` (`xlarge`, `12xlarge`, ...), or undefined when it does not parse. */
function instanceSize(instanceType: string): string | undefined {
  return INSTANCE_TYPE_PATTERN.exec(instanceType)?.[2];
}

/**
 * vCPUs of an instance type, from its size: `large` has 2, `xlarge` 4 and `<n>xlarge` 4·n, for every
 * current SageMaker family. SageMaker reports `CPUUtilization` summed over the vCPUs (0 to 100·vCPUs).
 * Undefined for sizes without that rule (`metal`, ...).
 */
export function vcpuCount(instanceType: string): number | undefined {
  const size = instanceSize(instanceType);
  if (size === undefined) return undefined;
  if (size === 'medium') return instanceFamily(instanceType)?.startsWith('t') ? 2 : 1;
  if (size === 'large') return 2;
  const match = /^(\d*)xlarge$/.exec(size);
  if (!match) return undefined;
  return 4 * (match[1] === '' ? 1 : Number(match[1]));
}

/** NVIDIA GPUs per instance, by family and size (from the EC2 accelerated instance specifications). */
const GPU_COUNTS: Readonly<Record<string, Readonly<Record<string, number>>>> = (() => {
  const gFamily = { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 };
  const eightGpus = { '48xlarge': 8 };
  return {
    g4dn: { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4 },
    g5: gFamily,
    g6: gFamily,
    g6e: gFamily,
    p2: { 'xlarge': 1, '8xlarge': 8, '16xlarge': 16 },
    p3: { '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 },
    p3dn: { '24xlarge': 8 },
    p4d: { '24xlarge': 8 },
    p4de: { '24xlarge': 8 },
    p5: { '4xlarge': 1, '48xlarge': 8 },
    p5e: eightGpus,
    p5en: eightGpus,
    'p6-b200': eightGpus,
    'p6-b300': eightGpus,
  };
})();

/**
 * NVIDIA GPUs of an instance type. SageMaker reports `GPUUtilization` and `GPUMemoryUtilization` summed
 * over the GPUs (0 to 100·GPUs). 0 for types without a GPU; undefined for a GPU type the table lacks.
 */
export function gpuCount(instanceType: string): number | undefined {
  const family = instanceFamily(instanceType);
  const size = instanceSize(instanceType);
  if (family === undefined || size === undefined) return undefined;
  if (!GPU_FAMILIES.includes(family)) return 0;
  return GPU_COUNTS[family]?.[size];
}
