import { CfnResource, Stack } from 'aws-cdk-lib';

/**
 * Reading a resource the way CloudFormation will see it: the rendered, resolved `Properties`, property
 * overrides included, and references between resources of the same stack.
 */

/** A rendered resource of the template. */
export interface RenderedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: any;
  readonly node: CfnResource;
}

/** Memo of one validation pass (the tree does not change while a pack validates it). */
let memo: { properties: WeakMap<CfnResource, any>; stacks: WeakMap<Stack, Map<string, CfnResource>> } | undefined;

/** Runs `fn` with rendered properties and stack indexes memoized; nested calls share the memo. */
export function withMemo<T>(fn: () => T): T {
  if (memo) return fn();
  memo = { properties: new WeakMap(), stacks: new WeakMap() };
  try {
    return fn();
  } finally {
    memo = undefined;
  }
}

/**
 * The resource's `Properties` exactly as they are synthesized (PascalCase, overrides and escape hatches
 * applied), with tokens resolved to CloudFormation intrinsics. Uses the resource's own rendering
 * (`_toCloudFormation`, what the stack synthesizes), so raw `CfnResource`s and property overrides are
 * seen exactly as CloudFormation will see them.
 */
export function renderedProperties(node: CfnResource): any {
  if (memo?.properties.has(node)) return memo.properties.get(node);
  const properties = render(node);
  memo?.properties.set(node, properties);
  return properties;
}

function render(node: CfnResource): any {
  const rendered = Stack.of(node).resolve((node as any)._toCloudFormation());
  const resources = rendered?.Resources ?? {};
  const first = Object.values(resources)[0] as any;
  return first?.Properties ?? {};
}

/** The resource's logical id in its stack. */
export function logicalIdOf(node: CfnResource): string {
  return Stack.of(node).resolve(node.logicalId);
}

/** Every resource of the node's stack (nested stacks excluded), by logical id. */
export function stackResources(node: CfnResource): Map<string, CfnResource> {
  const stack = Stack.of(node);
  const memoized = memo?.stacks.get(stack);
  if (memoized) return memoized;
  const resources = new Map<string, CfnResource>();
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) {
      resources.set(stack.resolve(c.logicalId), c);
    }
  }
  memo?.stacks.set(stack, resources);
  return resources;
}

/** The resources of the node's stack of one CloudFormation type, rendered. */
export function resourcesOfType(node: CfnResource, type: string): RenderedResource[] {
  const out: RenderedResource[] = [];
  for (const [logicalId, r] of stackResources(node)) {
    if (r.cfnResourceType === type) out.push({ logicalId, type, properties: renderedProperties(r), node: r });
  }
  return out;
}

/** The logical id a `Ref` or `Fn::GetAtt` points to, or undefined for anything else. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as any;
  if (typeof v.Ref === 'string' && !v.Ref.startsWith('AWS::')) return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** The resource of the same stack that a reference points to, rendered; undefined when it is not there. */
export function resolveReference(node: CfnResource, value: unknown): RenderedResource | undefined {
  const logicalId = referencedLogicalId(value);
  if (logicalId === undefined) return undefined;
  const target = stackResources(node).get(logicalId);
  if (!target) return undefined;
  return { logicalId, type: target.cfnResourceType, properties: renderedProperties(target), node: target };
}

/** One piece of a string being assembled: literal text or a value only known at deploy time. */
type Segment = { literal: string } | { token: string };

/** The placeholder name of an intrinsic: `X` for `Ref: X`, `X.Attr` for `Fn::GetAtt: [X, Attr]`. */
function tokenName(value: any): string {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') return value.Ref;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return getAtt.join('.');
    if (typeof getAtt === 'string') return getAtt;
    const key = Object.keys(value)[0];
    if (key) return key;
  }
  return 'Token';
}

function segments(value: unknown): Segment[] {
  if (typeof value === 'string') return [{ literal: value }];
  if (typeof value === 'number' || typeof value === 'boolean') return [{ literal: String(value) }];
  if (value && typeof value === 'object') {
    const v = value as any;
    const join = v['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      const out: Segment[] = [];
      join[1].forEach((part: unknown, i: number) => {
        if (i > 0 && join[0] !== '') out.push({ literal: join[0] });
        out.push(...segments(part));
      });
      return out;
    }
    const sub = v['Fn::Sub'];
    if (typeof sub === 'string') return subSegments(sub, {});
    if (Array.isArray(sub) && typeof sub[0] === 'string') return subSegments(sub[0], sub[1] ?? {});
  }
  return [{ token: tokenName(value) }];
}

function subSegments(template: string, variables: { [name: string]: unknown }): Segment[] {
  const out: Segment[] = [];
  const pattern = /\$\{(!?)([^}]*)\}/g;
  let last = 0;
  for (let m = pattern.exec(template); m !== null; m = pattern.exec(template)) {
    out.push({ literal: template.slice(last, m.index) });
    if (m[1] === '!') {
      out.push({ literal: '${' + m[2] + '}' });
    } else if (m[2] in variables) {
      out.push(...segments(variables[m[2]]));
    } else {
      out.push({ token: m[2] });
    }
    last = m.index + m[0].length;
  }
  out.push({ literal: template.slice(last) });
  return out;
}

/**
 * A value rendered as a string, with every deploy-time value as a `${Name}` placeholder (`${X}` for
 * `Ref: X`, `${X.Arn}` for `Fn::GetAtt: [X, Arn]`, `${AWS::Partition}` for pseudo parameters).
 * `Fn::Join` and `Fn::Sub` are expanded. Undefined for undefined.
 */
export function renderString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return segments(value)
    .map((s) => ('literal' in s ? s.literal : '${' + s.token + '}'))
    .join('');
}

/**
 * Parses a JSON document that may be assembled from intrinsics (what `Stack.toJsonString` produces, or
 * an `Fn::Sub` template). Deploy-time values become `"${Name}"` placeholders: inside a JSON string they
 * are spliced in, elsewhere (a number or boolean position) they become a string of their own.
 * Throws when the result is not JSON.
 */
export function parseJsonDocument(value: unknown): any {
  let text = '';
  let inString = false;
  let escaped = false;
  for (const s of segments(value)) {
    if ('token' in s) {
      const placeholder = '${' + s.token.replace(/["\\]/g, '') + '}';
      text += inString ? placeholder : `"${placeholder}"`;
      continue;
    }
    for (const ch of s.literal) {
      text += ch;
      if (escaped) escaped = false;
      else if (inString && ch === '\\') escaped = true;
      else if (ch === '"') inString = !inString;
    }
  }
  return JSON.parse(text);
}

/** True for `true` and `"true"` (any case). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** True when a value is present (not undefined, null or an empty string). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** A list property as an array (CloudFormation lists may be absent). */
export function asArray(value: unknown): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A literal number (numbers and numeric strings), or undefined for anything else (tokens included). */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** A literal string without deploy-time values, or undefined. */
export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}
