/**
 * Turning CloudFormation values (literals and intrinsic functions) into short, stable strings: one
 * form for comparing two templates and one for showing a value to a person.
 */

/** A value as it appears in a CloudFormation template (after JSON parsing). */
export type CfnValue = unknown;

/** JSON with object keys sorted, so that two equal values always give the same string. */
export function stableStringify(value: CfnValue): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Whether two template values are equal as JSON (key order ignored, array order kept). */
export function deepEqual(a: CfnValue, b: CfnValue): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** The values of a field that may hold one value or a list of them (`Action: "s3:GetObject"` or `[...]`). */
export function asList(value: CfnValue): CfnValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A CloudFormation value as a short string, the way `cdk diff` shows it: `{ Ref: X }` is `${X}`,
 * `{ "Fn::GetAtt": [X, "Arn"] }` is `${X.Arn}`, `Fn::Join` is concatenated, `Fn::Sub` keeps its text.
 * Literal strings stay as they are; anything else is stable JSON. Equal values give equal strings, so the
 * result also serves as a comparison key.
 */
export function renderValue(value: CfnValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(renderValue).join(',');
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [fn] = keys;
    const arg = obj[fn];
    switch (fn) {
      case 'Ref':
        return `\${${renderValue(arg)}}`;
      case 'Fn::GetAtt':
        return `\${${Array.isArray(arg) ? arg.map(renderValue).join('.') : renderValue(arg)}}`;
      case 'Fn::ImportValue':
        return `\${Import:${renderValue(arg)}}`;
      case 'Fn::GetStackOutput': {
        const out = (arg ?? {}) as Record<string, unknown>;
        return `\${Output:${renderValue(out.StackName)}.${renderValue(out.OutputName)}}`;
      }
      case 'Fn::Sub':
        return Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && Object.keys(arg[1] ?? {}).length === 0
          ? arg[0]
          : typeof arg === 'string'
            ? arg
            : `\${Fn::Sub ${stableStringify(arg)}}`;
      case 'Fn::Join':
        if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
          return arg[1].map(renderValue).join(arg[0]);
        }
        break;
      default:
        break;
    }
  }
  return stableStringify(value);
}

/**
 * The logical id a value points at when it is `{ Ref: X }` or `{ "Fn::GetAtt": [X, ...] }` (also the
 * `"X.Attr"` string form), or undefined.
 */
export function referencedLogicalId(value: CfnValue): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  if (typeof obj.Ref === 'string') return obj.Ref;
  const att = obj['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0];
  return undefined;
}
