/**
 * OTEL_RESOURCE_ATTRIBUTES: `key=value` pairs separated by commas, values percent-encoded
 * (https://opentelemetry.io/docs/specs/otel/resource/sdk/#specifying-resource-information-via-an-environment-variable).
 * The SDK's env detector drops the whole list when one entry is malformed, silently; here each
 * bad entry is skipped with a warning and the good ones are kept.
 */
export function parseResourceAttributes(raw: string | undefined): { attributes: Record<string, string>; warnings: string[] } {
  const attributes: Record<string, string> = {};
  const warnings: string[] = [];
  if (raw === undefined || raw.trim() === '') return { attributes, warnings };
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const separator = entry.indexOf('=');
    const key = separator === -1 ? '' : entry.slice(0, separator).trim();
    if (key === '') {
      warnings.push(`OTEL_RESOURCE_ATTRIBUTES entry "${entry}" is not key=value; it is ignored.`);
      continue;
    }
    const value = entry.slice(separator + 1).trim();
    try {
      attributes[key] = decodeURIComponent(value);
    } catch {
      warnings.push(`OTEL_RESOURCE_ATTRIBUTES value of "${key}" is not valid percent-encoding; it is used as written.`);
      attributes[key] = value;
    }
  }
  return { attributes, warnings };
}
