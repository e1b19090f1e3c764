/**
 * Who may call what, outside policy documents: API Gateway method and route authorization, Lambda function
 * URLs, Lambda (layer) permissions, and S3 public access settings.
 */
import { Broadening } from './findings';
import { asList, CfnValue, renderValue, stableStringify } from './render';
import { CfnResource, CfnTemplate } from './template';

type Props = Record<string, unknown>;

/** The authorization of an API Gateway REST method or HTTP/WebSocket route. */
interface Authorization {
  readonly type: string;
  readonly authorizer: string;
  readonly apiKey: boolean;
  readonly scopes: string[];
}

function authorizationOf(p: Props): Authorization {
  const type = p.AuthorizationType === undefined ? 'NONE' : renderValue(p.AuthorizationType).toUpperCase();
  return {
    type,
    authorizer: p.AuthorizerId === undefined ? '' : renderValue(p.AuthorizerId),
    apiKey: p.ApiKeyRequired === true || p.ApiKeyRequired === 'true',
    scopes: asList(p.AuthorizationScopes).map(renderValue).sort(),
  };
}

/** CORS preflight methods answered by a MOCK integration carry no data; they are open by design. */
function isCorsPreflight(r: CfnResource): boolean {
  const p = r.Properties ?? {};
  const integration = p.Integration as Props | undefined;
  return r.Type === 'AWS::ApiGateway::Method' && p.HttpMethod === 'OPTIONS' && integration?.Type === 'MOCK';
}

function routeName(r: CfnResource): string {
  const p = r.Properties ?? {};
  if (r.Type === 'AWS::ApiGateway::Method') return `${renderValue(p.HttpMethod)} ${renderValue(p.ResourceId)}`;
  return `route ${renderValue(p.RouteKey)}`;
}

function authBroadenings(id: string, r: CfnResource, old: CfnResource | undefined): Broadening[] {
  if (isCorsPreflight(r)) return [];
  const now = authorizationOf(r.Properties ?? {});
  const name = routeName(r);
  const base = { kind: 'auth' as const, logicalId: id, resourceType: r.Type };
  if (!old || old.Type !== r.Type) {
    return now.type === 'NONE' && !now.apiKey ? [{ ...base, description: `${name} accepts unauthenticated calls (AuthorizationType NONE)` }] : [];
  }
  const was = authorizationOf(old.Properties ?? {});
  const out: Broadening[] = [];
  if (was.type !== now.type) {
    out.push({
      ...base,
      description: now.type === 'NONE'
        ? `${name}: AuthorizationType ${was.type} removed, the method accepts unauthenticated calls`
        : `${name}: AuthorizationType changed from ${was.type} to ${now.type}`,
    });
  } else if (was.authorizer !== now.authorizer) {
    out.push({ ...base, description: now.authorizer ? `${name}: authorizer changed from ${was.authorizer} to ${now.authorizer}` : `${name}: authorizer ${was.authorizer} removed` });
  }
  if (was.apiKey && !now.apiKey) out.push({ ...base, description: `${name}: API key no longer required` });
  const addedScopes = was.scopes.length > 0 ? now.scopes.filter((s) => !was.scopes.includes(s)) : [];
  if (was.scopes.length > 0 && now.scopes.length === 0) out.push({ ...base, description: `${name}: authorization scopes ${was.scopes.join(', ')} removed` });
  else if (addedScopes.length > 0) out.push({ ...base, description: `${name}: tokens with scope ${addedScopes.join(', ')} are now accepted` });
  return out;
}

function functionUrlBroadening(id: string, r: CfnResource, old: CfnResource | undefined): Broadening[] {
  const now = renderValue(r.Properties?.AuthType);
  if (now !== 'NONE') return [];
  const was = old?.Type === r.Type ? renderValue(old.Properties?.AuthType) : undefined;
  if (was === 'NONE') return [];
  return [{
    kind: 'auth', logicalId: id, resourceType: r.Type,
    description: `function URL of ${renderValue(r.Properties?.TargetFunctionArn)} accepts unauthenticated calls (AuthType NONE${was ? `, was ${was}` : ''})`,
  }];
}

const PERMISSION_FIELDS = ['Action', 'Principal', 'SourceArn', 'SourceAccount', 'PrincipalOrgID', 'FunctionUrlAuthType', 'EventSourceToken', 'InvokedViaFunctionUrl'];

function permissionKey(r: CfnResource): string | undefined {
  const p = r.Properties ?? {};
  if (r.Type === 'AWS::Lambda::Permission') {
    return stableStringify([r.Type, renderValue(p.FunctionName), ...PERMISSION_FIELDS.map((f) => (p[f] === undefined ? null : renderValue(p[f])))]);
  }
  if (r.Type === 'AWS::Lambda::LayerVersionPermission') {
    return stableStringify([r.Type, renderValue(p.LayerVersionArn), renderValue(p.Action), renderValue(p.Principal), p.OrganizationId === undefined ? null : renderValue(p.OrganizationId)]);
  }
  return undefined;
}

function describePermission(r: CfnResource): string {
  const p = r.Properties ?? {};
  if (r.Type === 'AWS::Lambda::LayerVersionPermission') {
    return `${renderValue(p.Principal)} may ${renderValue(p.Action)} on layer ${renderValue(p.LayerVersionArn)}${p.OrganizationId ? ` (organization ${renderValue(p.OrganizationId)})` : ''}`;
  }
  const conditions = [
    p.SourceArn !== undefined ? `source ${renderValue(p.SourceArn)}` : '',
    p.SourceAccount !== undefined ? `account ${renderValue(p.SourceAccount)}` : '',
    p.PrincipalOrgID !== undefined ? `organization ${renderValue(p.PrincipalOrgID)}` : '',
  ].filter(Boolean);
  const unauthenticated = p.FunctionUrlAuthType === 'NONE' ? ' through its function URL without authentication (FunctionUrlAuthType NONE)' : '';
  return `${renderValue(p.Principal)} may ${renderValue(p.Action)} ${renderValue(p.FunctionName)}${unauthenticated}${conditions.length ? ` (${conditions.join(', ')})` : ' from any source'}`;
}

/** Lambda permissions of the current template whose principal, action, function and source the baseline had no permission for. */
export function lambdaPermissionBroadenings(baseline: CfnTemplate, current: CfnTemplate): Broadening[] {
  const before = new Set(Object.values(baseline.Resources ?? {}).map(permissionKey).filter((k): k is string => !!k));
  const out: Broadening[] = [];
  for (const [id, r] of Object.entries(current.Resources ?? {})) {
    const key = permissionKey(r);
    if (key && !before.has(key)) out.push({ kind: 'lambda-permission', logicalId: id, resourceType: r.Type, description: describePermission(r) });
  }
  return out;
}

const PUBLIC_ACCESS_FLAGS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];
const PUBLIC_ACLS = new Set(['PublicRead', 'PublicReadWrite', 'AuthenticatedRead']);

function flagOn(config: CfnValue, flag: string): boolean {
  const v = (config as Props | undefined)?.[flag];
  return v === true || v === 'true';
}

function publicAccessBroadenings(id: string, r: CfnResource, old: CfnResource | undefined): Broadening[] {
  const base = { kind: 'public-access' as const, logicalId: id, resourceType: r.Type };
  const now = r.Properties?.PublicAccessBlockConfiguration;
  const was = old?.Type === r.Type ? old.Properties?.PublicAccessBlockConfiguration : undefined;
  const out: Broadening[] = [];
  const turnedOff = PUBLIC_ACCESS_FLAGS.filter((f) => (old ? flagOn(was, f) : now !== undefined) && !flagOn(now, f));
  if (turnedOff.length > 0) {
    out.push({ ...base, description: `public access block: ${turnedOff.join(', ')} ${old ? 'turned off' : 'off'}` });
  }
  const acl = renderValue(r.Properties?.AccessControl);
  const oldAcl = old?.Type === r.Type ? renderValue(old.Properties?.AccessControl) : '';
  if (PUBLIC_ACLS.has(acl) && acl !== oldAcl) out.push({ ...base, description: `canned ACL ${acl}` });
  return out;
}

/** Authorization, function URL, Lambda permission and S3 public access changes that let more callers in. */
export function accessBroadenings(baseline: CfnTemplate, current: CfnTemplate): Broadening[] {
  const before = baseline.Resources ?? {};
  const out: Broadening[] = [];
  for (const [id, r] of Object.entries(current.Resources ?? {})) {
    const old = before[id];
    switch (r.Type) {
      case 'AWS::ApiGateway::Method':
      case 'AWS::ApiGatewayV2::Route':
        out.push(...authBroadenings(id, r, old));
        break;
      case 'AWS::Lambda::Url':
        out.push(...functionUrlBroadening(id, r, old));
        break;
      case 'AWS::S3::Bucket':
        out.push(...publicAccessBroadenings(id, r, old));
        break;
      default:
        break;
    }
  }
  return [...out, ...lambdaPermissionBroadenings(baseline, current)];
}
