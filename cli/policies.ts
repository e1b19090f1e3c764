/**
 * IAM policy documents (identity, trust and resource policies) broken into atoms, one per
 * principal × action × resource of each statement, so that two templates can be compared by what they allow
 * rather than by how the statements happen to be grouped.
 */
import { Broadening, BroadeningKind } from './findings';
import { asList, CfnValue, referencedLogicalId, renderValue, stableStringify } from './render';
import { CfnResource, CfnTemplate } from './template';

/** One principal × action × resource of a policy statement. */
export interface PolicyAtom {
  readonly kind: Extract<BroadeningKind, 'iam-statement' | 'trust-policy' | 'resource-policy'>;
  readonly effect: 'Allow' | 'Deny';
  /** Where the atom applies: `identity` for identity policies, otherwise the policy's owner. */
  readonly scope: string;
  /** `role:${Role}` for identity policies; `AWS:...`, `Service:...` (or `NOT:...`) for resource policies. */
  readonly principal: string;
  /** The action as written (`NOT:[...]` for NotAction). */
  readonly action: string;
  /** The resource as rendered (`NOT:[...]` for NotResource, empty when the statement has none). */
  readonly resource: string;
  /** The statement's condition as stable JSON, empty when it has none. */
  readonly condition: string;
  /** The condition for a person to read (`aws:SourceAccount StringEquals ${AWS::AccountId}`). */
  readonly conditionText: string;
  /** The statement's position in its document, to report each statement on its own. */
  readonly statement: number;
  /** Logical ids the atom only exists with (the role or the resource owning the policy). */
  readonly anchors: string[];
  /** The resource that holds the statement, and a short label of which policy it is. */
  readonly logicalId: string;
  readonly resourceType: string;
  readonly label: string;
}

/** A policy document found in a template, with whom it applies to. */
interface FoundDocument {
  readonly kind: PolicyAtom['kind'];
  readonly document: CfnValue;
  readonly scope: string;
  /** For identity policies: the identities it is attached to. */
  readonly identities?: string[];
  readonly anchors: string[];
  readonly logicalId: string;
  readonly resourceType: string;
  readonly label: string;
}

/** Resource policies that live in a resource of their own, naming the resources they protect. */
const DETACHED_RESOURCE_POLICIES: Record<string, { document: string; owners: string[]; label: string }> = {
  'AWS::S3::BucketPolicy': { document: 'PolicyDocument', owners: ['Bucket'], label: 'bucket policy' },
  'AWS::S3Express::BucketPolicy': { document: 'PolicyDocument', owners: ['Bucket'], label: 'bucket policy' },
  'AWS::SQS::QueuePolicy': { document: 'PolicyDocument', owners: ['Queues'], label: 'queue policy' },
  'AWS::SQS::QueueInlinePolicy': { document: 'PolicyDocument', owners: ['Queue'], label: 'queue policy' },
  'AWS::SNS::TopicPolicy': { document: 'PolicyDocument', owners: ['Topics'], label: 'topic policy' },
  'AWS::SNS::TopicInlinePolicy': { document: 'PolicyDocument', owners: ['TopicArn'], label: 'topic policy' },
  'AWS::SecretsManager::ResourcePolicy': { document: 'ResourcePolicy', owners: ['SecretId'], label: 'secret policy' },
  'AWS::Logs::ResourcePolicy': { document: 'PolicyDocument', owners: ['PolicyName'], label: 'CloudWatch Logs resource policy' },
  'AWS::Events::EventBusPolicy': { document: 'Statement', owners: ['EventBusName'], label: 'event bus policy' },
  'AWS::OpenSearchServerless::AccessPolicy': { document: 'Policy', owners: ['Name'], label: 'access policy' },
};

const IDENTITY_TYPES: Record<string, string> = { 'AWS::IAM::Role': 'role', 'AWS::IAM::User': 'user', 'AWS::IAM::Group': 'group' };
const ATTACHMENT_PROPS: Array<[string, string]> = [['Roles', 'role'], ['Users', 'user'], ['Groups', 'group']];

/** A policy given as a JSON string (Logs resource policies, some L1 properties) parsed, else as it is. */
function parseDocument(doc: CfnValue): CfnValue {
  if (typeof doc === 'string' && doc.trim().startsWith('{')) {
    try {
      return JSON.parse(doc);
    } catch {
      return doc;
    }
  }
  return doc;
}

/** A policy document: a `Statement` whose entries all have an `Effect` (WAF rules also have a `Statement`). */
function looksLikePolicy(value: CfnValue): boolean {
  const v = parseDocument(value);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const statements = asList((v as Record<string, unknown>).Statement);
  return statements.length > 0 && statements.every((s) => s !== null && typeof s === 'object' && 'Effect' in (s as object));
}

function identity(prefix: string, value: CfnValue): string {
  return `${prefix}:${renderValue(value)}`;
}

/** Identity policies, trust policies and resource policies of a template. */
function findDocuments(template: CfnTemplate): FoundDocument[] {
  const resources = template.Resources ?? {};
  const found: FoundDocument[] = [];
  // Which identities of the template attach each in-template managed policy (by Ref in ManagedPolicyArns).
  const managedAttachments = new Map<string, string[]>();
  for (const [id, r] of Object.entries(resources)) {
    const prefix = IDENTITY_TYPES[r.Type];
    if (!prefix) continue;
    for (const arn of asList(r.Properties?.ManagedPolicyArns)) {
      const target = referencedLogicalId(arn);
      if (target && resources[target]?.Type === 'AWS::IAM::ManagedPolicy') {
        managedAttachments.set(target, [...(managedAttachments.get(target) ?? []), identity(prefix, { Ref: id })]);
      }
    }
  }

  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    const base = { logicalId: id, resourceType: r.Type };
    const prefix = IDENTITY_TYPES[r.Type];
    if (prefix) {
      const self = identity(prefix, { Ref: id });
      asList(p.Policies).forEach((policy, i) => {
        const name = (policy as Record<string, unknown>)?.PolicyName;
        found.push({
          ...base, kind: 'iam-statement', document: (policy as Record<string, unknown>)?.PolicyDocument, scope: 'identity',
          identities: [self], anchors: [id], label: `inline policy ${name !== undefined ? renderValue(name) : `#${i}`}`,
        });
      });
      if (r.Type === 'AWS::IAM::Role' && p.AssumeRolePolicyDocument !== undefined) {
        found.push({ ...base, kind: 'trust-policy', document: p.AssumeRolePolicyDocument, scope: `trust:${id}`, anchors: [id], label: 'trust policy' });
      }
      continue;
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      const identities = ATTACHMENT_PROPS.flatMap(([prop, pre]) => asList(p[prop]).map((v) => identity(pre, v)));
      if (r.Type === 'AWS::IAM::ManagedPolicy') identities.push(...(managedAttachments.get(id) ?? []));
      const attached = identities.length > 0 ? identities : [`managed-policy:\${${id}}`];
      found.push({
        ...base, kind: 'iam-statement', document: p.PolicyDocument, scope: 'identity', identities: attached,
        anchors: [], label: '',
      });
      continue;
    }
    if (r.Type === 'AWS::IAM::RolePolicy' || r.Type === 'AWS::IAM::UserPolicy' || r.Type === 'AWS::IAM::GroupPolicy') {
      const [prop, pre] = r.Type === 'AWS::IAM::RolePolicy' ? ['RoleName', 'role'] : r.Type === 'AWS::IAM::UserPolicy' ? ['UserName', 'user'] : ['GroupName', 'group'];
      found.push({
        ...base, kind: 'iam-statement', document: p.PolicyDocument, scope: 'identity', identities: [identity(pre, p[prop])],
        anchors: [], label: `inline policy ${renderValue(p.PolicyName)}`,
      });
      continue;
    }
    const detached = DETACHED_RESOURCE_POLICIES[r.Type];
    if (detached) {
      const owners = detached.owners.flatMap((o) => asList(p[o]));
      let document = parseDocument(p[detached.document]);
      // EventBusPolicy: one statement, or the older Action/Principal form.
      if (r.Type === 'AWS::Events::EventBusPolicy') {
        document = p.Statement !== undefined
          ? { Statement: [p.Statement] }
          : { Statement: [{ Effect: 'Allow', Action: p.Action, Principal: { AWS: p.Principal }, Condition: p.Condition }] };
      }
      for (const owner of owners.length > 0 ? owners : [{ Ref: id }]) {
        const ownerId = referencedLogicalId(owner);
        found.push({
          ...base, kind: 'resource-policy', document, scope: `${r.Type}:${renderValue(owner)}`,
          anchors: ownerId ? [ownerId] : [], label: `${detached.label} of ${renderValue(owner)}`,
        });
      }
      continue;
    }
    // Any other resource: every property (at any depth) that holds a policy document is a resource policy
    // of that resource (KMS key policies, ECR repository policies, API Gateway REST API policies, VPC
    // endpoint policies, OpenSearch access policies ...).
    const walk = (value: CfnValue, path: string) => {
      if (looksLikePolicy(value)) {
        found.push({ ...base, kind: 'resource-policy', document: parseDocument(value), scope: `${r.Type}:${id}:${path}`, anchors: [id], label: path });
        return;
      }
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (!k.startsWith('Fn::')) walk(v, path ? `${path}.${k}` : k);
        }
      }
    };
    walk(p, '');
  }
  return found;
}

function principalsOf(statement: Record<string, unknown>): string[] {
  if (statement.NotPrincipal !== undefined) return [`NOT:${stableStringify(statement.NotPrincipal)}`];
  const principal = statement.Principal;
  if (principal === undefined) return [''];
  if (principal === '*') return ['AWS:*'];
  if (principal === null || typeof principal !== 'object' || Array.isArray(principal) || referencedLogicalId(principal) || Object.keys(principal).some((k) => k.startsWith('Fn::'))) {
    return [`AWS:${renderValue(principal)}`];
  }
  return Object.entries(principal as Record<string, unknown>).flatMap(([type, values]) => asList(values).map((v) => `${type}:${renderValue(v)}`));
}

function fieldAtoms(statement: Record<string, unknown>, field: string, notField: string, lower: boolean): string[] {
  if (statement[notField] !== undefined) {
    const values = asList(statement[notField]).map(renderValue).map((v) => (lower ? v.toLowerCase() : v)).sort();
    return [`NOT:${JSON.stringify(values)}`];
  }
  const values = asList(statement[field]).map((v) => (typeof v === 'string' ? v : renderValue(v)));
  return values.length > 0 ? values : [''];
}

/** Condition blocks as stable JSON, with the values of each condition key sorted (they are sets). */
function canonicalCondition(condition: CfnValue): string {
  if (condition === undefined || condition === null) return '';
  if (typeof condition !== 'object' || Array.isArray(condition)) return stableStringify(condition);
  const sorted: Record<string, unknown> = {};
  for (const [operator, keys] of Object.entries(condition as Record<string, unknown>)) {
    if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) {
      sorted[operator] = keys;
      continue;
    }
    const inner: Record<string, unknown> = {};
    for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
      inner[key] = Array.isArray(values) ? values.map(stableStringify).sort() : stableStringify(values);
    }
    sorted[operator] = inner;
  }
  return stableStringify(sorted);
}

function conditionText(condition: CfnValue): string {
  if (condition === undefined || condition === null) return '';
  if (typeof condition !== 'object' || Array.isArray(condition)) return renderValue(condition);
  const parts: string[] = [];
  for (const [operator, keys] of Object.entries(condition as Record<string, unknown>)) {
    if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) {
      parts.push(`${operator} ${renderValue(keys)}`);
      continue;
    }
    for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
      parts.push(`${key} ${operator} ${asList(values).map(renderValue).join(' | ')}`);
    }
  }
  return parts.join(' and ');
}

/** Every atom of every policy document in the template. */
export function policyAtoms(template: CfnTemplate): PolicyAtom[] {
  const atoms: PolicyAtom[] = [];
  for (const doc of findDocuments(template)) {
    const document = parseDocument(doc.document);
    if (document === null || typeof document !== 'object' || Array.isArray(document)) continue;
    const statements = asList((document as Record<string, unknown>).Statement);
    statements.forEach((raw, statementIndex) => {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
      const statement = raw as Record<string, unknown>;
      const effect = statement.Effect === 'Deny' ? 'Deny' : 'Allow';
      const principals = doc.identities ?? principalsOf(statement);
      const actions = fieldAtoms(statement, 'Action', 'NotAction', true);
      const resources = fieldAtoms(statement, 'Resource', 'NotResource', false);
      const condition = canonicalCondition(statement.Condition);
      const readableCondition = conditionText(statement.Condition);
      for (const principal of principals) {
        const anchors = [...doc.anchors];
        const identityId = doc.identities ? referencedLogicalId(principalValue(principal)) : undefined;
        if (identityId) anchors.push(identityId);
        for (const action of actions) {
          for (const resource of resources) {
            atoms.push({
              kind: doc.kind, effect, scope: doc.scope, principal, action, resource, condition, anchors,
              conditionText: readableCondition, statement: statementIndex, logicalId: doc.logicalId, resourceType: doc.resourceType, label: doc.label,
            });
          }
        }
      }
    });
  }
  return atoms;
}

/** `role:${X}` back to `{ Ref: X }` so that anchors can be found. */
function principalValue(principal: string): CfnValue {
  const m = /^(?:role|user|group):\$\{([^.}]+)\}$/.exec(principal);
  return m ? { Ref: m[1] } : undefined;
}

/** IAM wildcard match: `*` is any run of characters and `?` any one character. */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === value) return true;
  if (!pattern.includes('*') && !pattern.includes('?')) return ignoreCase && pattern.toLowerCase() === value.toLowerCase();
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = GLOBS.get(key);
  if (!re) {
    const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
    re = new RegExp(`^${source}$`, ignoreCase ? 'si' : 's');
    GLOBS.set(key, re);
  }
  return re.test(value);
}
const GLOBS = new Map<string, RegExp>();

function patternCovers(broad: string, narrow: string, ignoreCase: boolean): boolean {
  if (broad === '*') return true;
  // NotAction / NotResource are only compared as written: a pattern in them works the other way round.
  if (broad.startsWith('NOT:') || narrow.startsWith('NOT:')) return broad === narrow;
  return globMatches(broad, narrow, ignoreCase);
}

function principalCovers(broad: string, narrow: string): boolean {
  return broad === narrow || broad === 'AWS:*' && !narrow.startsWith('NOT:');
}

/** Whether `broad` allows (or denies) at least everything `narrow` does. */
export function atomCovers(broad: PolicyAtom, narrow: PolicyAtom): boolean {
  return broad.scope === narrow.scope
    && broad.effect === narrow.effect
    && principalCovers(broad.principal, narrow.principal)
    && patternCovers(broad.action, narrow.action, true)
    && patternCovers(broad.resource, narrow.resource, false)
    && (broad.condition === '' || broad.condition === narrow.condition);
}

function groupKey(a: PolicyAtom): string {
  return [a.kind, a.logicalId, a.label, a.statement, a.effect, a.condition].join('\u0000');
}

function joinList(values: string[]): string {
  return [...new Set(values)].join(', ');
}

/** "s3:GetObject, s3:PutObject on X; kms:Decrypt on Y": actions that share their resources are listed together. */
function describeActions(group: PolicyAtom[]): string {
  const byAction = new Map<string, string[]>();
  for (const a of group) byAction.set(a.action, [...(byAction.get(a.action) ?? []), a.resource]);
  const byResources = new Map<string, string[]>();
  for (const [action, resources] of byAction) {
    const key = joinList(resources.filter((r) => r !== '').sort());
    byResources.set(key, [...(byResources.get(key) ?? []), action]);
  }
  return [...byResources].map(([resources, actions]) => `${joinList(actions)}${resources ? ` on ${resources}` : ''}`).join('; ');
}

function describe(atoms: PolicyAtom[], removedDeny: boolean): Broadening[] {
  const groups = new Map<string, PolicyAtom[]>();
  for (const a of atoms) groups.set(groupKey(a), [...(groups.get(groupKey(a)) ?? []), a]);
  return [...groups.values()].map((group) => {
    const a = group[0];
    const who = joinList(group.map((g) => g.principal).filter((p) => p !== ''));
    const text = `${a.effect} ${describeActions(group)}${who ? ` for ${who}` : ''}${a.conditionText ? ` when ${a.conditionText}` : ''}`;
    const where = a.label ? `${a.label}: ` : '';
    return {
      kind: a.kind,
      logicalId: a.logicalId,
      resourceType: a.resourceType,
      description: removedDeny ? `${where}${text} no longer applies (removed or narrowed)` : `${where}${text}`,
    };
  });
}

/**
 * The policy changes that broaden security: an Allow atom of the current template that no Allow atom of the
 * baseline covers, and a Deny atom of the baseline that no Deny atom of the current template covers (unless
 * the role or resource it protected is gone).
 */
export function policyBroadenings(baseline: CfnTemplate, current: CfnTemplate): Broadening[] {
  const before = policyAtoms(baseline);
  const after = policyAtoms(current);
  // Only atoms of the same scope and effect, with the same principal or AWS:*, can cover each other.
  const bucketKey = (a: PolicyAtom, principal: string) => `${a.scope}\u0000${a.effect}\u0000${principal}`;
  const index = (atoms: PolicyAtom[]) => {
    const m = new Map<string, PolicyAtom[]>();
    for (const a of atoms) {
      const k = bucketKey(a, a.principal);
      const list = m.get(k);
      if (list) list.push(a);
      else m.set(k, [a]);
    }
    return m;
  };
  const covered = (m: Map<string, PolicyAtom[]>, a: PolicyAtom) => [a.principal, 'AWS:*']
    .some((p) => (m.get(bucketKey(a, p)) ?? []).some((b) => atomCovers(b, a)));
  const beforeIndex = index(before);
  const afterIndex = index(after);

  const newAllows = after.filter((a) => a.effect === 'Allow' && !covered(beforeIndex, a));
  const currentIds = new Set(Object.keys(current.Resources ?? {}));
  const lostDenies = before.filter((b) => b.effect === 'Deny' && b.anchors.every((id) => currentIds.has(id)) && !covered(afterIndex, b));
  return [...describe(newAllows, false), ...describe(lostDenies, true)];
}

/** Managed policies attached from outside the template (AWS-managed or another stack's), per identity. */
function externalAttachments(template: CfnTemplate): Map<string, { logicalId: string; resourceType: string; identity: string; arn: string }> {
  const resources = template.Resources ?? {};
  const out = new Map<string, { logicalId: string; resourceType: string; identity: string; arn: string }>();
  for (const [id, r] of Object.entries(resources)) {
    const prefix = IDENTITY_TYPES[r.Type];
    if (!prefix) continue;
    for (const arn of asList(r.Properties?.ManagedPolicyArns)) {
      const target = referencedLogicalId(arn);
      if (target && resources[target]?.Type === 'AWS::IAM::ManagedPolicy') continue; // its statements are compared instead
      const who = identity(prefix, { Ref: id });
      const rendered = renderValue(arn);
      out.set(`${who}\u0000${rendered}`, { logicalId: id, resourceType: r.Type, identity: who, arn: rendered });
    }
  }
  return out;
}

/** Managed policies newly attached from outside the template, and permissions boundaries removed or replaced. */
export function attachmentBroadenings(baseline: CfnTemplate, current: CfnTemplate): Broadening[] {
  const out: Broadening[] = [];
  const before = externalAttachments(baseline);
  for (const [key, a] of externalAttachments(current)) {
    if (!before.has(key)) {
      out.push({ kind: 'managed-policy', logicalId: a.logicalId, resourceType: a.resourceType, description: `${a.identity} gets managed policy ${a.arn}` });
    }
  }
  const old = baseline.Resources ?? {};
  for (const [id, r] of Object.entries(current.Resources ?? {})) {
    if (r.Type !== 'AWS::IAM::Role' && r.Type !== 'AWS::IAM::User') continue;
    const was: CfnResource | undefined = old[id];
    const boundaryBefore = was?.Type === r.Type ? was.Properties?.PermissionsBoundary : undefined;
    const boundaryNow = r.Properties?.PermissionsBoundary;
    if (boundaryBefore === undefined || stableStringify(boundaryBefore) === stableStringify(boundaryNow)) continue;
    out.push({
      kind: 'permissions-boundary', logicalId: id, resourceType: r.Type,
      description: boundaryNow === undefined
        ? `permissions boundary ${renderValue(boundaryBefore)} removed`
        : `permissions boundary changed from ${renderValue(boundaryBefore)} to ${renderValue(boundaryNow)}`,
    });
  }
  return out;
}
