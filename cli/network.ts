/**
 * Security group rules (inline in `AWS::EC2::SecurityGroup` and standalone `SecurityGroupIngress` /
 * `SecurityGroupEgress` resources) and which of them allow traffic that no rule of the baseline allowed.
 */
import { Broadening } from './findings';
import { asList, CfnValue, referencedLogicalId, renderValue } from './render';
import { CfnTemplate } from './template';

/** One rule of one security group. */
export interface SecurityGroupRule {
  /** The group: its logical id when it is in the template, otherwise the rendered group id. */
  readonly group: string;
  readonly direction: 'ingress' | 'egress';
  /** `-1` (all), a protocol number, or the rendered value when it is not a literal. */
  readonly protocol: string;
  /** Port (or ICMP type/code) range; undefined when a bound is not a literal. */
  readonly ports?: [number, number];
  /** The ports as written, for display and for comparing non-literal ranges. */
  readonly portText: string;
  /** `cidr:`, `cidr6:`, `sg:`, `prefix-list:` or `sg-name:` followed by the peer. */
  readonly peer: string;
  readonly logicalId: string;
  readonly resourceType: string;
}

const PROTOCOLS: Record<string, string> = { 'tcp': '6', 'udp': '17', 'icmp': '1', 'icmpv6': '58', 'all': '-1', '-1': '-1' };
const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', '-1': 'all traffic' };

function groupOf(value: CfnValue): string {
  const id = referencedLogicalId(value);
  return id ?? renderValue(value);
}

function port(value: CfnValue, fallback: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isNaN(n)) return undefined;
  return n === -1 ? fallback : n;
}

function peerOf(rule: Record<string, unknown>, direction: 'ingress' | 'egress'): string {
  if (rule.CidrIp !== undefined) return `cidr:${renderValue(rule.CidrIp)}`;
  if (rule.CidrIpv6 !== undefined) return `cidr6:${renderValue(rule.CidrIpv6)}`;
  const sg = direction === 'ingress' ? rule.SourceSecurityGroupId : rule.DestinationSecurityGroupId;
  if (sg !== undefined) return `sg:${groupOf(sg)}${rule.SourceSecurityGroupOwnerId !== undefined ? `@${renderValue(rule.SourceSecurityGroupOwnerId)}` : ''}`;
  const pl = direction === 'ingress' ? rule.SourcePrefixListId : rule.DestinationPrefixListId;
  if (pl !== undefined) return `prefix-list:${renderValue(pl)}`;
  if (rule.SourceSecurityGroupName !== undefined) return `sg-name:${renderValue(rule.SourceSecurityGroupName)}`;
  return 'unknown:';
}

function makeRule(group: string, direction: 'ingress' | 'egress', rule: Record<string, unknown>, logicalId: string, resourceType: string): SecurityGroupRule {
  const raw = typeof rule.IpProtocol === 'string' || typeof rule.IpProtocol === 'number' ? String(rule.IpProtocol).toLowerCase() : renderValue(rule.IpProtocol);
  const protocol = PROTOCOLS[raw] ?? raw;
  const all = protocol === '-1';
  const from = all ? 0 : port(rule.FromPort, 0);
  const to = all ? 65535 : port(rule.ToPort, 65535);
  const ports: [number, number] | undefined = from !== undefined && to !== undefined ? [from, to] : undefined;
  const portText = all ? '' : ports ? (ports[0] === ports[1] ? `${ports[0]}` : `${ports[0]}-${ports[1]}`) : `${renderValue(rule.FromPort)}-${renderValue(rule.ToPort)}`;
  return { group, direction, protocol, ports, portText, peer: peerOf(rule, direction), logicalId, resourceType };
}

/** Every rule of every security group in the template, including the default allow-all egress rule. */
export function securityGroupRules(template: CfnTemplate): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  const hasEgress = new Set<string>();
  const groups: string[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::EC2::SecurityGroup') {
      groups.push(id);
      for (const rule of asList(p.SecurityGroupIngress)) rules.push(makeRule(id, 'ingress', rule as Record<string, unknown>, id, r.Type));
      for (const rule of asList(p.SecurityGroupEgress)) {
        rules.push(makeRule(id, 'egress', rule as Record<string, unknown>, id, r.Type));
        hasEgress.add(id);
      }
    } else if (r.Type === 'AWS::EC2::SecurityGroupIngress' || r.Type === 'AWS::EC2::SecurityGroupEgress') {
      const direction = r.Type === 'AWS::EC2::SecurityGroupIngress' ? 'ingress' : 'egress';
      const group = groupOf(p.GroupId ?? p.GroupName);
      if (direction === 'egress') hasEgress.add(group);
      rules.push(makeRule(group, direction, p, id, r.Type));
    }
  }
  // A VPC security group without egress rules gets one that allows all outbound traffic.
  for (const id of groups) {
    if (!hasEgress.has(id)) {
      rules.push(makeRule(id, 'egress', { IpProtocol: '-1', CidrIp: '0.0.0.0/0' }, id, 'AWS::EC2::SecurityGroup'));
    }
  }
  return rules;
}

function ipv4(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const start = Math.floor(address / size) * size;
  return [start, start + size - 1];
}

function peerCovers(broad: string, narrow: string): boolean {
  if (broad === narrow) return true;
  if (broad === 'cidr6:::/0') return narrow.startsWith('cidr6:');
  if (broad.startsWith('cidr:') && narrow.startsWith('cidr:')) {
    const b = ipv4(broad.slice(5));
    const n = ipv4(narrow.slice(5));
    return !!b && !!n && b[0] <= n[0] && n[1] <= b[1];
  }
  return false;
}

/** Whether the `broad` rule allows at least all traffic the `narrow` rule does. */
export function ruleCovers(broad: SecurityGroupRule, narrow: SecurityGroupRule): boolean {
  if (broad.group !== narrow.group || broad.direction !== narrow.direction || !peerCovers(broad.peer, narrow.peer)) return false;
  if (broad.protocol === '-1') return true;
  if (broad.protocol !== narrow.protocol) return false;
  if (broad.ports && narrow.ports) return broad.ports[0] <= narrow.ports[0] && narrow.ports[1] <= broad.ports[1];
  return broad.portText === narrow.portText;
}

/** Describes a rule the way a reviewer reads it: "ingress tcp 22 from 0.0.0.0/0 to ${WebSg}". */
export function describeRule(rule: SecurityGroupRule): string {
  const protocol = PROTOCOL_NAMES[rule.protocol] ?? `protocol ${rule.protocol}`;
  const ports = rule.portText ? ` ${rule.protocol === '1' || rule.protocol === '58' ? 'type/code ' : ''}${rule.portText}` : '';
  const peer = rule.peer.replace(/^(cidr6?|sg|prefix-list|sg-name|unknown):/, (_, kind: string) => (kind === 'sg' ? 'security group ' : kind === 'prefix-list' ? 'prefix list ' : kind === 'sg-name' ? 'security group named ' : ''));
  const group = rule.group.startsWith('sg-') || rule.group.includes('${') ? rule.group : `\${${rule.group}}`;
  return rule.direction === 'ingress' ? `ingress ${protocol}${ports} from ${peer} to ${group}` : `egress ${protocol}${ports} from ${group} to ${peer}`;
}

/** The rules of the current template that no rule of the baseline covers. */
export function securityGroupBroadenings(baseline: CfnTemplate, current: CfnTemplate): Broadening[] {
  const before = securityGroupRules(baseline);
  const seen = new Set<string>();
  const out: Broadening[] = [];
  for (const rule of securityGroupRules(current)) {
    if (before.some((b) => ruleCovers(b, rule))) continue;
    const description = describeRule(rule);
    if (seen.has(`${rule.logicalId}\u0000${description}`)) continue;
    seen.add(`${rule.logicalId}\u0000${description}`);
    out.push({ kind: 'security-group-rule', logicalId: rule.logicalId, resourceType: rule.resourceType, description });
  }
  return out;
}
