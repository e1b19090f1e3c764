import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GenAIValidationError } from './errors';

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
  'g4dn', 'g5', 'g6', 'g6e', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300', 'p6e-gb200', 'trn1', 'trn1n', 'trn2',
];

/** Families without an accelerator, and EBS-backed (a storage key is allowed). */
export const CPU_EBS_FAMILIES: readonly string[] = [
  't2', 't3', 'm4', 'm5', 'm6g', 'm6i', 'm7i', 'm8g', 'c4', 'c5', 'c6g', 'c6gn', 'c6i', 'c6in', 'c7g', 'c7i', 'c8g',
  'r5', 'r6g', 'r6i', 'r7i', 'r8g',
  // EBS-only families SageMaker offers for training and processing
  'c5n', 'c8i', 'm8i', 'r8i',
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

/**
 * Memory (GiB) of the accelerated instance types, from the EC2 accelerated-computing instance
 * specifications (the SageMaker `ml.` types are the same hardware). SageMaker keeps part of it for the
 * host and the container agent, so a model copy gets somewhat less.
 */
const ACCELERATED_MEMORY_GIB: Readonly<Record<string, Readonly<Record<string, number>>>> = (() => {
  const g = { 'xlarge': 16, '2xlarge': 32, '4xlarge': 64, '8xlarge': 128, '12xlarge': 192, '16xlarge': 256, '24xlarge': 384, '48xlarge': 768 };
  return {
    g4dn: { 'xlarge': 16, '2xlarge': 32, '4xlarge': 64, '8xlarge': 128, '12xlarge': 192, '16xlarge': 256 },
    g5: g,
    g6: g,
    g6e: { 'xlarge': 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256, '12xlarge': 384, '16xlarge': 512, '24xlarge': 768, '48xlarge': 1536 },
    p2: { 'xlarge': 61, '8xlarge': 488, '16xlarge': 732 },
    p3: { '2xlarge': 61, '8xlarge': 244, '16xlarge': 488 },
    p3dn: { '24xlarge': 768 },
    p4d: { '24xlarge': 1152 },
    p4de: { '24xlarge': 1152 },
    p5: { '4xlarge': 256, '48xlarge': 2048 },
    p5e: { '48xlarge': 2048 },
    p5en: { '48xlarge': 2048 },
    inf2: { 'xlarge': 16, '8xlarge': 128, '24xlarge': 384, '48xlarge': 768 },
  };
})();

/** GiB of memory per vCPU of the general-purpose (m), compute (c) and memory (r) families from the 5th generation on. */
const MEMORY_PER_VCPU_GIB: Readonly<Record<string, number>> = {
  c5: 2, c5d: 2, c6g: 2, c6gd: 2, c6gn: 2, c6i: 2, c6in: 2, c7g: 2, c7i: 2, c8g: 2,
  m5: 4, m5d: 4, m6g: 4, m6gd: 4, m6i: 4, m7i: 4, m8g: 4,
  r5: 8, r5d: 8, r6g: 8, r6gd: 8, r6i: 8, r7gd: 8, r7i: 8, r8g: 8,
};

/**
 * Memory of an instance type in GiB (what an inference component's `MinMemoryRequiredInMb` must fit in),
 * or undefined for a type the tables lack (older CPU families, `t2`, Trainium, unlisted families).
 */
export function instanceMemoryGiB(instanceType: string): number | undefined {
  const family = instanceFamily(instanceType);
  const size = instanceSize(instanceType);
  if (family === undefined || size === undefined) return undefined;
  const accelerated = ACCELERATED_MEMORY_GIB[family]?.[size];
  if (accelerated !== undefined) return accelerated;
  const perVcpu = MEMORY_PER_VCPU_GIB[family];
  const vcpus = vcpuCount(instanceType);
  return perVcpu !== undefined && vcpus !== undefined ? perVcpu * vcpus : undefined;
}

// ---- sizes SageMaker offers, per use ---------------------------------------------------------------

/**
 * What an instance runs: a real-time or asynchronous endpoint (`hosting`), a training job (`training`) or
 * a processing job such as an evaluation or a Model Monitor job (`processing`).
 */
export type InstanceUse = 'hosting' | 'training' | 'processing';

function sizeTable(table: Record<string, string>): Readonly<Record<string, readonly string[]>> {
  return Object.fromEntries(Object.entries(table).map(([family, sizes]) => [family, sizes.split(' ')]));
}

// The instance types SageMaker's API accepts, by family: the enums ProductionVariantInstanceType,
// TrainingInstanceType and ProcessingInstanceType of the SageMaker API model (@aws-sdk/client-sagemaker
// 3.1142.0), which are the instance types of the SageMaker pricing and developer guide pages. A type newer
// than these tables needs `allowUnlistedInstanceType: true` on the construct.
const HOSTING_SIZES = sizeTable({
  c4: 'large xlarge 2xlarge 4xlarge 8xlarge', c5: 'large xlarge 2xlarge 4xlarge 9xlarge 18xlarge',
  c5d: 'large xlarge 2xlarge 4xlarge 9xlarge 18xlarge', c6g: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  c6gd: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  c6gn: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  c6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  c6in: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  c7g: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  c7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  c8g: 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge', dl1: '24xlarge',
  g4dn: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  g5: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g6: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g6e: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g7: '2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge', g7e: '2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge',
  inf1: 'xlarge 2xlarge 6xlarge 24xlarge', inf2: 'xlarge 8xlarge 24xlarge 48xlarge',
  m4: 'xlarge 2xlarge 4xlarge 10xlarge 16xlarge', m5: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  m5d: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  m6g: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  m6gd: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  m6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  m7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  m8g: 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  p2: 'xlarge 8xlarge 16xlarge', p3: '2xlarge 8xlarge 16xlarge', p4d: '24xlarge', p4de: '24xlarge',
  p5: '4xlarge 48xlarge', p5e: '48xlarge', p5en: '48xlarge', 'p6-b200': '48xlarge', 'p6-b300': '48xlarge',
  'p6e-gb200': '36xlarge', r5: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  r5d: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  r6g: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  r6gd: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  r6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  r7gd: 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  r7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  r8g: 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  t2: 'medium large xlarge 2xlarge', trn1: '2xlarge 32xlarge', trn1n: '32xlarge', trn2: '48xlarge',
});
const TRAINING_SIZES = sizeTable({
  c4: 'xlarge 2xlarge 4xlarge 8xlarge', c5: 'xlarge 2xlarge 4xlarge 9xlarge 18xlarge',
  c5n: 'xlarge 2xlarge 4xlarge 9xlarge 18xlarge',
  c6i: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  c7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  c8i: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge 96xlarge',
  g4dn: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  g5: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g6: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g6e: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g7: '2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge', g7e: '2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge',
  m4: 'xlarge 2xlarge 4xlarge 10xlarge 16xlarge', m5: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  m6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  m7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  m8i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge 96xlarge',
  p2: 'xlarge 8xlarge 16xlarge', p3: '2xlarge 8xlarge 16xlarge', p3dn: '24xlarge', p4d: '24xlarge', p4de: '24xlarge',
  p5: '4xlarge 48xlarge', p5e: '48xlarge', p5en: '48xlarge', 'p6-b200': '48xlarge', 'p6-b300': '48xlarge',
  'p6e-gb200': '36xlarge', r5: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge',
  r5d: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge',
  r6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  r7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  r8i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge 96xlarge',
  t3: 'medium large xlarge 2xlarge', trn1: '2xlarge 32xlarge', trn1n: '32xlarge', trn2: '48xlarge',
});
const PROCESSING_SIZES = sizeTable({
  c4: 'xlarge 2xlarge 4xlarge 8xlarge', c5: 'xlarge 2xlarge 4xlarge 9xlarge 18xlarge',
  c6i: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  c7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  c8i: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge 96xlarge',
  g4dn: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  g5: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g6: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g6e: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g7: '2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge', g7e: '2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge',
  m4: 'xlarge 2xlarge 4xlarge 10xlarge 16xlarge', m5: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  m6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  m7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  m8i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge 96xlarge',
  p2: 'xlarge 8xlarge 16xlarge', p3: '2xlarge 8xlarge 16xlarge', p5: '4xlarge',
  r5: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge',
  r5d: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge',
  r6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  r7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  r8i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge 96xlarge',
  t3: 'medium large xlarge 2xlarge',
});

/** The sizes SageMaker offers, by use and family (`INSTANCE_SIZES.training.g5` → `['xlarge', ...]`). */
export const INSTANCE_SIZES: Readonly<Record<InstanceUse, Readonly<Record<string, readonly string[]>>>> = {
  hosting: HOSTING_SIZES,
  training: TRAINING_SIZES,
  processing: PROCESSING_SIZES,
};

const USE_NAMES: Readonly<Record<InstanceUse, string>> = {
  hosting: 'hosting (endpoints)',
  training: 'training jobs',
  processing: 'processing jobs',
};

/**
 * True when SageMaker offers the instance type for `use` (it is in the tables above) and the library
 * knows its family (its storage decides whether a KMS key may be set).
 */
export function isListedInstanceType(instanceType: string, use: InstanceUse): boolean {
  const m = INSTANCE_TYPE_PATTERN.exec(instanceType);
  return m !== null && (INSTANCE_SIZES[use][m[1]]?.includes(m[2]) ?? false) && isKnownInstanceFamily(instanceType);
}

/**
 * Validates an instance type prop against the tables: `ml.<family>.<size>` of a family the library knows
 * and a size SageMaker offers for `use`. Tokens are skipped.
 *
 * A well-formed type that is not listed fails synthesis, unless `allowUnlisted` is set (the construct's
 * `allowUnlistedInstanceType`, for types newer than the tables): then it only gets an info annotation.
 *
 * @returns true when the type is listed (false for tokens and for unlisted types that were allowed)
 */
export function validateInstanceType(
  scope: IConstruct,
  property: string,
  instanceType: string | undefined,
  use: InstanceUse,
  allowUnlisted: boolean,
): boolean {
  if (instanceType === undefined || Token.isUnresolved(instanceType)) return false;
  const m = typeof instanceType === 'string' ? INSTANCE_TYPE_PATTERN.exec(instanceType) : null;
  if (!m) {
    throw new GenAIValidationError(scope, property, instanceType, `a SageMaker instance type for ${USE_NAMES[use]}: ml.<family>.<size>, e.g. ${use === 'processing' ? 'ml.m5.xlarge' : 'ml.g5.xlarge'}`);
  }
  if (isListedInstanceType(instanceType, use)) return true;
  const [, family, size] = m;
  const escape = 'or set allowUnlistedInstanceType: true for a type newer than this library\'s instance tables';
  if (allowUnlisted) {
    Annotations.of(scope).addInfo(
      `${property} ${instanceType} is not in this library's instance tables (allowUnlistedInstanceType is set): it goes to SageMaker as given, which validates it at deployment.` +
        (isKnownInstanceFamily(instanceType) ? '' : ` The library does not know the ml.${family} family: it treats its storage as EBS and sets the KMS key (which SageMaker rejects if the type has local NVMe storage), and knows no vCPU or GPU count for it.`),
    );
    return false;
  }
  const sizes = INSTANCE_SIZES[use][family];
  let allowed: string;
  if (sizes && isKnownInstanceFamily(instanceType)) {
    allowed = `a size SageMaker offers for ml.${family} ${USE_NAMES[use]}: ${sizes.map((s) => `ml.${family}.${s}`).join(', ')} (no ${size}); ${escape}`;
  } else {
    const families = Object.keys(INSTANCE_SIZES[use]).filter((f) => isKnownInstanceFamily(`ml.${f}.xlarge`));
    allowed = `an instance type of a family SageMaker offers for ${USE_NAMES[use]} and this library knows (${families.join(', ')}); ${escape}`;
  }
  throw new GenAIValidationError(scope, property, instanceType, allowed);
}
