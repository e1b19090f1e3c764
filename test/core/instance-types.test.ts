import {
  hasLocalNvmeStorage,
  instanceFamily,
  isAcceleratedInstanceType,
  isAcceleratedTrainingType,
  isGpuInstanceType,
  isKnownInstanceFamily,
} from '../../lib/core/instance-types';

describe('the SageMaker instance-type table', () => {
  test('families parse, hyphenated ones included', () => {
    expect(instanceFamily('ml.g5.xlarge')).toBe('g5');
    expect(instanceFamily('ml.p6-b200.48xlarge')).toBe('p6-b200');
    expect(instanceFamily('g5.xlarge')).toBeUndefined();
    expect(instanceFamily('ml.g5')).toBeUndefined();
  });

  test.each(['ml.g4dn.xlarge', 'ml.g5.2xlarge', 'ml.g6.xlarge', 'ml.g6e.12xlarge', 'ml.p3dn.24xlarge', 'ml.p4d.24xlarge', 'ml.p4de.24xlarge', 'ml.p5.48xlarge', 'ml.trn1.32xlarge', 'ml.trn2.48xlarge', 'ml.m5d.large', 'ml.c5d.xlarge', 'ml.r5d.2xlarge'])(
    '%s has local NVMe storage',
    (t) => expect(hasLocalNvmeStorage(t)).toBe(true),
  );

  test.each(['ml.p3.2xlarge', 'ml.m5.xlarge', 'ml.c5.xlarge', 'ml.inf2.xlarge', 'ml.t3.medium', 'unknown', ''])('%s is EBS-backed (or unknown)', (t) => {
    expect(hasLocalNvmeStorage(t)).toBe(false);
  });

  test('GPU, accelerated and training families', () => {
    expect(['ml.g4dn.xlarge', 'ml.g5.xlarge', 'ml.p3.2xlarge', 'ml.p5.48xlarge'].every(isGpuInstanceType)).toBe(true);
    expect(isGpuInstanceType('ml.inf2.xlarge')).toBe(false);
    expect(isGpuInstanceType('ml.m5.xlarge')).toBe(false);
    expect(isAcceleratedInstanceType('ml.inf2.xlarge')).toBe(true);
    expect(isAcceleratedInstanceType('ml.trn1.2xlarge')).toBe(true);
    expect(isAcceleratedInstanceType('ml.m5.xlarge')).toBe(false);
    expect(isAcceleratedTrainingType('ml.trn1.32xlarge')).toBe(true);
    expect(isAcceleratedTrainingType('ml.inf2.xlarge')).toBe(false);
    expect(isKnownInstanceFamily('ml.m5.xlarge')).toBe(true);
    expect(isKnownInstanceFamily('ml.zz9.xlarge')).toBe(false);
  });
});
