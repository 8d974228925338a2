import { isWellFormedText, percentDecode } from './percent-decode.ts';
import { quoted } from './readers.ts';

/**
 * OTEL_RESOURCE_ATTRIBUTES: `key=value` pairs separated by commas, values percent-encoded
 * (https://opentelemetry.io/docs/specs/otel/resource/sdk/#specifying-resource-information-via-an-environment-variable).
 * The SDK's env detector drops the whole list when one entry is malformed, silently. Here the
 * good entries are kept, and one warning names the variable and the entries left out: those that
 * are not key=value, and those whose value has a malformed percent-escape (`%ZZ`, bytes that are
 * not UTF-8), which would otherwise reach the backend as something the user never wrote.
 */
export function parseResourceAttributes(raw: string | undefined): { attributes: Record<string, string>; warnings: string[] } {
  const attributes: Record<string, string> = {};
  const notKeyValue: string[] = [];
  const badEscapes: string[] = [];
  if (raw === undefined || raw.trim() === '') return { attributes, warnings: [] };
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const separator = entry.indexOf('=');
    const key = separator === -1 ? '' : entry.slice(0, separator).trim();
    if (key === '') {
      // Shown as written: resource attributes are sent to the backend anyway, they hold no secret.
      notKeyValue.push(entry.trim());
      continue;
    }
    const value = percentDecode(entry.slice(separator + 1).trim());
    if (value === undefined || !isWellFormedText(value)) {
      badEscapes.push(key);
      continue;
    }
    attributes[key] = value;
  }
  const problems = [
    ...(notKeyValue.length > 0 ? [`entries that are not key=value (${notKeyValue.map(quoted).join(', ')})`] : []),
    ...(badEscapes.length > 0 ? [`values with a malformed percent-escape (keys ${badEscapes.map(quoted).join(', ')}; a % must start %XX, and the bytes must be UTF-8)`] : []),
  ];
  const warnings = problems.length === 0 ? [] : [`OTEL_RESOURCE_ATTRIBUTES has ${problems.join(' and ')}; they are left out, the other entries are used.`];
  return { attributes, warnings };
}
