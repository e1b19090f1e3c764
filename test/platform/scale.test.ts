import { largestThatFits, measureScale } from '../../bench/scale-app';

describe('how the platform grows with the number of served models', () => {
  const points = measureScale([0, 1, 2, 3]);

  test('each endpoint adds the same number of resources (growth is linear)', () => {
    const steps = points.slice(1).map((p, i) => p.resources - points[i].resources);
    expect(new Set(steps).size).toBe(1);
    expect(steps[0]).toBeGreaterThan(0);
  });

  test('the documented largest platform fits in one stack and one more endpoint does not', () => {
    const fit = largestThatFits(points);
    const [atMax, overMax] = measureScale([fit.maxEndpoints, fit.maxEndpoints + 1]);
    expect(atMax.resources).toBeLessThanOrEqual(500);
    expect(atMax.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(overMax.resources > 500 || !(overMax.bytes <= 1024 * 1024)).toBe(true);
  });
});
