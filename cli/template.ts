/**
 * CloudFormation templates as genai-diff reads them, and the resource-level comparison of two of them
 * (what a PR reviewer sees as added, removed and changed).
 */
import { deepEqual } from './render';

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly [other: string]: unknown;
}

/** A CloudFormation template; every section is optional. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, unknown>;
  readonly Rules?: Record<string, unknown>;
  readonly [other: string]: unknown;
}

/** The template of a stack that has no baseline yet. */
export const EMPTY_TEMPLATE: CfnTemplate = { Resources: {} };

/** A resource that exists on one side only. */
export interface ResourceRef {
  readonly logicalId: string;
  readonly type: string;
}

/** A resource that exists on both sides and differs. */
export interface ResourceChange extends ResourceRef {
  /** The type in the baseline, when the type itself changed (CloudFormation replaces the resource). */
  readonly previousType?: string;
  /** Top-level properties that differ (added, removed or changed), sorted. */
  readonly properties: string[];
  /** Resource attributes that differ (`DependsOn`, `DeletionPolicy`, `Condition` ...), sorted. */
  readonly attributes: string[];
}

/** What changed in one stack's resources and other sections. */
export interface ResourceDiff {
  readonly added: ResourceRef[];
  readonly removed: ResourceRef[];
  readonly changed: ResourceChange[];
  /** Other template sections (Parameters, Outputs, Conditions, Mappings, Rules) whose content changed. */
  readonly otherSections: string[];
}

/** CDK's usage analytics resource changes with the constructs used; it deploys nothing of the app's. */
const CDK_METADATA = 'AWS::CDK::Metadata';
const SECTIONS = ['Parameters', 'Outputs', 'Conditions', 'Mappings', 'Rules'] as const;
/** Metadata changes with every asset hash and construct-path tweak; it does not change what is deployed. */
const IGNORED_ATTRIBUTES = new Set(['Type', 'Properties', 'Metadata']);

function changedKeys(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined, ignore = new Set<string>()): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].filter((k) => !ignore.has(k) && !deepEqual(a?.[k], b?.[k])).sort();
}

/** Compares the resources (and the other sections) of a baseline template with the current one. */
export function diffResources(baseline: CfnTemplate, current: CfnTemplate): ResourceDiff {
  const before = baseline.Resources ?? {};
  const after = current.Resources ?? {};
  const added: ResourceRef[] = [];
  const removed: ResourceRef[] = [];
  const changed: ResourceChange[] = [];
  for (const [logicalId, r] of Object.entries(after)) {
    if (r.Type === CDK_METADATA) continue;
    const old = before[logicalId];
    if (!old) {
      added.push({ logicalId, type: r.Type });
      continue;
    }
    const properties = changedKeys(old.Properties, r.Properties);
    const attributes = changedKeys(old as Record<string, unknown>, r as Record<string, unknown>, IGNORED_ATTRIBUTES);
    if (old.Type !== r.Type || properties.length > 0 || attributes.length > 0) {
      changed.push({ logicalId, type: r.Type, ...(old.Type !== r.Type ? { previousType: old.Type } : {}), properties, attributes });
    }
  }
  for (const [logicalId, r] of Object.entries(before)) {
    if (!after[logicalId] && r.Type !== CDK_METADATA) removed.push({ logicalId, type: r.Type });
  }
  const otherSections = SECTIONS.filter((s) => !deepEqual(baseline[s] ?? {}, current[s] ?? {}));
  const byId = (x: ResourceRef, y: ResourceRef) => (x.logicalId < y.logicalId ? -1 : x.logicalId > y.logicalId ? 1 : 0);
  return { added: added.sort(byId), removed: removed.sort(byId), changed: changed.sort(byId), otherSections };
}
