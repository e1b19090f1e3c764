import {
  hasLocalNvmeStorage as hasNvmeStorage,
  instanceFamily,
  isGpuInstanceType as isGpu,
  isKnownInstanceFamily as isKnownFamily,
  gpuCount,
  vcpuCount,
} from '../../lib/core/instance-types';

describe('instance type tables', () => {
  test.each([
    ['ml.g5.xlarge', 'g5', true, true],
    ['ml.g4dn.2xlarge', 'g4dn', true, true],
    ['ml.g6e.12xlarge', 'g6e', true, true],
    ['ml.p4d.24xlarge', 'p4d', true, true],
    ['ml.p6-b200.48xlarge', 'p6-b200', true, true],
    ['ml.p3.2xlarge', 'p3', false, true],
    ['ml.m5d.xlarge', 'm5d', true, false],
    ['ml.trn1.32xlarge', 'trn1', true, false],
    ['ml.inf2.xlarge', 'inf2', false, false],
    ['ml.m5.xlarge', 'm5', false, false],
    ['ml.c7i.large', 'c7i', false, false],
  ])('%s: family %s, NVMe %s, GPU %s', (type, family, nvme, gpu) => {
    expect(instanceFamily(type)).toBe(family);
    expect(hasNvmeStorage(type)).toBe(nvme);
    expect(isGpu(type)).toBe(gpu);
    expect(isKnownFamily(type)).toBe(true);
  });

  test('unknown or malformed types are neither NVMe nor GPU', () => {
    expect(isKnownFamily('ml.x99.large')).toBe(false);
    expect(hasNvmeStorage('ml.x99.large')).toBe(false);
    expect(instanceFamily('g5.xlarge')).toBeUndefined();
    expect(isGpu('g5.xlarge')).toBe(false);
  });
});

describe('vCPU and GPU counts (utilization metrics are summed over them)', () => {
  test.each([
    ['ml.g5.xlarge', 4, 1],
    ['ml.g5.12xlarge', 48, 4],
    ['ml.g5.48xlarge', 192, 8],
    ['ml.g4dn.12xlarge', 48, 4],
    ['ml.g6e.2xlarge', 8, 1],
    ['ml.p3.8xlarge', 32, 4],
    ['ml.p4d.24xlarge', 96, 8],
    ['ml.p5.48xlarge', 192, 8],
    ['ml.m5.large', 2, 0],
    ['ml.t2.medium', 2, 0],
    ['ml.c7g.medium', 1, 0],
    ['ml.inf2.48xlarge', 192, 0],
  ])('%s: %d vCPUs, %d GPUs', (type, vcpus, gpus) => {
    expect(vcpuCount(type)).toBe(vcpus);
    expect(gpuCount(type)).toBe(gpus);
  });

  test('sizes and GPU types the tables do not know are undefined, not guessed', () => {
    expect(vcpuCount('ml.m5.metal')).toBeUndefined();
    expect(gpuCount('ml.g5.3xlarge')).toBeUndefined();
    expect(gpuCount('g5.xlarge')).toBeUndefined();
  });
});
