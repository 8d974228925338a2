/**
 * OTEL_RESOURCE_ATTRIBUTES: `key=value` pairs separated by commas, values percent-encoded
 * (https://opentelemetry.io/docs/specs/otel/resource/sdk/#specifying-resource-information-via-an-environment-variable).
 * The SDK's env detector drops the whole list when one entry is malformed, silently. Here the
 * good entries are kept, and one warning names the variable and the entries left out.
 */
export function parseResourceAttributes(raw: string | undefined): { attributes: Record<string, string>; warnings: string[] } {
  const attributes: Record<string, string> = {};
  const malformed: string[] = [];
  if (raw === undefined || raw.trim() === '') return { attributes, warnings: [] };
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const separator = entry.indexOf('=');
    const key = separator === -1 ? '' : entry.slice(0, separator).trim();
    if (key === '') {
      malformed.push(entry);
      continue;
    }
    const value = entry.slice(separator + 1).trim();
    try {
      attributes[key] = decodeURIComponent(value);
    } catch {
      // Not valid percent-encoding: the value is kept as written rather than lost.
      attributes[key] = value;
    }
  }
  const warnings =
    malformed.length === 0
      ? []
      : [`OTEL_RESOURCE_ATTRIBUTES="${raw}" has entries that are not key=value (${malformed.map((entry) => `"${entry}"`).join(', ')}); they are left out, the other entries are used.`];
  return { attributes, warnings };
}
