import {
  hasLocalNvmeStorage,
  instanceFamily,
  isAcceleratedInstanceType,
  isAcceleratedTrainingType,
  isGpuInstanceType,
  isKnownInstanceFamily,
  INSTANCE_SIZES,
  instanceMemoryGiB,
  isListedInstanceType,
  validateInstanceType,
} from '../../lib/core/instance-types';
import { Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';

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

describe('the sizes SageMaker offers (instance tables per use)', () => {
  test.each([
    ['ml.g5.xlarge', 'hosting', true],
    ['ml.g5.48xlarge', 'training', true],
    ['ml.p5.4xlarge', 'training', true],
    ['ml.trn2.48xlarge', 'training', true],
    ['ml.inf2.48xlarge', 'hosting', true],
    ['ml.t3.medium', 'processing', true],
    ['ml.c8i.96xlarge', 'training', true],
    ['ml.g5.huge', 'hosting', false], // no such size
    ['ml.g5.3xlarge', 'hosting', false], // no such size
    ['ml.inf2.xlarge', 'training', false], // Inferentia serves, it does not train
    ['ml.t2.medium', 'training', false], // t2 is offered for hosting only
    ['ml.p4d.24xlarge', 'processing', false],
    ['ml.g7.2xlarge', 'hosting', false], // offered, but the library does not know the family's storage
  ] as const)('%s for %s: listed %s', (type, use, listed) => {
    expect(isListedInstanceType(type, use)).toBe(listed);
  });

  test('the library knows the storage of every family in the tables except the newest two', () => {
    const families = new Set(Object.values(INSTANCE_SIZES).flatMap((table) => Object.keys(table)));
    expect([...families].filter((f) => !isKnownInstanceFamily(`ml.${f}.xlarge`)).sort()).toEqual(['g7', 'g7e']);
  });

  function scope() {
    return new Construct(new Stack(undefined, 'S'), 'Thing');
  }

  test('an unknown size names the construct, the prop, the value and the sizes of the family', () => {
    expect(() => validateInstanceType(scope(), 'instanceType', 'ml.g5.huge', 'hosting', false)).toThrow(
      /^S\/Thing: invalid instanceType: got "ml.g5.huge"; allowed: a size SageMaker offers for ml.g5 hosting \(endpoints\): ml.g5.xlarge, ml.g5.2xlarge, .*ml.g5.48xlarge \(no huge\); or set allowUnlistedInstanceType: true/,
    );
  });

  test('a family not offered for the use, or unknown to the library, names the families that are', () => {
    expect(() => validateInstanceType(scope(), 'instanceType', 'ml.inf2.xlarge', 'training', false)).toThrow(
      /invalid instanceType: got "ml.inf2.xlarge"; allowed: an instance type of a family SageMaker offers for training jobs and this library knows \(c4, c5, .*trn2\); or set allowUnlistedInstanceType/,
    );
    expect(() => validateInstanceType(scope(), 'variants[1].instanceType', 'ml.g7.2xlarge', 'hosting', false)).toThrow(/invalid variants\[1\].instanceType: got "ml.g7.2xlarge"/);
  });

  test('a malformed type always fails, also with allowUnlistedInstanceType', () => {
    expect(() => validateInstanceType(scope(), 'evaluationInstanceType', 'm5.xlarge', 'processing', true)).toThrow(
      /invalid evaluationInstanceType: got "m5.xlarge"; allowed: a SageMaker instance type for processing jobs: ml.<family>.<size>, e.g. ml.m5.xlarge/,
    );
  });

  test('allowUnlistedInstanceType: an unlisted type only gets an info annotation; tokens are skipped', () => {
    const thing = scope();
    expect(validateInstanceType(thing, 'instanceType', 'ml.g7.2xlarge', 'hosting', true)).toBe(false);
    expect(validateInstanceType(thing, 'instanceType', 'ml.g5.xlarge', 'hosting', false)).toBe(true);
    expect(validateInstanceType(thing, 'instanceType', Lazy.string({ produce: () => 'ml.g5.huge' }), 'hosting', false)).toBe(false);
    const annotations = Annotations.fromStack(Stack.of(thing));
    annotations.hasInfo('/S/Thing', Match.stringLikeRegexp('ml.g7.2xlarge is not in this library.s instance tables .allowUnlistedInstanceType is set.*does not know the ml.g7 family'));
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('instance memory', () => {
  test.each<[string, number | undefined]>([
    ['ml.g5.xlarge', 16],
    ['ml.g5.12xlarge', 192],
    ['ml.g6e.xlarge', 32],
    ['ml.g4dn.12xlarge', 192],
    ['ml.p4d.24xlarge', 1152],
    ['ml.p5.48xlarge', 2048],
    ['ml.inf2.24xlarge', 384],
    ['ml.c5.9xlarge', 72],
    ['ml.m5.large', 8],
    ['ml.r6i.2xlarge', 64],
    ['ml.m8g.medium', 4],
    ['ml.t2.medium', undefined],
    ['ml.c4.xlarge', undefined],
    ['ml.g5.3xlarge', undefined],
    ['ml.trn1.32xlarge', undefined],
    ['not-a-type', undefined],
  ])('%s has %p GiB', (type, gib) => expect(instanceMemoryGiB(type)).toBe(gib));

  test('every GPU size the hosting table lists for g4dn, g5, g6 and g6e has a memory entry', () => {
    for (const family of ['g4dn', 'g5', 'g6', 'g6e']) {
      for (const size of INSTANCE_SIZES.hosting[family]) expect(instanceMemoryGiB(`ml.${family}.${size}`)).toBeGreaterThan(0);
    }
  });
});
