// openapi-typescript, resolved from this package's own node_modules (beside TypeScript 5).
export { default as openapiTS, astToString } from 'openapi-typescript'
