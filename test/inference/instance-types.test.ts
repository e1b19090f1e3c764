import {
  hasLocalNvmeStorage as hasNvmeStorage,
  instanceFamily,
  isGpuInstanceType as isGpu,
  isKnownInstanceFamily as isKnownFamily,
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
