/** A key prefix as the lake grants it: no leading `/`, a trailing `/` unless empty. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
