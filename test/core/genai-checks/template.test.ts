import { parseJsonDocument, renderString } from '../../../lib/core/genai-checks/private/template';

describe('reading intrinsics', () => {
  test('renderString expands Fn::Join and Fn::Sub, with placeholders for deploy-time values', () => {
    expect(renderString('plain')).toBe('plain');
    expect(renderString(undefined)).toBeUndefined();
    expect(renderString({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] })).toBe('arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess');
    expect(renderString({ 'Fn::Join': ['/', ['endpoint', { 'Fn::GetAtt': ['Ep', 'EndpointName'] }, 'variant', 'A']] })).toBe('endpoint/${Ep.EndpointName}/variant/A');
    expect(renderString({ 'Fn::Sub': 'endpoint/${Name}/x/${!Literal}' })).toBe('endpoint/${Name}/x/${Literal}');
    expect(renderString({ 'Fn::Sub': ['a-${X}-${Y}', { X: 'one', Y: { Ref: 'P' } }] })).toBe('a-one-${P}');
    expect(renderString({ 'Fn::ImportValue': 'exp' })).toBe('${Fn::ImportValue}');
  });

  test('parseJsonDocument splices tokens into strings and quotes them elsewhere', () => {
    const body = { 'Fn::Join': ['', ['{"Arn":"arn:', { Ref: 'AWS::Partition' }, ':x","Count":', { Ref: 'Count' }, ',"Esc":"a\\"', { Ref: 'Q' }, '"}']] };
    expect(parseJsonDocument(body)).toEqual({ Arn: 'arn:${AWS::Partition}:x', Count: '${Count}', Esc: 'a"${Q}' });
  });

  test('parseJsonDocument reads plain strings and Fn::Sub templates, and throws on anything that is not JSON', () => {
    expect(parseJsonDocument('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonDocument({ 'Fn::Sub': '{"a":${N},"b":"${S}"}' })).toEqual({ a: '${N}', b: '${S}' });
    expect(() => parseJsonDocument('{nope')).toThrow();
  });
});
