import { describe, expect, it } from 'vitest'
import { fieldName, readableTemplate, withDefault } from './mergeFields'

describe('readableTemplate', () => {
  it('shows fields by name', () => {
    expect(readableTemplate('RFQ {{dispatch.reference}} for {{ vendor.name }}')).toBe('RFQ ‹dispatch.reference› for ‹vendor.name›')
  })
  it('shows a field with a default as the field', () => {
    expect(readableTemplate('Region {{vendor.custom.region | default: "n/a"}}')).toBe('Region ‹vendor.custom.region›')
    expect(readableTemplate('{{vendor.custom.x|default:"say \\"hi\\""}}!')).toBe('‹vendor.custom.x›!')
  })
  it('keeps escaped braces and plain text', () => {
    expect(readableTemplate('Literal \\{{vendor.name}} and {{ broken')).toBe('Literal {{vendor.name}} and {{ broken')
    expect(readableTemplate(null)).toBe('')
  })
})

describe('withDefault', () => {
  it('writes the default syntax the server parses, quoting the text', () => {
    expect(withDefault('{{vendor.custom.region}}', 'n/a')).toBe('{{vendor.custom.region | default: "n/a"}}')
    expect(withDefault('vendor.code', 'say "x" \\')).toBe('{{vendor.code | default: "say \\"x\\" \\\\"}}')
  })
  it('names a field without braces or filter', () => {
    expect(fieldName('{{ vendor.custom.region | default: "n/a" }}')).toBe('vendor.custom.region')
  })
})
