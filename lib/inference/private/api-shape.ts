import { Token } from 'aws-cdk-lib';

/** camelCase CloudFormation-style props → the PascalCase shape of the SageMaker API, dropping undefined. */
export function toApiShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toApiShape);
  if (value && typeof value === 'object' && !Token.isUnresolved(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[apiKey(k)] = toApiShape(v);
    }
    return out;
  }
  return value;
}

function apiKey(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}
