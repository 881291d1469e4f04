// How merge fields read to a person: `{{vendor.name}}` in a template is shown as ‹vendor.name›, and
// the field chips insert the syntax the server parses (docs/merge-fields.md).

const FIELD = /(\\?)\{\{\s*([A-Za-z0-9_.]+)\s*(?:\|\s*default\s*:\s*"(?:[^"\\]|\\.)*"\s*)?\}\}/g

/** "RFQ for {{ vendor.name }}" → "RFQ for ‹vendor.name›"; a field with a default reads as the field; `\{{` stays literal. */
export function readableTemplate(text: string | null | undefined): string {
  if (!text) return ''
  return text.replace(FIELD, (whole, escape: string, name: string) => (escape ? whole.slice(1) : `‹${name}›`))
}

/** `{{vendor.custom.region | default: "n/a"}}`: the field with a default written when a recipient has no value. */
export function withDefault(field: string, fallback: string): string {
  const name = field.replace(/^\{\{\s*|\s*(\|[^}]*)?\}\}$/g, '')
  const quoted = fallback.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
  return `{{${name} | default: "${quoted}"}}`
}

/** "vendor.custom.region" from "{{vendor.custom.region}}" or the bare name. */
export function fieldName(field: string): string {
  return field.replace(/^\{\{\s*|\s*(\|[^}]*)?\}\}$/g, '')
}

/** Help shown beside the merge-field chips. */
export const MERGE_DEFAULT_HELP =
  'A recipient without a value would be refused. Add a default for optional fields: ' +
  '{{vendor.custom.region | default: "n/a"}} writes n/a when a vendor has no region.'
